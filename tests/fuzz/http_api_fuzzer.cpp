// SPDX-License-Identifier: Apache-2.0
// Fuzzes the bytes a client sends on an HTTPS connection, after TLS: every request goes
// through the Beast parser with the connection's limits, the refusals and response finishing
// of signaling/local/http_exchange.hpp (what HttpsConnection does around its socket), and the
// production router with every endpoint the daemon registers: WHIP POST/PATCH/DELETE/OPTIONS
// and the capabilities (WebrtcService), the event channel, join, admin, status, metrics, the
// /join/<ID> redirect and the presenter page. Keep-alive and pipelined requests follow one
// another in one input, as on one connection; an event stream ends the exchange.
//
// Stubbed, the socket side only: the connection reads from memory, and the media port range
// is held by this process, so a WHIP offer goes through the endpoint, the authorizer, the
// session manager, the offer checks and the session's start, and its ICE agent cannot open a
// socket (503: no network I/O; whip_session_fuzzer covers answered offers).
//
// Checked: every complete request gets exactly one answer with the security headers, a status
// from 100 to 599 and a well-formed serialization; an unreadable one gets a 4xx and closes.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include "app/daemon_metrics.hpp"
#include "app/daemon_routes.hpp"
#include "app/status_report.hpp"
#include "app/webrtc_service.hpp"
#include "presentd/access/access_control.hpp"
#include "presentd/access/admin_endpoint.hpp"
#include "presentd/access/join_endpoint.hpp"
#include "presentd/common/clock.hpp"
#include "presentd/common/log.hpp"
#include "presentd/signaling/local/event_stream.hpp"
#include "signaling/local/http_exchange.hpp"

namespace {
using namespace presentd;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = signaling::http;

// The admin token seeds use in "Authorization: Bearer ...".
constexpr const char* kAdminToken = "fuzz-admin-token-0123456789abcdef";

// A SyncReadStream over the input: what the TLS stream would hand the parser after decryption.
class MemoryStream {
public:
  explicit MemoryStream(std::string_view bytes) : bytes_(bytes) {}
  using executor_type = asio::any_io_executor;
  template <class Buffers>
  std::size_t read_some(const Buffers& buffers, beast::error_code& ec) {
    if (bytes_.empty()) {
      ec = asio::error::eof;
      return 0;
    }
    ec = {};
    // Small reads, as from TLS records, so requests also arrive split across reads.
    const auto copied =
        asio::buffer_copy(buffers, asio::buffer(bytes_.data(), std::min<std::size_t>(bytes_.size(), 1024)));
    bytes_.remove_prefix(copied);
    return copied;
  }
  template <class Buffers>
  std::size_t read_some(const Buffers& buffers) {
    beast::error_code ec;
    const auto n = read_some(buffers, ec);
    if (ec) throw beast::system_error(ec);
    return n;
  }

private:
  std::string_view bytes_;
};

// The connection side of an event stream: what HttpsConnection would write, kept in memory.
class MemoryEvents final : public signaling::EventStreamOpener,
                           public signaling::EventStream,
                           public std::enable_shared_from_this<MemoryEvents> {
public:
  std::shared_ptr<signaling::EventStream> open_event_stream(const signaling::Request&) override {
    if (opened_) std::abort();  // one stream per connection
    opened_ = true;
    return shared_from_this();
  }
  void send_event(std::string_view name, std::string_view data) override {
    if (name.empty() || data.find('\n') != std::string_view::npos) std::abort();  // would break the framing
  }
  void send_comment(std::string_view) override {}
  void finish() override { close(); }
  bool is_open() const override { return opened_ && !closed_; }
  void set_on_closed(std::function<void()> callback) override { on_closed_ = std::move(callback); }
  void close() {
    if (closed_ || !opened_) return;
    closed_ = true;
    if (auto callback = std::move(on_closed_)) callback();
  }
  bool opened() const { return opened_; }

private:
  bool opened_ = false;
  bool closed_ = false;
  std::function<void()> on_closed_;
};

// Holds a port on every address, UDP and TCP, so no ICE agent can gather on it.
struct HeldPort {
  explicit HeldPort(asio::io_context& io) : udp4(io, {asio::ip::udp::v4(), 0}), udp6(io), tcp4(io), tcp6(io) {
    port = udp4.local_endpoint().port();
    udp6.open(asio::ip::udp::v6());
    udp6.set_option(asio::ip::v6_only(true));
    udp6.bind({asio::ip::udp::v6(), port});
    tcp4.open(asio::ip::tcp::v4());
    tcp4.bind({asio::ip::tcp::v4(), port});
    tcp6.open(asio::ip::tcp::v6());
    tcp6.set_option(asio::ip::v6_only(true));
    tcp6.bind({asio::ip::tcp::v6(), port});
  }
  asio::ip::udp::socket udp4, udp6;
  asio::ip::tcp::acceptor tcp4, tcp6;
  unsigned short port = 0;
};

config::Config box_config(unsigned short media_port) {
  config::Config config;
  const auto state = std::filesystem::temp_directory_path() / ("presentd_http_fuzz_" + std::to_string(getpid()));
  std::filesystem::create_directories(state);
  config.daemon.state_directory = state.string();
  config.network.media_port_min = config.network.media_port_max = media_port;
  config.pin.policy = config::PinPolicy::off;  // WHIP needs no token: offers reach the sessions
  return config;
}

struct Box {
  Box() {
    access.count_in(daemon_metrics.pin_failures, daemon_metrics.pin_lockouts, daemon_metrics.pin_room_saturated);
    admin.configure(std::string(kAdminToken), false);
    join.register_routes(router);
    admin.register_routes(router);
    webrtc.register_routes(router);
    app::DaemonRoutes routes;
    routes.on_response = [this](unsigned status) { daemon_metrics.on_http_response(status); };
    routes.status = [this] {
      app::StatusFacts facts;
      facts.sessions = webrtc.status(false);
      return app::make_status(config, facts).dump();
    };
    routes.metrics = &registry;
    routes.static_files = [this]() -> const signaling::StaticFiles& { return static_files; };
    routes.https_port = [] { return static_cast<unsigned short>(443); };
    app::register_daemon_routes(router, std::move(routes));
  }
  ~Box() {
    webrtc.stop();
    std::filesystem::remove_all(config.daemon.state_directory);
  }

  bool quiet = [] {
    log::set_level(log::Level::error);
    return true;
  }();
  asio::io_context io;
  HeldPort held{io};
  config::Config config = box_config(held.port);
  ManualClock clock;
  metrics::Registry registry;
  app::DaemonMetrics daemon_metrics{registry};
  signaling::HttpRouter router;
  signaling::StaticFiles static_files{std::filesystem::path(PRESENTD_SOURCE_DIR) / "web"};
  access::AccessControl access{clock, config.pin, nullptr};
  access::JoinEndpoint join{clock, access};
  access::AdminEndpoint admin{clock, access, access::AdminHooks{}};
  app::WebrtcService webrtc{io, config, nullptr, &access, nullptr, registry};
};

void check_response(const signaling::Response& response) {
  if (response.result_int() < 100 || response.result_int() > 599) std::abort();
  if (response["Content-Security-Policy"].empty()) std::abort();
  std::ostringstream written;
  written << response;  // the serializer the connection writes with
  if (written.str().find("\r\n\r\n") == std::string::npos) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Box box;
  static std::uint32_t inputs = 0;
  // PRESENTD_FUZZ_VERBOSE=1: each request and its answer on stderr, when reading a reproducer.
  static const bool verbose = std::getenv("PRESENTD_FUZZ_VERBOSE") != nullptr;
  ++inputs;
  box.clock.advance(std::chrono::minutes(10));  // rate limits and PIN back-off start clear
  box.access.set_locked(false);

  const signaling::HttpsLimits limits;
  MemoryStream stream(std::string_view(reinterpret_cast<const char*>(data), size));
  beast::flat_buffer buffer;
  auto events = std::make_shared<MemoryEvents>();
  signaling::RequestContext context;
  // A new client per input (10.x.y.z), as rate limits are per address.
  context.remote = {asio::ip::address_v4(0x0A000000u | (inputs & 0xFFFFFFu)), 50000};
  context.event_streams = events.get();

  for (int requests = 0; requests < 64; ++requests) {
    signaling::RequestParser parser;
    signaling::limit_request_parser(parser, limits);
    beast::error_code ec;
    http::read_header(stream, buffer, parser, ec);
    if (!ec && !parser.is_done()) http::read(stream, buffer, parser, ec);
    if (ec) {
      if (auto refusal = signaling::refusal_for(ec)) {
        signaling::finish_response(box.router, *refusal, limits.hsts);
        check_response(*refusal);
        if (refusal->result_int() < 400 || refusal->result_int() > 499 || !refusal->need_eof()) std::abort();
      }
      break;
    }
    int answers = 0;
    std::optional<signaling::Response> response;
    box.router.dispatch(parser.get(), context, [&](signaling::Response r) {
      ++answers;
      response = std::move(r);
    });
    // Handlers may answer later (on the event loop): give them the loop until they have.
    for (int turns = 0; !response && !events->opened() && turns < 100; ++turns) {
      box.io.restart();
      box.io.run_for(std::chrono::milliseconds(1));
    }
    if (events->opened()) {
      if (answers != 0) std::abort();  // a stream is the answer
      break;                           // the connection reads no more requests
    }
    if (answers != 1) std::abort();
    signaling::finish_response(box.router, *response, limits.hsts);
    check_response(*response);
    if (verbose) {
      std::fprintf(stderr, "%s %s -> %u %s\n", std::string(parser.get().method_string()).c_str(),
                   std::string(parser.get().target()).c_str(), response->result_int(),
                   response->body().substr(0, 100).c_str());
    }
    if (response->need_eof()) break;
  }
  events->close();
  box.webrtc.end_sessions("fuzz input done");
  box.io.restart();
  box.io.poll();
  return 0;
}

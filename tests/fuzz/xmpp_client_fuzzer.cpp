// SPDX-License-Identifier: Apache-2.0
// Fuzzes the real XmppClient with element *sequences* from the server: the client runs on an
// in-memory transport (xmpp_transport.hpp) whose "server" side is the input, so every byte goes
// through the production stream parser and the client's login table (xmpp_login_state.hpp) and
// handlers, from the first stream header to stanzas after the login: pre-TLS, STARTTLS, SASL
// (PLAIN is allowed, so a login can complete without the SCRAM proof), bind, stream management
// and resumption, pings, subscriptions, stanzas for the Jingle code.
//
// Input: byte 0 even = STARTTLS, odd = Direct TLS; the rest is what the server sends, in reads
// separated by NUL bytes (a restart after <proceed/> or <success/> drops the rest of its read,
// as on a socket). The server's stream header is sent for it after each header of the client's.
// The TLS handshake always "succeeds" (a verified certificate is assumed: the attacks of
// interest are those of a server the client trusts or of a path before TLS).
//
// Invariants (abort on violation): the client writes nothing but its stream header and
// <starttls/> before TLS; presence, any stanza, <enable/>, <resume/> or stream-management
// answers only after it sent <auth/> over TLS on this connection; online only then too.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "presentd/common/log.hpp"
#include "presentd/signaling/xmpp/xmpp_client.hpp"

namespace {

using namespace presentd;

constexpr std::string_view kServerHeader =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
    "id='f1' from='localhost' version='1.0'>";

struct Wire {
  std::vector<std::string> reads;  // what the server sends, one socket read each
  std::size_t next = 0;
  std::size_t client_headers = 0;
  std::size_t server_headers = 0;
  bool tls = false;
  bool auth_over_tls = false;
};

bool contains(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

class MemoryTransport final : public xmpp::XmppTransport {
public:
  MemoryTransport(boost::asio::io_context& io, Wire& wire) : io_(io), wire_(wire) {}

  void handshake(const std::string&, bool, HandshakeHandler done) override {
    wire_.tls = true;
    boost::asio::post(io_, [done = std::move(done)] { done({}, {}); });
  }
  void read_some(std::span<std::uint8_t> buffer, IoHandler done) override {
    // Decided when the handler runs: a stream header of the client's may still be queued behind
    // a write in flight, and the server's header must answer it first.
    boost::asio::post(io_, [this, buffer, done = std::move(done)]() mutable { deliver(buffer, std::move(done)); });
  }
  void deliver(std::span<std::uint8_t> buffer, IoHandler done) {
    std::string* source = nullptr;
    std::string header;
    if (wire_.server_headers < wire_.client_headers) {
      wire_.server_headers = wire_.client_headers;
      header = std::string(kServerHeader);
      source = &header;
    } else if (wire_.next < wire_.reads.size()) {
      source = &wire_.reads[wire_.next];
    } else {
      pending_ = std::move(done);  // the server says nothing more: the read stays pending until close()
      return;
    }
    const std::size_t n = std::min(buffer.size(), source->size());
    std::copy_n(source->data(), n, buffer.data());
    source->erase(0, n);
    if (source != &header && source->empty()) ++wire_.next;
    done({}, n);
  }
  void write(std::string_view data, IoHandler done) override {
    if (contains(data, "<stream:stream")) ++wire_.client_headers;
    if (!wire_.tls && !contains(data, "<stream:stream") && !contains(data, "<starttls") &&
        !contains(data, "<stream:error")) {
      std::abort();  // anything else in the clear
    }
    if (wire_.tls && contains(data, "<auth ")) wire_.auth_over_tls = true;
    for (const auto* needle : {"<presence", "<iq", "<message", "<enable", "<resume", "<a ", "<r "}) {
      if (contains(data, needle) && !(wire_.tls && wire_.auth_over_tls)) {
        std::abort();  // a stanza before a login over TLS
      }
    }
    boost::asio::post(io_, [done = std::move(done), n = data.size()] { done({}, n); });
  }
  void close() override {
    // As a socket does: a pending read completes with operation_aborted (its handler holds the
    // client's Link, which holds this transport; never completing it would leak both).
    if (pending_) {
      boost::asio::post(io_, [done = std::move(pending_)] { done(boost::asio::error::operation_aborted, 0); });
      pending_ = nullptr;
    }
  }
  std::string tls_version() override { return "memory"; }

private:
  boost::asio::io_context& io_;
  Wire& wire_;
  IoHandler pending_;  // a read the input has nothing more for
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = [] {
    log::set_level(log::Level::error);  // a log line per refused element would swamp the run
    return true;
  }();
  (void)quiet;
  if (size == 0) return 0;
  Wire wire;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  for (std::size_t at = 0; at <= rest.size();) {
    const auto end = std::min(rest.find('\0', at), rest.size());
    if (end > at) wire.reads.emplace_back(rest.substr(at, end - at));
    at = end + 1;
  }
  boost::asio::io_context io;
  xmpp::XmppClientSettings settings;
  settings.local = "123456";
  settings.domain = "localhost";
  settings.direct_tls = (data[0] & 1) != 0;
  settings.allow_plain = true;
  settings.password = "fuzz";
  xmpp::XmppClientCallbacks callbacks;
  callbacks.on_stanza = [](const xml::Element& stanza) { return stanza.name == "message"; };
  auto connector = [&io](const std::string&, std::uint16_t, xmpp::ConnectHandler done) -> xmpp::CancelConnect {
    boost::asio::post(io, [&io, done = std::move(done)] { done({}, boost::asio::ip::tcp::socket(io)); });
    return [] {};
  };
  auto transport = [&io, &wire](boost::asio::ip::tcp::socket) -> std::unique_ptr<xmpp::XmppTransport> {
    return std::make_unique<MemoryTransport>(io, wire);
  };
  {
    xmpp::XmppClient client(io, settings, transport, connector, callbacks);
    client.start();
    // Only ready handlers run: timers (back-off, pings, the login deadline) never fire, so one
    // input is one connection.
    for (int rounds = 0; rounds < 100000 && io.poll() > 0; ++rounds) {
      if (client.online() && !(wire.tls && wire.auth_over_tls)) std::abort();
    }
    if (client.online()) client.set_room_status(xmpp::RoomStatus::presenting);
    client.stop();
    io.poll();
  }
  return 0;
}

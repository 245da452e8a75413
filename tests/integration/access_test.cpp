// SPDX-License-Identifier: Apache-2.0
// Joining, PIN, admin API and web hardening against the real presentd binary over verified
// HTTPS: wrong PINs and the lockout, rotation (old PIN refused by join and WHIP, the idle
// screen redrawn), the room lock, admin token checks, a PNG snapshot of the real screen
// (SDL's offscreen driver), security headers, oversized and malformed requests, the connection
// cap. AbusedDaemon: one address holding hundreds of connections, idle connections making room,
// kept slots, wrong PINs from rotating addresses and wrong admin tokens from many addresses,
// each while another address is served (loopback's 127.0.0.x are distinct sources).
// AccessDuringAPresentation then runs GStreamer's webrtcbin over WHIP in a private network
// namespace while a slowloris client and bad requests hit the box, and an admin removes it.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>

#include "support/child_process.hpp"
#include "support/https_client.hpp"
#include "support/network_namespace.hpp"
#include "support/notify_socket.hpp"
#include "support/prometheus_text.hpp"
#include "support/sanitizer_build.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_client.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;
const std::string kAdminToken = "c0ffee00c0ffee00c0ffee00c0ffee00";
const std::string kSender = std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/webrtc/gst_whip_sender.py";
const std::map<std::string, std::string> kJson{{"Content-Type", "application/json"}};

std::map<std::string, std::string> bearer(const std::string& token, std::map<std::string, std::string> headers = {}) {
  headers["Authorization"] = "Bearer " + token;
  return headers;
}

// Width and height from a PNG's IHDR chunk (RFC 2083 §4.1.1), after checking the signature.
std::optional<std::pair<std::uint32_t, std::uint32_t>> png_size(const std::string& png) {
  static const std::string kSignature = "\x89PNG\r\n\x1a\n";
  if (png.size() < 33 || png.compare(0, 8, kSignature) != 0 || png.compare(12, 4, "IHDR") != 0) return std::nullopt;
  const auto be32 = [&](std::size_t at) {
    return (std::uint32_t{static_cast<unsigned char>(png[at])} << 24) |
           (std::uint32_t{static_cast<unsigned char>(png[at + 1])} << 16) |
           (std::uint32_t{static_cast<unsigned char>(png[at + 2])} << 8) | static_cast<unsigned char>(png[at + 3]);
  };
  return std::pair{be32(16), be32(20)};
}

class DaemonUnderTest : public ::testing::Test {
protected:
  // `extra` adds top-level sections to the configuration.
  void start_daemon(const std::string& host, unsigned short port, const std::string& extra,
                    std::map<std::string, std::string> env = {}) {
    host_ = host;
    port_ = port;
    dir_.write("admin-token", kAdminToken + "\n");
    config_ = dir_.write("presentd.json", config_text(extra, true));
    env["NOTIFY_SOCKET"] = notify_.path().string();
    env["SDL_AUDIODRIVER"] = "dummy";
    daemon_ = std::make_unique<ChildProcess>(std::vector<std::string>{PRESENTD_BINARY, "--config", config_.string()},
                                             env, dir_.path() / "presentd.log");
    ASSERT_TRUE(notify_.wait_for("READY=1", 20s)) << log();
  }

  std::string config_text(const std::string& extra, bool with_admin) const {
    return R"({
      "network": {"bind_address": ")" +
           host_ + R"(", "https_port": )" + std::to_string(port_) + R"(, "max_connections": )" +
           std::to_string(max_connections_) + R"(, "max_connections_per_address": )" +
           std::to_string(max_per_address_) + R"(},
      "admin": {"token_file": ")" +
           (with_admin ? (dir_.path() / "admin-token").string() : "") + R"("},
      "discovery": {"presentd_service": false, "https_service": false},)" +
           extra + R"(
      "daemon": {"state_directory": ")" +
           (dir_.path() / "state").string() + R"(", "log_level": "debug",
                 "web_root": ")" PRESENTD_SOURCE_DIR R"(/web"}
    })";
  }

  void TearDown() override {
    if (daemon_ && daemon_->running()) {
      daemon_->signal(SIGTERM);
      EXPECT_EQ(daemon_->wait_for_exit(daemon_stop_bound(3s)), 0) << "presentd did not stop cleanly";
    }
    if (HasFailure()) std::printf("--- presentd log ---\n%s\n", log().c_str());
  }

  std::string log() const { return read_file(dir_.path() / "presentd.log"); }
  std::filesystem::path certificate() const { return dir_.path() / "state/tls/https-certificate.pem"; }

  HttpResult call(const std::string& method, const std::string& target, const std::string& body = {},
                  const std::map<std::string, std::string>& headers = {}) {
    return https_request(method, host_, port_, target, certificate(), body, headers);
  }
  HttpResult admin(const std::string& method, const std::string& target) {
    return call(method, target, "", bearer(kAdminToken));
  }
  std::string current_pin() {
    const auto result = admin("GET", "/api/v1/admin/pin");
    EXPECT_EQ(result.status, 200) << result.body;
    return Json::parse(result.body)["pin"].get<std::string>();
  }
  HttpResult join(const std::string& pin, const std::string& name = "") {
    return call("POST", "/api/v1/join", Json{{"pin", pin}, {"name", name}}.dump(), kJson);
  }
  static std::string other_than(const std::string& pin) { return std::string(pin.size(), pin[0] == '1' ? '2' : '1'); }

  TempDir dir_;
  NotifySocket notify_{dir_.path() / "notify.sock"};
  std::filesystem::path config_;
  std::unique_ptr<ChildProcess> daemon_;
  std::string host_;
  unsigned short port_ = 0;
  int max_connections_ = 128;
  int max_per_address_ = 16;
};

// A box on loopback with a rotating 8-digit PIN (long enough that finding it in the log by
// chance is out of the question), the admin API, snapshots and an offscreen 1280×720 window.
class AccessDaemon : public DaemonUnderTest {
protected:
  void SetUp() override {
    max_connections_ = 8;
    start_daemon("127.0.0.1", free_tcp_port(), R"(
      "pin": {"policy": "rotate", "length": 8},
      "snapshot": {"enabled": true},
      "display": {"driver": "offscreen", "fullscreen": false},)");
  }
};

TEST_F(AccessDaemon, WrongPinIsRefusedReadablyAndTheSixthAttemptIsLockedOut) {
  const auto pin = current_pin();
  // One kept-alive connection, so the attempts follow each other as fast as a script could.
  TlsClient client(host_, port_, certificate());
  for (int left = 4; left >= 0; --left) {
    const auto result = client.request("POST", "/api/v1/join", Json{{"pin", other_than(pin)}}.dump(), kJson);
    ASSERT_EQ(result.status, 401) << result.body;
    const auto body = Json::parse(result.body);
    EXPECT_EQ(body["error"], "wrong_pin");
    EXPECT_NE(body["message"].get<std::string>().find("Wrong PIN"), std::string::npos);
    EXPECT_EQ(body["attempts_left"], left);
  }
  const auto sixth = client.request("POST", "/api/v1/join", Json{{"pin", other_than(pin)}}.dump(), kJson);
  ASSERT_EQ(sixth.status, 429) << sixth.body;
  EXPECT_EQ(Json::parse(sixth.body)["error"], "locked_out");
  ASSERT_TRUE(sixth.headers.contains("Retry-After"));
  EXPECT_GE(std::stoi(sixth.headers.at("Retry-After")), 1);

  // Five failures rotated the PIN; the attempts are in the log, the PINs are not.
  const auto rotated = current_pin();
  EXPECT_NE(rotated, pin);
  const auto text = log();
  EXPECT_NE(text.find("wrong PIN from 127.0.0.1"), std::string::npos) << text;
  EXPECT_EQ(text.find(pin), std::string::npos);
  EXPECT_EQ(text.find(rotated), std::string::npos);
  EXPECT_EQ(text.find(other_than(pin)), std::string::npos);

  // The five wrong PINs and the one lockout they caused are counted for Prometheus.
  const auto metrics = parse_prometheus_text(client.request("GET", "/metrics").body);
  EXPECT_EQ(metrics.value("presentd_pin_failures_total"), 5.0);
  EXPECT_EQ(metrics.value("presentd_pin_lockouts_total"), 1.0);
}

TEST_F(AccessDaemon, RotatedPinInvalidatesTheOldOneAndTheIdleScreenShowsTheNewOne) {
  const auto old_pin = current_pin();
  ASSERT_EQ(join(old_pin, "Ada").status, 200);
  const auto before = admin("GET", "/api/v1/snapshot.png");
  ASSERT_EQ(before.status, 200);
  // The idle page is still: the same PIN draws the same picture.
  EXPECT_EQ(admin("GET", "/api/v1/snapshot.png").body, before.body);

  const auto rotated = admin("POST", "/api/v1/admin/pin/rotate");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const auto new_pin = Json::parse(rotated.body)["pin"].get<std::string>();
  EXPECT_NE(new_pin, old_pin);
  EXPECT_EQ(current_pin(), new_pin);

  // Plain WHIP with the old PIN as Bearer token: refused before the offer is even looked at.
  const auto whip = call("POST", "/whip", "v=0\r\n", bearer(old_pin, {{"Content-Type", "application/sdp"}}));
  EXPECT_EQ(whip.status, 401) << whip.body;
  EXPECT_EQ(whip.headers.at("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(join(old_pin).status, 401);
  const auto joined = join(new_pin, "Ada");
  ASSERT_EQ(joined.status, 200) << joined.body;
  const auto token = Json::parse(joined.body);
  EXPECT_EQ(token["token"].get<std::string>().size(), 32u);
  EXPECT_EQ(token["expires_in"], 60);
  EXPECT_EQ(token["whip"], "/whip");

  // The idle screen was redrawn with the new PIN.
  const auto after = admin("GET", "/api/v1/snapshot.png");
  ASSERT_EQ(after.status, 200);
  EXPECT_NE(after.body, before.body);
}

TEST_F(AccessDaemon, SnapshotIsAPngOfTheScreen) {
  const auto shot = admin("GET", "/api/v1/snapshot.png");
  ASSERT_EQ(shot.status, 200) << shot.body;
  EXPECT_EQ(shot.headers.at("Content-Type"), "image/png");
  EXPECT_EQ(shot.headers.at("Cache-Control"), "no-store");
  const auto size = png_size(shot.body);
  ASSERT_TRUE(size) << "not a PNG";
  EXPECT_EQ(size->first, 1280u);
  EXPECT_EQ(size->second, 720u);
  EXPECT_EQ(call("GET", "/api/v1/snapshot.png").status, 401);
}

TEST_F(AccessDaemon, AdminEndpointsRefuseWithoutOrWithAWrongTokenAndAreOffWithoutOne) {
  const std::vector<std::pair<std::string, std::string>> endpoints{
      {"POST", "/api/v1/admin/presenters/0123456789abcdef0123456789abcdef/remove"},
      {"POST", "/api/v1/admin/lock"},
      {"POST", "/api/v1/admin/unlock"},
      {"POST", "/api/v1/admin/pin/rotate"},
      {"GET", "/api/v1/admin/pin"},
      {"GET", "/api/v1/snapshot.png"}};
  const auto pin = current_pin();
  TlsClient client(host_, port_, certificate());
  for (const auto& [method, target] : endpoints) {
    const auto missing = client.request(method, target);
    EXPECT_EQ(missing.status, 401) << target;
    EXPECT_EQ(Json::parse(missing.body)["error"], "unauthorized") << target;
    EXPECT_EQ(missing.headers.at("WWW-Authenticate"), "Bearer");
  }
  for (const auto& [method, target] : endpoints) {
    // Wrong tokens back off after five: the refusal is 401 or 429, never the action.
    const auto wrong = client.request(method, target, "", bearer(kAdminToken.substr(1) + "0"));
    EXPECT_TRUE(wrong.status == 401 || wrong.status == 429) << target << " " << wrong.status;
  }
  // Nothing was rotated or locked: the PIN still joins (an admin request would now meet the
  // wrong-token back-off, which these failures started).
  EXPECT_EQ(join(pin).status, 200);

  // Without a token file the admin API is off (applied by a reload).
  dir_.write("presentd.json", config_text(R"("pin": {"policy": "rotate", "length": 8},)", false));
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(notify_.wait_for("RELOADING=1", 5s));
  ASSERT_TRUE(notify_.wait_for("READY=1", 5s));
  const auto off = admin("POST", "/api/v1/admin/lock");
  EXPECT_EQ(off.status, 404);
  EXPECT_EQ(Json::parse(off.body)["error"], "admin_api_off");
  EXPECT_EQ(join(pin).status, 200);  // an unchanged rotating policy keeps its PIN over a reload
}

TEST_F(AccessDaemon, ALockedRoomRefusesJoinsAndWhipUntilUnlocked) {
  const auto pin = current_pin();
  ASSERT_EQ(admin("POST", "/api/v1/admin/lock").status, 200);
  const auto refused = join(pin);
  EXPECT_EQ(refused.status, 423);
  EXPECT_EQ(Json::parse(refused.body)["error"], "room_locked");
  EXPECT_EQ(call("POST", "/whip", "v=0\r\n", bearer(pin, {{"Content-Type", "application/sdp"}})).status, 423);
  ASSERT_EQ(admin("POST", "/api/v1/admin/unlock").status, 200);
  EXPECT_EQ(join(pin).status, 200);
  EXPECT_EQ(admin("POST", "/api/v1/admin/presenters/0123456789abcdef0123456789abcdef/remove").status, 404);
}

TEST_F(AccessDaemon, EveryAnswerCarriesTheSecurityHeadersAndNoHstsWithASelfSignedCertificate) {
  const std::vector<HttpResult> answers{call("GET", "/api/v1/status"), call("GET", "/no/such/page"), join("1"),
                                        call("OPTIONS", "/whip"), admin("GET", "/api/v1/admin/pin")};
  for (const auto& answer : answers) {
    EXPECT_EQ(answer.headers.at("Content-Security-Policy"),
              "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
              "frame-ancestors 'none'");
    EXPECT_EQ(answer.headers.at("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(answer.headers.at("Referrer-Policy"), "no-referrer");
    EXPECT_FALSE(answer.headers.contains("Strict-Transport-Security"));
  }
}

TEST_F(AccessDaemon, OversizedHeadersBadJsonAndMalformedRequestsGetA4xx) {
  {
    TlsClient client(host_, port_, certificate());
    client.write_raw("GET / HTTP/1.1\r\nHost: box\r\nX-Filler: " + std::string(20000, 'a') + "\r\n\r\n");
    const auto result = client.read_response();
    EXPECT_EQ(result.status, 431);
    EXPECT_TRUE(client.closed_by_server(5s));
  }
  {
    TlsClient client(host_, port_, certificate());
    client.write_raw("GET / HTTX/1.1\r\nHost: box\r\n\r\n");
    EXPECT_EQ(client.read_response().status, 400);
  }
  const auto bad_json = call("POST", "/api/v1/join", "{\"pin\": \"12", kJson);
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(Json::parse(bad_json.body)["error"], "bad_request");
  EXPECT_EQ(call("POST", "/api/v1/join", "{}", {{"Content-Type", "text/plain"}}).status, 415);
  {
    // A body announced over the limit is refused from its header alone (sending it all would
    // race the server's close against the client's write).
    TlsClient client(host_, port_, certificate());
    client.write_raw(
        "POST /api/v1/join HTTP/1.1\r\nHost: box\r\nContent-Type: application/json\r\n"
        "Content-Length: 204800\r\n\r\n{");
    EXPECT_EQ(client.read_response().status, 413);
  }
  EXPECT_EQ(call("GET", "/api/v1/status").status, 200);  // the daemon is unharmed
}

TEST_F(AccessDaemon, ConnectionsBeyondTheCapsAreRefusedUntilOthersClose) {
  boost::asio::io_context io;
  const boost::asio::ip::tcp::endpoint box(boost::asio::ip::make_address(host_), port_);
  std::vector<boost::asio::ip::tcp::socket> held;
  for (int i = 0; i < max_connections_; ++i) {
    held.emplace_back(io);
    held.back().connect(box);
  }
  // Eight is one address's share of eight slots and more (two are kept for addresses that hold
  // none): the server accepts the ninth and closes it at once.
  boost::asio::ip::tcp::socket extra(io);
  extra.connect(box);
  char byte = 0;
  boost::system::error_code error;
  boost::asio::read(extra, boost::asio::buffer(&byte, 1), error);
  EXPECT_TRUE(error == boost::asio::error::eof || error == boost::asio::error::connection_reset) << error.message();
  held.clear();
  // The held connections are gone once the server has seen them close.
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    try {
      served = call("GET", "/api/v1/status").status == 200;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(100ms);
    }
  }
  EXPECT_TRUE(served);
  EXPECT_NE(log().find("refusing a connection from 127.0.0.1"), std::string::npos);
}

// Plain TCP connections from `source` that never start TLS (a host holding slots), each opened
// by the kernel before the server decides on it.
std::vector<boost::asio::ip::tcp::socket> open_raw_connections(boost::asio::io_context& io, const std::string& source,
                                                               const boost::asio::ip::tcp::endpoint& box, int count) {
  std::vector<boost::asio::ip::tcp::socket> sockets;
  for (int i = 0; i < count; ++i) {
    sockets.emplace_back(io);
    sockets.back().open(box.protocol());
    sockets.back().bind({boost::asio::ip::make_address(source), 0});
    sockets.back().connect(box);
  }
  return sockets;
}

// How many of `sockets` the server has closed (EOF or reset), waiting up to `limit` for at
// least `expected` of them.
int closed_by_server(std::vector<boost::asio::ip::tcp::socket>& sockets, int expected, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int closed = 0;
  do {
    closed = 0;
    for (auto& socket : sockets) {
      pollfd watch{socket.native_handle(), POLLIN | POLLRDHUP, 0};
      if (::poll(&watch, 1, 0) > 0) ++closed;
    }
    if (closed >= expected) break;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < deadline);
  return closed;
}

// A box on 127.0.0.1 with a fixed 6-digit PIN (so an attacker's wrong guesses cannot rotate it
// between the test reading it and a presenter typing it); the other 127.0.0.x are other hosts.
class AbusedDaemon : public DaemonUnderTest {
protected:
  void start(int max_connections, int per_address) {
    max_connections_ = max_connections;
    max_per_address_ = per_address;
    start_daemon("127.0.0.1", free_tcp_port(),
                 R"(
      "pin": {"policy": "fixed", "length": 6, "fixed": ")" +
                     kPin + R"("},)");
  }
  // Everything a presenter on another host needs, from 127.0.0.1.
  void expect_served() {
    EXPECT_EQ(call("GET", "/").status, 200);
    EXPECT_EQ(call("OPTIONS", "/whip").status, 204);
    EXPECT_EQ(join(kPin, "Ada").status, 200);
    EXPECT_EQ(call("GET", "/api/v1/status").status, 200);
  }
  PrometheusText metrics() { return parse_prometheus_text(call("GET", "/metrics").body); }
  boost::asio::ip::tcp::endpoint box() const { return {boost::asio::ip::make_address(host_), port_}; }

  static inline const std::string kPin = "731946";
};

TEST_F(AbusedDaemon, OneAddressCannotTakeEverySlot) {
  start(128, 16);
  // 127.0.0.2 trickles ten request headers (each waits for the rest of its header)...
  std::vector<std::unique_ptr<TlsClient>> tricklers;
  for (int i = 0; i < 10; ++i) {
    tricklers.push_back(std::make_unique<TlsClient>(host_, port_, certificate(), "127.0.0.2"));
    tricklers.back()->write_raw("GET / HTTP/1.1\r\nHost: box\r\n");
  }
  // ...and opens three hundred connections that never even start TLS.
  boost::asio::io_context io;
  auto held = open_raw_connections(io, "127.0.0.2", box(), 300);
  // Another host is served all along.
  expect_served();
  // 127.0.0.2 holds 16 at most: all but six of the three hundred were closed at once.
  EXPECT_GE(closed_by_server(held, 294, 20s), 294);
  const auto counted = metrics();
  EXPECT_GE(counted.value("presentd_https_connections_refused_total", {{"reason", "per_address"}}).value_or(0), 294.0);
  EXPECT_EQ(counted.value("presentd_https_connections_refused_total", {{"reason", "full"}}), 0.0);
  EXPECT_NE(log().find("refusing a connection from 127.0.0.2"), std::string::npos);
  EXPECT_NE(log().find("127.0.0.2 holds 16 connections, none idle (/network/max_connections_per_address)"),
            std::string::npos);
}

TEST_F(AbusedDaemon, AtTheCapTheLongestIdleConnectionMakesRoomAndKeptSlotsLetNewcomersIn) {
  start(32, 16);  // two of the 32 kept for addresses holding none
  // Idle kept-alive connections: 16 from .10, 14 from .11 (30, all a holder may use), one each
  // from .12 and .13 (the kept two). Every slot is taken.
  std::vector<std::unique_ptr<TlsClient>> idle;
  const auto open_idle = [&](const std::string& source, int count) {
    for (int i = 0; i < count; ++i) {
      idle.push_back(std::make_unique<TlsClient>(host_, port_, certificate(), source));
      ASSERT_EQ(idle.back()->request("GET", "/api/v1/status").status, 200);
    }
  };
  open_idle("127.0.0.10", 16);
  open_idle("127.0.0.11", 14);
  open_idle("127.0.0.12", 1);
  open_idle("127.0.0.13", 1);
  // A newcomer: the connection idle longest (.10's first) closes to make room.
  expect_served();
  EXPECT_TRUE(idle.front()->closed_by_server(5000ms));
  EXPECT_GE(metrics().value("presentd_https_idle_connections_closed_total").value_or(0), 1.0);

  // Now every slot a holder may use is busy (a trickled header), none idle: a holder is refused,
  // a host holding none still gets in through a kept slot.
  idle.clear();
  std::vector<std::unique_ptr<TlsClient>> busy;
  for (const auto* source : {"127.0.0.20", "127.0.0.21"}) {
    for (int i = 0; i < 15; ++i) {
      busy.push_back(std::make_unique<TlsClient>(host_, port_, certificate(), source));
      busy.back()->write_raw("GET / HTTP/1.1\r\n");
    }
  }
  // A connection counts as idle until the daemon has read its first bytes, and an idle one would
  // make room for the newcomer: wait until the daemon has read all thirty headers (a sanitized
  // daemon can lag behind the writes; this test failed there).
  const auto all_busy = [&] {
    const auto counted = metrics();
    return counted.value("presentd_https_connections", {{"state", "busy"}}).value_or(0) >= 30.0 &&
           counted.value("presentd_https_connections", {{"state", "idle"}}).value_or(1) == 0.0;
  };
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!all_busy() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(all_busy()) << call("GET", "/metrics").body;
  boost::asio::io_context io;
  auto refused = open_raw_connections(io, "127.0.0.20", box(), 1);
  EXPECT_EQ(closed_by_server(refused, 1, 10s), 1);
  expect_served();
  EXPECT_GE(metrics().value("presentd_https_connections_refused_total", {{"reason", "full"}}).value_or(0), 1.0);
}

TEST_F(AbusedDaemon, WrongPinsFromRotatingAddressesDoNotLockOutTheRightOne) {
  start(128, 16);
  // Two wrong PINs a second from 20 addresses in turn, for 30 s, each on its own kept-alive
  // connection (the join rate limit of 1 a second per address is never reached).
  constexpr int kAddresses = 20;
  std::vector<std::unique_ptr<TlsClient>> attackers;
  for (int i = 0; i < kAddresses; ++i) {
    attackers.push_back(std::make_unique<TlsClient>(host_, port_, certificate(), "127.0.1." + std::to_string(i + 1)));
  }
  int looked_at = 0, refused = 0, presenter_joins = 0;
  const auto start_time = std::chrono::steady_clock::now();
  for (int i = 0; std::chrono::steady_clock::now() - start_time < 30s; ++i) {
    const auto result =
        attackers[i % kAddresses]->request("POST", "/api/v1/join", Json{{"pin", "000000"}}.dump(), kJson);
    (result.status == 401 ? looked_at : refused) += 1;
    ASSERT_TRUE(result.status == 401 || result.status == 429) << result.status << " " << result.body;
    // Every five seconds a presenter on a host that has not guessed types the right PIN.
    if (i % 10 == 9) {
      TlsClient presenter(host_, port_, certificate(), "127.0.2." + std::to_string(i / 10 + 1));
      const auto joined = presenter.request("POST", "/api/v1/join", Json{{"pin", kPin}}.dump(), kJson);
      EXPECT_EQ(joined.status, 200) << joined.body;
      presenter_joins += joined.status == 200;
    }
    std::this_thread::sleep_for(500ms);
  }
  const double minutes = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count() / 60;
  std::printf("wrong PINs looked at: %d of %d in %.1f s (%.1f a minute); presenters let in: %d\n", looked_at,
              looked_at + refused, minutes * 60, looked_at / minutes, presenter_joins);
  // The room's ten, then only each address's first guess: never more than that.
  EXPECT_LE(looked_at, 10 + kAddresses);
  EXPECT_GT(refused, 0);
  const auto counted = metrics();
  EXPECT_GE(counted.value("presentd_pin_room_limit_saturated_total").value_or(0), 1.0);
  EXPECT_EQ(counted.value("presentd_pin_failures_total"), static_cast<double>(looked_at));
  EXPECT_NE(log().find("room-wide limit on wrong PINs reached"), std::string::npos);
  EXPECT_EQ(log().find(kPin), std::string::npos);
}

TEST_F(AbusedDaemon, WrongAdminTokensFromOtherAddressesDoNotLockOutTheAdmin) {
  start(128, 16);
  for (int i = 0; i < 10; ++i) {
    TlsClient other(host_, port_, certificate(), "127.0.3." + std::to_string(i + 1));
    for (int attempt = 0; attempt < 2; ++attempt) {
      const auto wrong = other.request("GET", "/api/v1/admin/pin", "", bearer(std::string(32, 'f')));
      EXPECT_EQ(wrong.status, 401);
    }
  }
  EXPECT_EQ(admin("GET", "/api/v1/admin/pin").status, 200);
}

// HSTS only with a real certificate: a test CA issues the box's certificate (openssl CLI).
class DaemonWithARealCertificate : public DaemonUnderTest {
protected:
  void SetUp() override {
    const auto openssl = [&](std::vector<std::string> args) {
      args.insert(args.begin(), "openssl");
      const auto [code, output] = run_command(args);
      ASSERT_EQ(code, 0) << output;
    };
    const auto at = [&](const std::string& name) { return (dir_.path() / name).string(); };
    dir_.write("leaf.ext", "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", at("ca.key"),
             "-out", at("ca.pem"), "-days", "2", "-subj", "/CN=presentd test CA"});
    openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", at("box.key"), "-out",
             at("box.csr"), "-subj", "/CN=127.0.0.1"});
    openssl({"x509", "-req", "-in", at("box.csr"), "-CA", at("ca.pem"), "-CAkey", at("ca.key"), "-CAcreateserial",
             "-days", "2", "-extfile", at("leaf.ext"), "-out", at("box.pem")});
    start_daemon("127.0.0.1", free_tcp_port(),
                 R"("tls": {"certificate": ")" + at("box.pem") + R"(", "private_key": ")" + at("box.key") + R"("},)");
  }
};

TEST_F(DaemonWithARealCertificate, AnswersCarryHsts) {
  const auto status = https_request("GET", host_, port_, "/api/v1/status", dir_.path() / "ca.pem");
  EXPECT_EQ(status.status, 200);
  EXPECT_EQ(status.headers.at("Strict-Transport-Security"), "max-age=31536000");
  const auto missing = https_request("GET", host_, port_, "/nothing/here", dir_.path() / "ca.pem");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.headers.at("Strict-Transport-Security"), "max-age=31536000");
}

// A real presentation: GStreamer's webrtcbin publishing over WHIP with the rotating PIN, inside
// a network namespace of the test's own (ICE ignores loopback).
class AccessDuringAPresentation : public DaemonUnderTest {
protected:
  void SetUp() override {
    std::string why;
    network_ = enter_private_network(why);
    ASSERT_TRUE(network_) << why;
    start_daemon(network_->box_address, 8443, R"(
      "pin": {"policy": "rotate", "length": 6},
      "display": {"driver": "dummy"},)");
  }

  // Frames decoded so far by the first session's first video stream (0 when there is none).
  long frames_decoded() {
    const auto status = Json::parse(call("GET", "/api/v1/status").body);
    const auto& sessions = status["sessions"]["sessions"];
    if (sessions.empty() || !sessions[0].contains("video") || sessions[0]["video"].empty()) return 0;
    return sessions[0]["video"][0].value("frames_decoded", 0L);
  }
  long wait_for_frames(long at_least, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    long frames = frames_decoded();
    while (frames < at_least && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(200ms);
      frames = frames_decoded();
    }
    return frames;
  }

  std::optional<PrivateNetwork> network_;
};

TEST_F(AccessDuringAPresentation, SlowlorisAndBadRequestsDoNotDisturbItAndAnAdminRemovesIt) {
  const auto pin = current_pin();
  ChildProcess sender({"/usr/bin/python3", kSender, "--url", "https://" + network_->box_address + ":8443/whip", "--ca",
                       certificate().string(), "--token", pin, "--pattern", "red", "--duration", "40"},
                      {}, dir_.path() / "sender.log");
  ASSERT_GE(wait_for_frames(30, 30s), 30) << read_file(dir_.path() / "sender.log");
  const auto before = frames_decoded();

  // Slowloris: a request header trickled one line a second. The header deadline (10 s from the
  // first byte) closes the connection, whatever keeps arriving.
  TlsClient slow(host_, port_, certificate());
  const auto first_byte = std::chrono::steady_clock::now();
  slow.write_raw("GET / HTTP/1.1\r\nHost: box\r\n");
  bool closed = false;
  for (int line = 0; line < 30 && !closed; ++line) {
    try {
      slow.write_raw("X-Slow-" + std::to_string(line) + ": 1\r\n");
      closed = slow.closed_by_server(1000ms);
    } catch (const std::exception&) {
      closed = true;  // the write failed: already closed
    }
  }
  const auto held = std::chrono::steady_clock::now() - first_byte;
  EXPECT_TRUE(closed) << "the slow client was never cut off";
  EXPECT_GE(held, 9s);
  EXPECT_LE(held, 20s);

  // Meanwhile and afterwards: bad requests get a 4xx, nothing else happens.
  {
    TlsClient big(host_, port_, certificate());
    big.write_raw("GET / HTTP/1.1\r\nHost: box\r\nX-Filler: " + std::string(20000, 'a') + "\r\n\r\n");
    EXPECT_EQ(big.read_response().status, 431);
  }
  EXPECT_EQ(call("POST", "/api/v1/join", "{\"pin\":", kJson).status, 400);

  // The presentation kept decoding the whole time (30 fps: ~300 frames in 10 s).
  const auto after = frames_decoded();
  EXPECT_GE(after - before, 150) << "before " << before << ", after " << after;

  // An admin lists the presenter and removes it; its end rotates the PIN.
  const auto listed = Json::parse(admin("GET", "/api/v1/admin/presenters").body);
  ASSERT_EQ(listed["presenters"].size(), 1u) << listed.dump();
  const auto id = listed["presenters"][0]["session_id"].get<std::string>();
  EXPECT_FALSE(listed["presenters"][0]["address"].get<std::string>().empty());
  EXPECT_EQ(admin("POST", "/api/v1/admin/presenters/" + id + "/remove").status, 200);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  Json status;
  do {
    status = Json::parse(call("GET", "/api/v1/status").body);
    if (status["sessions"]["active"] == 0) break;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(status["sessions"]["active"], 0) << status.dump();
  EXPECT_NE(current_pin(), pin);
  EXPECT_EQ(Json::parse(admin("GET", "/api/v1/admin/presenters").body)["presenters"].size(), 0u);
}

}  // namespace
}  // namespace presentd::test

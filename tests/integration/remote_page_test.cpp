// SPDX-License-Identifier: Apache-2.0
// The remote page (web/remote/) end to end, in three network namespaces that reach each other
// only through the server's:
//
//   person (headless Chromium)        server (this test's namespace)            room (presentd)
//   10.210.2.2 ──veth── 10.210.2.1    lo: 10.210.0.1 Prosody (c2s, HTTPS:       10.210.1.2 ──veth── 10.210.1.1
//                                         WebSocket, the page, guest host),
//                                         coturn (TURN/UDP, TURN over TLS)
//                                     lo: 10.210.3.1 coturn's relay address
//
// The server's namespace does not forward, so the person and the room can only meet through
// coturn's relay. Prosody hands the guest host TURN over UDP and the room's host only TURN over
// TLS (XEP-0215), so the room's media arrives through presentd's TLS tunnel to coturn.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/coturn_server.hpp"
#include "support/https_client.hpp"
#include "support/namespace_daemon.hpp"
#include "support/notify_socket.hpp"
#include "support/peer_namespace.hpp"
#include "support/poll_json.hpp"
#include "support/prosody_server.hpp"
#include "support/sanitizer_build.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificate.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;

constexpr unsigned short kPort = 8443;
constexpr const char* kRoom = "123456";
constexpr const char* kRoomPassword = "room password 9!";
constexpr const char* kPin = "2468";
constexpr const char* kServer = "10.210.0.1";  // the server's public address (Prosody, coturn)
constexpr const char* kRelay = "10.210.3.1";   // coturn's relay address
constexpr const char* kTurnSecret = "remote-page-turn-secret";

std::string turn_service(const std::string& type, const std::string& transport, int port) {
  return "{ type = \"" + type + "\", transport = \"" + transport + "\", host = \"" + kServer +
         "\", port = " + std::to_string(port) + ", secret = \"" + kTurnSecret +
         "\", algorithm = \"turn\", ttl = 3600 }";
}

class RemotePage : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(std::filesystem::path(PRESENTD_REMOTE_PAGE_DIR) / "index.html"))
        << "build the remote page first: scripts/build_remote_page.sh " PRESENTD_REMOTE_PAGE_DIR;
    ASSERT_EQ(unshare(CLONE_NEWNET), 0) << "needs root";
    for (const auto& command :
         std::vector<std::vector<std::string>>{{"ip", "link", "set", "lo", "up"},
                                               {"ip", "addr", "add", std::string(kServer) + "/32", "dev", "lo"},
                                               {"ip", "addr", "add", std::string(kRelay) + "/32", "dev", "lo"}}) {
      const auto [code, output] = run_command(command);
      ASSERT_EQ(code, 0) << output;
    }
    std::string why;
    room_ = PeerNamespace::create(dir_, "rm", "10.210.1.1", "10.210.1.2", why);
    ASSERT_TRUE(room_) << why;
    person_ = PeerNamespace::create(dir_, "pn", "10.210.2.1", "10.210.2.2", why);
    ASSERT_TRUE(person_) << why;

    std::filesystem::permissions(dir_.path(), std::filesystem::perms::others_exec | std::filesystem::perms::others_read,
                                 std::filesystem::perm_options::add);
    start_turn();
    start_prosody();
  }

  void TearDown() override {
    if (browser_ && browser_->running()) {
      command("quit");
      browser_->wait_for_exit(20s);
    }
    if (daemon_ && daemon_->running()) {
      daemon_->signal(SIGTERM);
      EXPECT_EQ(daemon_->wait_for_exit(daemon_stop_bound(10s)), 0) << "presentd did not stop cleanly";
    }
    if (HasFailure()) {
      std::printf("--- presentd log ---\n%s\n--- page ---\n%s\n", read_file(dir_.path() / "presentd.log").c_str(),
                  read_file(page_log_).c_str());
      const auto prosody_log = prosody_ ? read_file(prosody_->log_file()) : std::string();
      std::printf("--- prosody (tail) ---\n%s\n",
                  prosody_log.substr(prosody_log.size() > 8000 ? prosody_log.size() - 8000 : 0).c_str());
    }
    if (prosody_) prosody_->stop();
  }

  void start_turn() {
    certificate_ = make_test_certificate(dir_.path(), "turn", std::string("IP:") + kServer);
    CoturnOptions options;
    options.listen_address = kServer;
    options.relay_address = kRelay;
    options.certificate = certificate_.certificate;
    options.private_key = certificate_.private_key;
    options.auth_secret = kTurnSecret;
    options.denied_peer_ranges = {"10.210.1.0-10.210.2.255"};  // no shortcut to either peer's host address
    coturn_ = std::make_unique<CoturnServer>(dir_.path(), options);
    ASSERT_TRUE(coturn_->ready()) << coturn_->log();
  }

  // Prosody: the room's host "localhost" (TURN over TLS only) and the guest host
  // "guest.localhost" (SASL ANONYMOUS, TURN over UDP) serving the page and WebSocket over HTTPS.
  void start_prosody() {
    https_port_ = free_loopback_port();
    const auto page = dir_.path() / "page";
    std::filesystem::create_directories(page);
    std::filesystem::copy_file(std::filesystem::path(PRESENTD_REMOTE_PAGE_DIR) / "index.html", page / "index.html");
    std::ofstream(page / "config.json") << nlohmann::json{
        {"websocket", "wss://" + std::string(kServer) + ":" + std::to_string(https_port_) + "/xmpp-websocket"},
        {"room_domain", "localhost"},
        {"guest_domain", "guest.localhost"}}.dump();
    std::filesystem::permissions(page, std::filesystem::perms::others_exec | std::filesystem::perms::others_read,
                                 std::filesystem::perm_options::add);
    ProsodyExtras extras;
    extras.modules = {"websocket", "external_services", "presentd_remote"};
    extras.interfaces = {"127.0.0.1", kServer};
    extras.global_config = "https_ports = { " + std::to_string(https_port_) + " }\n" + "https_interfaces = { \"" +
                           kServer + "\" }\n" + "http_default_host = \"guest.localhost\"\n" +
                           "plugin_paths = { \"" PRESENTD_SOURCE_DIR "/web/remote/prosody\" }\n" +
                           "presentd_remote_dir = \"" + page.string() + "\"\n" + "external_services = { " +
                           turn_service("turns", "tcp", 5349) + " }\n";
    extras.host_config =
        "VirtualHost \"guest.localhost\"\n"
        "  authentication = \"anonymous\"\n"
        "  external_services = { " +
        turn_service("turn", "udp", 3478) + " }\n";
    std::filesystem::create_directories(dir_.path() / "prosody");
    prosody_ = std::make_unique<ProsodyServer>(dir_.path() / "prosody", extras);
    prosody_->add_user(kRoom, kRoomPassword);
    prosody_->start();
  }

  // presentd in the room's namespace, logged in to Prosody as the room.
  void start_room(const std::string& extra_sections = {}) {
    const auto password_file = dir_.write("cloud-password", std::string(kRoomPassword) + "\n");
    std::filesystem::permissions(password_file,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    NamespaceDaemonOptions options;
    options.port = kPort;
    options.pin = kPin;
    options.extra_sections =
        R"("cloud": {"enabled": true, "jid": ")" + std::string(kRoom) + R"(@localhost", "server": ")" + kServer +
        R"(", "port": )" + std::to_string(prosody_->starttls_port()) + R"(, "tls": "starttls", "password_file": ")" +
        password_file.string() + R"(", "ca_file": ")" + prosody_->ca_file().string() +
        R"("}, "ice": {"turn_ca_file": ")" + certificate_.certificate.string() + R"("},)" + extra_sections;
    PrivateNetwork network;
    network.box_address = room_->address();
    const auto config = write_namespace_daemon_config(dir_, network, options);
    daemon_ = std::make_unique<ChildProcess>(
        room_->inside({PRESENTD_BINARY, "--config", config.string()}),
        std::map<std::string, std::string>{{"NOTIFY_SOCKET", notify_.path().string()}, {"SDL_AUDIODRIVER", "dummy"}},
        dir_.path() / "presentd.log");
    ASSERT_TRUE(notify_.wait_for("READY=1", 20s)) << read_file(dir_.path() / "presentd.log");
  }

  // Chromium in the person's namespace, on the room's join address.
  void open_page(const std::string& pin) {
    const auto url = "https://" + std::string(kServer) + ":" + std::to_string(https_port_) + "/remote/join/" + kRoom;
    browser_ =
        std::make_unique<ChildProcess>(person_->inside({"/usr/bin/env", "NODE_PATH=" PRESENTD_NODE_MODULES, "node",
                                                        PRESENTD_SOURCE_DIR "/tests/integration/remote/remote_page.js",
                                                        "--url", url, "--pin", pin, "--control", control_.string()}),
                                       std::map<std::string, std::string>{}, page_log_);
  }

  void command(const std::string& line) { std::ofstream(control_, std::ios::app) << line << "\n"; }

  // The page's states so far, in order.
  std::vector<nlohmann::json> page_events() const {
    std::vector<nlohmann::json> events;
    std::ifstream in(page_log_);
    for (std::string line; std::getline(in, line);) {
      auto parsed = nlohmann::json::parse(line, nullptr, false);
      if (parsed.is_object()) events.push_back(std::move(parsed));
    }
    return events;
  }

  // Waits until the page shows `state`; returns its text ("" on timeout).
  std::string wait_for_page(const std::string& state, std::chrono::seconds limit = 90s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      for (const auto& event : page_events()) {
        if (event.value("state", "") == state) return event.value("text", "?");
        if (event.value("event", "") == "failed") return "";
      }
      std::this_thread::sleep_for(200ms);
    }
    return "";
  }

  // The admin's view: the ICE pair checked below is not in the public status.
  nlohmann::json status() {
    const auto result = https_request("GET", room_->address(), kPort, "/api/v1/admin/status",
                                      dir_.path() / "state/tls/https-certificate.pem", {},
                                      {{"Authorization", std::string("Bearer ") + kNamespaceAdminToken}});
    return nlohmann::json::parse(result.body, nullptr, false);
  }

  static long frames_decoded(const nlohmann::json& status) {
    if (!status.is_object()) return 0;
    const auto sessions = status.value(nlohmann::json::json_pointer("/sessions/sessions"), nlohmann::json::array());
    if (!sessions.is_array() || sessions.empty() || !sessions[0].contains("video") || sessions[0]["video"].empty()) {
      return 0;
    }
    return sessions[0]["video"][0].value("frames_decoded", 0L);
  }

  static std::size_t session_count(const nlohmann::json& status) {
    const auto sessions =
        status.is_object() ? status.value(nlohmann::json::json_pointer("/sessions/sessions"), nlohmann::json::array())
                           : nlohmann::json::array();
    return sessions.is_array() ? sessions.size() : 0;
  }

  // The remote screen decoded by the box, relayed by coturn, reaching the box over TURN over TLS.
  void expect_decoded_over_turn_tls() {
    const auto last = poll_json([this] { return status(); },
                                [](const nlohmann::json& status) { return frames_decoded(status) >= 30; }, 90s);
    ASSERT_GE(frames_decoded(last), 30) << last.dump(2);
    const auto& session = last["sessions"]["sessions"][0];
    const auto pair = session["ice"].value("selected_pair", std::string());
    EXPECT_TRUE(pair.starts_with(std::string(kRelay) + ":")) << pair;
    EXPECT_NE(pair.find(std::string(" relay <-> ") + kRelay + ":"), std::string::npos) << pair;
    const auto& servers = last["sessions"]["turn"]["servers"];
    ASSERT_EQ(servers.size(), 1u) << last["sessions"]["turn"].dump(2);
    EXPECT_EQ(servers[0].value("url", ""), std::string("turns:") + kServer + ":5349?transport=tcp");
    EXPECT_GT(servers[0]["tunnel"].value("bytes_from_server", 0), 5000) << servers[0].dump(2);
  }

  bool wait_for_no_sessions(std::chrono::seconds limit) {
    const auto last =
        poll_json([this] { return status(); },
                  [](const nlohmann::json& status) { return status.is_object() && session_count(status) == 0; }, limit);
    return last.is_object() && session_count(last) == 0;
  }

  TempDir dir_;
  NotifySocket notify_{dir_.path() / "notify.sock"};
  std::unique_ptr<PeerNamespace> room_;
  std::unique_ptr<PeerNamespace> person_;
  TestCertificate certificate_;
  std::unique_ptr<CoturnServer> coturn_;
  std::unique_ptr<ProsodyServer> prosody_;
  unsigned short https_port_ = 0;
  std::unique_ptr<ChildProcess> daemon_;
  std::unique_ptr<ChildProcess> browser_;
  std::filesystem::path page_log_ = dir_.path() / "page.log";
  std::filesystem::path control_ = dir_.path() / "page-control";
};

TEST_F(RemotePage, AGuestPresentsOverTurnTlsAndStopFreesTheScreen) {
  ASSERT_NO_FATAL_FAILURE(start_room());
  open_page(kPin);
  EXPECT_NE(wait_for_page("presenting"), "");
  ASSERT_NO_FATAL_FAILURE(expect_decoded_over_turn_tls());
  command("stop");
  EXPECT_EQ(wait_for_page("ended"), "You stopped presenting.");
  EXPECT_TRUE(wait_for_no_sessions(30s));
  EXPECT_EQ(read_file(dir_.path() / "presentd.log").find(kPin), std::string::npos) << "the PIN must never be logged";
}

TEST_F(RemotePage, AWrongPinIsShownThenTheRightOneGetsOnTheScreen) {
  ASSERT_NO_FATAL_FAILURE(start_room());
  open_page("1357");
  EXPECT_EQ(wait_for_page("error"), "Wrong PIN.");
  command(std::string("share ") + kPin);
  EXPECT_NE(wait_for_page("presenting"), "");
  ASSERT_NO_FATAL_FAILURE(expect_decoded_over_turn_tls());
}

TEST_F(RemotePage, TheRoomOfflineIsShownAndTheCallGoesThroughWhenItComesBack) {
  open_page(kPin);
  EXPECT_EQ(wait_for_page("offline"), "The room is offline. Waiting for it to come back…");
  ASSERT_NO_FATAL_FAILURE(start_room());
  EXPECT_NE(wait_for_page("presenting"), "");
  ASSERT_NO_FATAL_FAILURE(expect_decoded_over_turn_tls());
}

// A closing tab says goodbye twice: its session-terminate through XMPP and its DTLS close_notify
// through the relay. Either may arrive first (the relay is often faster); both prove the person
// ended the session, as opposed to the box noticing a silent sender after its timeout.
TEST_F(RemotePage, ThePersonClosingTheTabEndsTheSession) {
  ASSERT_NO_FATAL_FAILURE(start_room());
  open_page(kPin);
  ASSERT_NE(wait_for_page("presenting"), "");
  command("close");
  EXPECT_TRUE(wait_for_no_sessions(40s));
  const auto log = read_file(dir_.path() / "presentd.log");
  EXPECT_TRUE(log.find("session-terminate from") != std::string::npos ||
              log.find("ended (the sender closed the connection)") != std::string::npos)
      << log;
}

}  // namespace
}  // namespace presentd::test

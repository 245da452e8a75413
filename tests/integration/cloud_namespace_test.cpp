// SPDX-License-Identifier: Apache-2.0
// presentd as a cloud client of a real Prosody inside the test's own network namespace (Prosody
// on its loopback, ICE over the veth pair):
// - the XMPP connection through squid (HTTP CONNECT, Basic) and dante (SOCKS5, user/password);
// - relay-only remote presenters (CloudRelay): coturn is the only path, and the box's TURN
//   server and time-limited credentials come from Prosody through XEP-0215;
// - a remote presenter: slixmpp rings the room (XEP-0353), sends a Jingle session-initiate built
//   from GStreamer webrtcbin's VP8 offer with the room PIN, presentd answers with
//   session-accept, and the frames are decoded.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/coturn_server.hpp"
#include "support/dante_proxy.hpp"
#include "support/https_client.hpp"
#include "support/namespace_daemon.hpp"
#include "support/poll_json.hpp"
#include "support/prosody_server.hpp"
#include "support/sanitizer_build.hpp"
#include "support/squid_proxy.hpp"
#include "support/test_certificate.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;

constexpr unsigned short kPort = 8443;
constexpr const char* kRoom = "123456";
constexpr const char* kRoomPassword = "room password 9!";
constexpr const char* kPresenterPassword = "presenter password";
constexpr const char* kProxyUser = "box";
constexpr const char* kProxyPassword = "proxy password 7";

class CloudInNamespace : public NamespaceDaemonTest {
protected:
  void SetUp() override {
    std::string why;
    network_ = enter_private_network(why);
    ASSERT_TRUE(network_) << why;
    // Prosody runs as `nobody`: it must be able to reach its directory.
    std::filesystem::permissions(dir_.path(), std::filesystem::perms::others_exec | std::filesystem::perms::others_read,
                                 std::filesystem::perm_options::add);
    std::filesystem::create_directories(dir_.path() / "prosody");
    prosody_ = std::make_unique<ProsodyServer>(dir_.path() / "prosody", prosody_extras());
    prosody_->add_user(kRoom, kRoomPassword);
    prosody_->add_user("presenter", kPresenterPassword);
    prosody_->start();
  }

  // Modules and settings a derived fixture wants Prosody to have (mod_external_services).
  virtual ProsodyExtras prosody_extras() const { return {}; }

  // presentd logged in as the room (STARTTLS); `extra_sections` as NamespaceDaemonOptions says.
  void start_cloud_daemon(const std::string& extra_sections = {}) {
    const auto password_file = dir_.write("cloud-password", std::string(kRoomPassword) + "\n");
    std::filesystem::permissions(password_file,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    NamespaceDaemonOptions options;
    options.port = kPort;
    options.extra_sections = R"("cloud": {"enabled": true, "jid": ")" + std::string(kRoom) +
                             R"(@localhost", "server": "127.0.0.1", "port": )" +
                             std::to_string(prosody_->starttls_port()) + R"(, "tls": "starttls", "password_file": ")" +
                             password_file.string() + R"(", "ca_file": ")" + prosody_->ca_file().string() + R"("},)" +
                             extra_sections;
    daemon_ = start_namespace_daemon(dir_, notify_, *network_, options);
    ASSERT_TRUE(daemon_) << read_file(dir_.path() / "presentd.log");
  }

  void TearDown() override {
    NamespaceDaemonTest::TearDown();
    if (prosody_) prosody_->stop();
  }

  bool wait_for_log(const std::string& needle, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (read_file(dir_.path() / "presentd.log").find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  nlohmann::json status() {
    const auto result = https_request("GET", network_->box_address, kPort, "/api/v1/status",
                                      dir_.path() / "state/tls/https-certificate.pem");
    return nlohmann::json::parse(result.body, nullptr, false);
  }

  // Frames decoded by the first session's first video stream (0 when there is none).
  static long frames_decoded(const nlohmann::json& status) {
    if (!status.is_object()) return 0;
    const auto sessions = status.value(nlohmann::json::json_pointer("/sessions/sessions"), nlohmann::json::array());
    if (!sessions.is_array() || sessions.empty() || !sessions[0].contains("video") || sessions[0]["video"].empty()) {
      return 0;
    }
    return sessions[0]["video"][0].value("frames_decoded", 0L);
  }

  // Built next to presentd: <build>/src/presentd and <build>/tests/jingle_sdp_tool.
  static std::filesystem::path sdp_tool() {
    return std::filesystem::path(PRESENTD_BINARY).parent_path().parent_path() / "tests" / "jingle_sdp_tool";
  }

  // `extra`: more sender options (--relay-only, --turn …).
  std::unique_ptr<ChildProcess> start_presenter(const std::string& pin, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{"/usr/bin/python3",
                                  std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/xmpp/slixmpp_jingle_sender.py",
                                  "--jid",
                                  "presenter@localhost",
                                  "--password",
                                  kPresenterPassword,
                                  "--server",
                                  "127.0.0.1:" + std::to_string(prosody_->starttls_port()),
                                  "--ca",
                                  prosody_->ca_file().string(),
                                  "--room",
                                  std::string(kRoom) + "@localhost",
                                  "--pin",
                                  pin,
                                  "--duration",
                                  "30",
                                  "--tool",
                                  sdp_tool().string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<ChildProcess>(argv, std::map<std::string, std::string>{}, sender_log_);
  }

  std::unique_ptr<ProsodyServer> prosody_;
  std::filesystem::path sender_log_ = dir_.path() / "sender.log";
};

std::string proxy_section(const std::string& type, const std::string& address, unsigned short port,
                          const std::filesystem::path& password_file) {
  std::filesystem::permissions(password_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace);
  return R"("proxy": {"type": ")" + type + R"(", "host": ")" + address + R"(", "port": )" + std::to_string(port) +
         R"(, "username": ")" + kProxyUser + R"(", "password_file": ")" + password_file.string() + R"("},)";
}

TEST_F(CloudInNamespace, LogsInThroughSquidWithBasicAuth) {
  SquidProxy squid(dir_.path(), network_->box_address, 3128, kProxyUser, kProxyPassword);
  ASSERT_TRUE(squid.ready()) << squid.cache_log();
  start_cloud_daemon(proxy_section("http", network_->box_address, 3128, dir_.write("proxy-password", kProxyPassword)));
  ASSERT_TRUE(wait_for_log("online as 123456@localhost/", 30s)) << squid.cache_log();
  // squid logs a CONNECT when the tunnel closes: stop presentd, then look for it.
  daemon_->signal(SIGTERM);
  EXPECT_EQ(daemon_->wait_for_exit(daemon_stop_bound(10s)), 0);
  const auto connect = "CONNECT 127.0.0.1:" + std::to_string(prosody_->starttls_port());
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (squid.access_log().find(connect) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_NE(squid.access_log().find(connect), std::string::npos) << squid.access_log();
  EXPECT_EQ(read_file(dir_.path() / "presentd.log").find(kProxyPassword), std::string::npos);
}

TEST_F(CloudInNamespace, LogsInThroughDanteAndAWrongPasswordIsReportedClearly) {
  DanteProxy dante(dir_.path(), network_->box_address, 1080, kProxyUser, kProxyPassword);
  ASSERT_TRUE(dante.ready()) << dante.log();
  start_cloud_daemon(proxy_section("socks5", network_->box_address, 1080, dir_.write("proxy-password", "not it")));
  ASSERT_TRUE(wait_for_log("rejected the username/password of user \"box\"", 30s)) << dante.log();
  EXPECT_EQ(read_file(dir_.path() / "presentd.log").find("not it"), std::string::npos);
}

TEST_F(CloudInNamespace, ARemoteGStreamerPresenterIsAcceptedAndItsFramesAreDecoded) {
  start_cloud_daemon();
  ASSERT_TRUE(wait_for_log("online as 123456@localhost/", 30s)) << read_file(prosody_->log_file());
  auto presenter = start_presenter("2468");
  const auto last = poll_json([this] { return status(); },
                              [](const nlohmann::json& status) { return frames_decoded(status) >= 30; }, 60s);
  EXPECT_GE(frames_decoded(last), 30) << last.dump() << "\n" << read_file(sender_log_);
  EXPECT_NE(read_file(sender_log_).find("accepted"), std::string::npos) << read_file(sender_log_);
  EXPECT_EQ(read_file(dir_.path() / "presentd.log").find("2468"), std::string::npos) << "the PIN must never be logged";
}

TEST_F(CloudInNamespace, AWrongPinIsTerminatedWithSecurityError) {
  start_cloud_daemon();
  ASSERT_TRUE(wait_for_log("online as 123456@localhost/", 30s)) << read_file(prosody_->log_file());
  auto presenter = start_presenter("1357");
  EXPECT_EQ(presenter->wait_for_exit(60s), 2) << read_file(sender_log_);
  EXPECT_NE(read_file(sender_log_).find("terminated security-error"), std::string::npos) << read_file(sender_log_);
}

// Relay-only remote presenters. coturn (TURN REST API: a secret shared with Prosody) relays from
// 10.201.0.1, an address on lo, so neither side has a host candidate there, and it refuses to
// relay to the veth addresses, so presentd's host candidates are useless to the sender too. The
// sender offers only its relayed candidate (webrtcbin, ICE transport policy "relay"). presentd
// has no TURN server in its configuration: Prosody's mod_external_services lists exactly one
// (the case's transport) with credentials derived from the secret, so a relayed pair proves that
// XEP-0215 delivered working credentials and that this path carried the media.
struct CloudRelayCase {
  std::string name;
  std::string service;  // Lua table of Prosody's external_services entry
  std::string url;      // how the status API names it
};

void PrintTo(const CloudRelayCase& relay, std::ostream* out) { *out << relay.name; }

const std::string kRelayAddress = "10.201.0.1";
constexpr const char* kTurnSecret = "shared-turn-secret-31";

class CloudRelay : public CloudInNamespace, public ::testing::WithParamInterface<CloudRelayCase> {
protected:
  ProsodyExtras prosody_extras() const override {
    return {{"external_services"},
            "external_services = { { host = \"10.200.0.1\", secret = \"" + std::string(kTurnSecret) +
                "\", algorithm = \"turn\", username = \"box\", " + GetParam().service + " } }"};
  }

  void SetUp() override {
    CloudInNamespace::SetUp();
    if (HasFatalFailure()) return;
    const auto [code, output] = run_command({"ip", "addr", "add", kRelayAddress + "/32", "dev", "lo"});
    ASSERT_EQ(code, 0) << output;
    certificate_ = make_test_certificate(dir_.path(), "turn", "IP:" + network_->box_address);
    CoturnOptions options;
    options.listen_address = network_->box_address;
    options.relay_address = kRelayAddress;
    options.certificate = certificate_.certificate;
    options.private_key = certificate_.private_key;
    options.auth_secret = kTurnSecret;
    options.denied_peer_ranges = {"10.200.0.0-10.200.0.255"};
    coturn_ = std::make_unique<CoturnServer>(dir_.path(), options);
    ASSERT_TRUE(coturn_->ready()) << coturn_->log();
  }

  void TearDown() override {
    CloudInNamespace::TearDown();
    if (HasFailure() && coturn_) {
      const auto log = coturn_->log();
      std::printf("--- coturn log (tail) ---\n%s\n", log.substr(log.size() > 6000 ? log.size() - 6000 : 0).c_str());
    }
  }

  // The sender's own REST credentials (username just the expiry: webrtcbin's turn:// URI has no
  // room for a second ':'), chosen so the base64 password needs no escaping in that URI.
  std::string sender_turn_url() const {
    for (int extra = 0;; ++extra) {
      const auto [username, password] = turn_rest_credentials(kTurnSecret, "", std::chrono::seconds(3600 + extra));
      if (password.find_first_of("+/") == std::string::npos) {
        return "turn://" + username + ":" + password + "@" + network_->box_address + ":3478";
      }
    }
  }

  void start_relay_daemon() {
    start_cloud_daemon(R"("ice": {"turn_ca_file": ")" + certificate_.certificate.string() + R"("},)");
    ASSERT_TRUE(wait_for_log("online as 123456@localhost/", 30s)) << read_file(prosody_->log_file());
    // XEP-0215: Prosody's answer, and the relay it names in use for new sessions.
    ASSERT_TRUE(wait_for_log("1 TURN server(s) from the signaling server", 30s)) << read_file(prosody_->log_file());
  }

  // A relay-only remote presenter's frames decoded over the one TURN server Prosody named.
  void expect_relayed_presenter() {
    auto presenter =
        start_presenter("2468", {"--relay-only", "--turn", sender_turn_url(), "--pattern", "red", "--duration", "6"});
    // The admin's status: it names the ICE pair (the public one does not).
    const auto last = poll_json([this] { return admin_status(dir_, *network_, kPort); },
                                [](const nlohmann::json& status) { return frames_decoded(status) >= 60; }, 90s);
    ASSERT_GE(frames_decoded(last), 60) << last.dump(2) << "\n" << read_file(sender_log_);
    const auto& session = last["sessions"]["sessions"][0];
    EXPECT_NEAR(session["video"][0]["picture"]["mean_yuv"][2].get<double>(), 240, 12) << session.dump();  // red
    // "<local> relay <-> <remote> relay": both ends on coturn's relay address.
    const auto pair = session["ice"].value("selected_pair", std::string());
    EXPECT_TRUE(pair.starts_with(kRelayAddress + ":")) << pair;
    EXPECT_NE(pair.find(" relay <-> " + kRelayAddress + ":"), std::string::npos) << pair;
    const auto& servers = last["sessions"]["turn"]["servers"];
    ASSERT_EQ(servers.size(), 1u) << last["sessions"]["turn"].dump(2);
    EXPECT_EQ(servers[0]["source"], "runtime");
    EXPECT_EQ(servers[0]["url"], GetParam().url);
    if (GetParam().url.starts_with("turns:")) {
      // The media came in through presentd's TLS tunnel, which counted it.
      const auto& tunnel = servers[0]["tunnel"];
      EXPECT_GT(tunnel.value("bytes_from_server", 0), 5000) << tunnel.dump(2);
      EXPECT_EQ(tunnel.value("connections_failed", -1), 0) << tunnel.dump(2);
    }
    EXPECT_EQ(presenter->wait_for_exit(60s), 0) << read_file(sender_log_);
    // Neither the shared secret nor the time-limited credentials Prosody derived from it are logged.
    const auto log = read_file(dir_.path() / "presentd.log");
    EXPECT_EQ(log.find(kTurnSecret), std::string::npos);
    EXPECT_FALSE(std::regex_search(log, std::regex("[0-9]{10}:box"))) << "a TURN username was logged";
    EXPECT_NE(log.find("external services from localhost: turn"), std::string::npos);
  }

  TestCertificate certificate_;
  std::unique_ptr<CoturnServer> coturn_;
};

TEST_P(CloudRelay, FramesAreDecodedOverTheRelayTheServerHandedOut) {
  start_relay_daemon();
  if (HasFatalFailure()) return;
  expect_relayed_presenter();
}

INSTANTIATE_TEST_SUITE_P(
    Paths, CloudRelay,
    ::testing::Values(CloudRelayCase{"TurnUdp", "type = \"turn\", transport = \"udp\", port = 3478, ttl = 3600",
                                     "turn:10.200.0.1:3478?transport=udp"},
                      CloudRelayCase{"TurnTcp", "type = \"turn\", transport = \"tcp\", port = 3478, ttl = 3600",
                                     "turn:10.200.0.1:3478?transport=tcp"},
                      CloudRelayCase{"TurnTls", "type = \"turns\", transport = \"tcp\", port = 5349, ttl = 3600",
                                     "turns:10.200.0.1:5349?transport=tcp"}),
    [](const ::testing::TestParamInfo<CloudRelayCase>& relay) { return relay.param.name; });

// Credentials that live 15 s: the box asks again 12 s
// after each answer (a quarter early), and after the third answer the first credentials have
// expired at coturn, so a relayed session then proves the refreshed ones reached new sessions.
class CloudRelayRefresh : public CloudRelay {};

TEST_P(CloudRelayRefresh, ShortLivedCredentialsAreRefreshedAndNewSessionsUseThem) {
  start_relay_daemon();
  if (HasFatalFailure()) return;
  const auto answers = [this] {
    const auto text = read_file(dir_.path() / "presentd.log");
    std::size_t count = 0;
    for (auto at = text.find("TURN server(s) from the signaling server"); at != std::string::npos;
         at = text.find("TURN server(s) from the signaling server", at + 1)) {
      ++count;
    }
    return count;
  };
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (answers() < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(200ms);
  ASSERT_GE(answers(), 3u) << read_file(dir_.path() / "presentd.log");
  EXPECT_NE(read_file(dir_.path() / "presentd.log").find("refreshing the external services' credentials"),
            std::string::npos);
  expect_relayed_presenter();
}

INSTANTIATE_TEST_SUITE_P(Paths, CloudRelayRefresh,
                         ::testing::Values(CloudRelayCase{"TurnUdpTtl15",
                                                          "type = \"turn\", transport = \"udp\", port = 3478, ttl = 15",
                                                          "turn:10.200.0.1:3478?transport=udp"}),
                         [](const ::testing::TestParamInfo<CloudRelayCase>& relay) { return relay.param.name; });

}  // namespace
}  // namespace presentd::test

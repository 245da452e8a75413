// presentd as a cloud client of a real Prosody inside the test's own network namespace (Prosody
// on its loopback, ICE over the veth pair):
// - the XMPP connection through squid (HTTP CONNECT, Basic) and dante (SOCKS5, user/password);
// - a remote presenter: slixmpp rings the room (XEP-0353), sends a Jingle session-initiate built
//   from GStreamer webrtcbin's VP8 offer with the room PIN, presentd answers with
//   session-accept, and the frames are decoded.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/dante_proxy.hpp"
#include "support/https_client.hpp"
#include "support/namespace_daemon.hpp"
#include "support/poll_json.hpp"
#include "support/prosody_server.hpp"
#include "support/squid_proxy.hpp"

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
    prosody_ = std::make_unique<ProsodyServer>(dir_.path() / "prosody");
    prosody_->add_user(kRoom, kRoomPassword);
    prosody_->add_user("presenter", kPresenterPassword);
    prosody_->start();
  }

  // presentd logged in as the room (STARTTLS); `extra_sections` as NamespaceDaemonOptions says.
  void start_cloud_daemon(const std::string& extra_sections = {}) {
    const auto password_file = dir_.write("cloud-password", std::string(kRoomPassword) + "\n");
    std::filesystem::permissions(password_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
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

  std::unique_ptr<ChildProcess> start_presenter(const std::string& pin) {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"/usr/bin/python3",
                                 std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/xmpp/slixmpp_jingle_sender.py",
                                 "--jid", "presenter@localhost", "--password", kPresenterPassword, "--server",
                                 "127.0.0.1:" + std::to_string(prosody_->starttls_port()), "--ca",
                                 prosody_->ca_file().string(), "--room", std::string(kRoom) + "@localhost", "--pin", pin,
                                 "--duration", "30", "--tool", sdp_tool().string()},
        std::map<std::string, std::string>{}, sender_log_);
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
  EXPECT_EQ(daemon_->wait_for_exit(10s), 0);
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

}  // namespace
}  // namespace presentd::test

// SPDX-License-Identifier: Apache-2.0
// Relayed media end to end: the presentd binary and a GStreamer webrtcbin WHIP sender in a
// network namespace of the test's own, with coturn as the only way between them.
//
// The sender uses ICE transport policy "relay" (only its coturn allocation), and coturn refuses
// to relay to the namespace's veth addresses (denied-peer-ip), so presentd's host candidates
// cannot be reached either: the only working pair is presentd's relayed candidate ↔ the
// sender's relayed candidate, both on coturn's relay address. Each test gives presentd exactly
// one TURN server (over UDP, over TCP, or over TLS through presentd's tunnel, optionally via
// squid or dante), so a relayed pair proves that path carried the media.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "support/child_process.hpp"
#include "support/coturn_server.hpp"
#include "support/dante_proxy.hpp"
#include "support/https_client.hpp"
#include "support/network_namespace.hpp"
#include "support/notify_socket.hpp"
#include "support/poll_json.hpp"
#include "support/sanitizer_build.hpp"
#include "support/squid_proxy.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificate.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;
constexpr const char* kAdminToken = "turn-relay-test-admin-token-0123456789";
constexpr unsigned short kPort = 8443;
const std::string kRelayAddress = "10.201.0.1";  // coturn's relay address, on lo: no host candidate
const std::string kProxyPassword = "Proxy-Pw-4711";
const std::string kSender = std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/webrtc/gst_whip_sender.py";

struct RelayCase {
  std::string name;
  std::string url;    // with {box} for the box's address
  std::string proxy;  // "", "http" or "socks5"
};

void PrintTo(const RelayCase& relay, std::ostream* out) { *out << relay.name; }

class TurnRelay : public ::testing::Test {
protected:
  void SetUp() override {
    std::string why;
    network_ = enter_private_network(why);
    ASSERT_TRUE(network_) << why;
    const auto [code, output] = run_command({"ip", "addr", "add", kRelayAddress + "/32", "dev", "lo"});
    ASSERT_EQ(code, 0) << output;
    certificate_ = make_test_certificate(dir_.path(), "turn", "IP:" + network_->box_address);
    CoturnOptions options;
    options.listen_address = network_->box_address;
    options.relay_address = kRelayAddress;
    options.certificate = certificate_.certificate;
    options.private_key = certificate_.private_key;
    options.users = {{"box", "Box-Turn-Pw"}, {"sender", "Sender-Turn-Pw"}};
    options.denied_peer_ranges = {"10.200.0.0-10.200.0.255"};
    coturn_ = std::make_unique<CoturnServer>(dir_.path(), options);
    ASSERT_TRUE(coturn_->ready()) << coturn_->log();
  }

  void TearDown() override {
    if (daemon_ && daemon_->running()) {
      daemon_->signal(SIGTERM);
      EXPECT_EQ(daemon_->wait_for_exit(daemon_stop_bound(3s)), 0) << "presentd did not stop cleanly";
    }
    if (HasFailure()) {
      std::printf("--- presentd log ---\n%s\n--- coturn log (tail) ---\n%s\n", log().c_str(),
                  coturn_ ? tail(coturn_->log()).c_str() : "");
    }
  }

  static std::string tail(const std::string& text) {
    return text.size() > 6000 ? text.substr(text.size() - 6000) : text;
  }

  std::string secret_file(const std::string& name, const std::string& secret) {
    const auto path = dir_.write(name, secret + "\n");
    ::chmod(path.c_str(), 0600);
    return path.string();
  }

  void start_daemon(const std::string& url, const std::string& proxy_type, const std::string& proxy_password) {
    std::string proxy = R"({"type": "none"})";
    if (!proxy_type.empty()) {
      proxy = R"({"type": ")" + proxy_type + R"(", "host": ")" + network_->box_address + R"(", "port": )" +
              (proxy_type == "http" ? "3128" : "1080") + R"(, "username": "presenter", "password_file": ")" +
              secret_file("proxy-password", proxy_password) + R"("})";
    }
    const auto config = dir_.write("presentd.json", R"({
      "network": {"bind_address": ")" + network_->box_address +
                                                        R"(", "https_port": )" + std::to_string(kPort) + R"(},
      "pin": {"policy": "fixed", "length": 4, "fixed": "2468"},
      "ice": {"turn_servers": [{"url": ")" + url + R"(", "username": "box", "credential_file": ")" +
                                                        secret_file("turn-credential", "Box-Turn-Pw") + R"("}],
              "turn_ca_file": ")" + certificate_.certificate.string() +
                                                        R"("},
      "proxy": )" + proxy + R"(,
      "admin": {"token_file": ")" + secret_file("admin-token", kAdminToken) +
                                                        R"("},
      "display": {"driver": "dummy"},
      "discovery": {"presentd_service": false, "https_service": false},
      "daemon": {"state_directory": ")" + (dir_.path() / "state").string() +
                                                        R"(", "log_level": "debug"}
    })");
    daemon_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{PRESENTD_BINARY, "--config", config.string()},
        std::map<std::string, std::string>{{"NOTIFY_SOCKET", notify_.path().string()}, {"SDL_AUDIODRIVER", "dummy"}},
        dir_.path() / "presentd.log");
    ASSERT_TRUE(notify_.wait_for("READY=1", 20s)) << log();
  }

  std::unique_ptr<ChildProcess> start_sender(double duration) {
    const auto box = network_->box_address;
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"/usr/bin/python3", kSender, "--url",
                                 "https://" + box + ":" + std::to_string(kPort) + "/whip", "--ca",
                                 (dir_.path() / "state/tls/https-certificate.pem").string(), "--token", "2468",
                                 "--pattern", "red", "--duration", std::to_string(duration), "--relay-only", "--turn",
                                 "turn://sender:Sender-Turn-Pw@" + box + ":3478"},
        std::map<std::string, std::string>{}, dir_.path() / "sender.log");
  }

  nlohmann::json status() {
    // The admin's status: the selected ICE pair is not in the public one.
    const auto result = https_request("GET", network_->box_address, kPort, "/api/v1/admin/status",
                                      dir_.path() / "state/tls/https-certificate.pem", {},
                                      {{"Authorization", std::string("Bearer ") + kAdminToken}});
    return nlohmann::json::parse(result.body);
  }

  template <class Predicate>
  nlohmann::json wait_for_status(Predicate done, std::chrono::seconds limit) {
    return poll_json([this] { return status(); }, done, limit);
  }

  // Frames decoded on a relayed pair; returns the last status seen.
  nlohmann::json expect_relayed_frames(int frames) {
    const auto live = wait_for_status(
        [frames](const nlohmann::json& s) {
          const auto& sessions = s["sessions"]["sessions"];
          return !sessions.empty() && sessions[0].contains("video") && !sessions[0]["video"].empty() &&
                 sessions[0]["video"][0].value("frames_decoded", 0) >= frames;
        },
        60s);
    const auto& sessions = live["sessions"]["sessions"];
    EXPECT_FALSE(sessions.empty()) << live.dump(2) << read_file(dir_.path() / "sender.log");
    if (sessions.empty() || !sessions[0].contains("video") || sessions[0]["video"].empty()) return live;
    const auto& video = sessions[0]["video"][0];
    EXPECT_GE(video["frames_decoded"].get<int>(), frames) << live.dump(2);
    EXPECT_NEAR(video["picture"]["mean_yuv"][2].get<double>(), 240, 12) << video.dump();  // red
    // "<local> relay <-> <remote> relay": both ends relayed through coturn's relay address.
    const auto pair = sessions[0]["ice"].value("selected_pair", std::string());
    EXPECT_TRUE(pair.starts_with(kRelayAddress + ":")) << pair;
    EXPECT_NE(pair.find(" relay <-> " + kRelayAddress + ":"), std::string::npos) << pair;
    EXPECT_NE(log().find("selected " + kRelayAddress), std::string::npos);
    return live;
  }

  std::string log() const { return read_file(dir_.path() / "presentd.log"); }

  void expect_no_secret_logged() {
    const auto text = log();
    for (const auto& secret : {std::string("Box-Turn-Pw"), kProxyPassword, std::string("2468")}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " appears in the log";
    }
  }

  TempDir dir_;
  NotifySocket notify_{dir_.path() / "notify.sock"};
  std::optional<PrivateNetwork> network_;
  TestCertificate certificate_;
  std::unique_ptr<CoturnServer> coturn_;
  std::unique_ptr<ChildProcess> daemon_;
};

class TurnRelayPath : public TurnRelay, public ::testing::WithParamInterface<RelayCase> {};

TEST_P(TurnRelayPath, FramesAreDecodedOverTheRelay) {
  const auto& param = GetParam();
  std::unique_ptr<SquidProxy> squid;
  std::unique_ptr<DanteProxy> dante;
  if (param.proxy == "http") {
    squid = std::make_unique<SquidProxy>(dir_.path(), network_->box_address, 3128, "presenter", kProxyPassword);
    ASSERT_TRUE(squid->ready()) << squid->cache_log();
  } else if (param.proxy == "socks5") {
    dante = std::make_unique<DanteProxy>(dir_.path(), network_->box_address, 1080, "presenter", kProxyPassword);
    ASSERT_TRUE(dante->ready()) << dante->log();
  }
  auto url = param.url;
  url.replace(url.find("{box}"), 5, network_->box_address);
  start_daemon(url, param.proxy, kProxyPassword);
  auto sender = start_sender(6);
  const auto live = expect_relayed_frames(60);
  if (url.starts_with("turns:")) {
    // The media came in through presentd's TLS tunnel, which counted it (a solid colour is a
    // few hundred bytes per frame); RTCP and STUN go out.
    const auto& tunnel = live["sessions"]["turn"]["servers"][0]["tunnel"];
    EXPECT_GT(tunnel.value("bytes_from_server", 0), 5000) << live["sessions"]["turn"].dump(2);
    EXPECT_GT(tunnel.value("bytes_to_server", 0), 1000) << live["sessions"]["turn"].dump(2);
    EXPECT_EQ(tunnel.value("connections_failed", -1), 0) << live["sessions"]["turn"].dump(2);
  }
  EXPECT_EQ(sender->wait_for_exit(40s), 0) << read_file(dir_.path() / "sender.log");
  if (squid) {
    // squid logs a CONNECT when it closes: after the session ended and libnice let go.
    const auto logged = [&] {
      return squid->access_log().find("CONNECT " + network_->box_address + ":5349 presenter");
    };
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (logged() == std::string::npos && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(100ms);
    EXPECT_NE(logged(), std::string::npos) << squid->access_log();
  }
  if (dante) {
    EXPECT_NE(dante->log().find("username%presenter@"), std::string::npos) << dante->log();
  }
  expect_no_secret_logged();
}

INSTANTIATE_TEST_SUITE_P(Paths, TurnRelayPath,
                         ::testing::Values(RelayCase{"TurnUdp", "turn:{box}:3478?transport=udp", ""},
                                           RelayCase{"TurnTcp", "turn:{box}:3478?transport=tcp", ""},
                                           RelayCase{"TurnTls", "turns:{box}:5349", ""},
                                           RelayCase{"TurnTlsViaSquid", "turns:{box}:5349", "http"},
                                           RelayCase{"TurnTlsViaDante", "turns:{box}:5349", "socks5"}),
                         [](const ::testing::TestParamInfo<RelayCase>& relay) { return relay.param.name; });

TEST_F(TurnRelay, AWrongProxyPasswordIsAClearErrorAndTheDaemonCarriesOn) {
  SquidProxy squid(dir_.path(), network_->box_address, 3128, "presenter", kProxyPassword);
  ASSERT_TRUE(squid.ready()) << squid.cache_log();
  start_daemon("turns:" + network_->box_address + ":5349", "http", "Wrong-Proxy-Pw");
  // WHIP announces the TURN server (RFC 9725 §4.6), without its credentials by default.
  const auto options =
      https_request("OPTIONS", network_->box_address, kPort, "/whip", dir_.path() / "state/tls/https-certificate.pem");
  EXPECT_EQ(options.headers.at("Link"), "<turns:" + network_->box_address + ":5349?transport=tcp>; rel=\"ice-server\"");
  auto sender = start_sender(3);
  const auto after = wait_for_status(
      [](const nlohmann::json& s) {
        const auto& servers = s["sessions"]["turn"]["servers"];
        return !servers.empty() && servers[0]["tunnel"].value("connections_failed", 0) > 0;
      },
      30s);
  const auto error = after["sessions"]["turn"]["servers"][0]["tunnel"].value("last_error", std::string());
  EXPECT_NE(error.find("rejected the credentials of user \"presenter\" (407"), std::string::npos) << after.dump(2);
  EXPECT_NE(log().find("HTTP proxy " + network_->box_address + ":3128 rejected the credentials"), std::string::npos);
  EXPECT_EQ(log().find("Wrong-Proxy-Pw"), std::string::npos);
  expect_no_secret_logged();
  sender->wait_for_exit(60s);
  EXPECT_TRUE(daemon_->running());
  EXPECT_EQ(status()["room"]["name"], "Meeting room");  // still serving
}

}  // namespace
}  // namespace presentd::test

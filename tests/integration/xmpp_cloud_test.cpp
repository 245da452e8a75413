// SPDX-License-Identifier: Apache-2.0
// The real presentd binary as a cloud client of a real Prosody 0.12 on loopback: SCRAM over
// Direct TLS and over STARTTLS with the presence seen by a second client (slixmpp), a wrong
// password and an untrusted CA refused with back-off, Prosody restarts survived without leaks.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "presentd/signaling/xmpp/xmpp_client.hpp"
#include "presentd/signaling/xmpp/xmpp_tls.hpp"
#include "support/child_process.hpp"
#include "support/notify_socket.hpp"
#include "support/prosody_server.hpp"
#include "support/sanitizer_build.hpp"
#include "support/temp_dir.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kRoom = "123456";
constexpr const char* kPassword = "room password 9!";

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

// Polls `file` until `needle` occurs `count` times (log lines are the only outward sign of
// these events); returns whether it did within `timeout`.
bool wait_for_text(const std::filesystem::path& file, const std::string& needle, std::size_t count,
                   std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (count_of(read_file(file), needle) >= count) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

std::size_t open_fds(pid_t pid) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    ++n;
  return n;
}

// Seconds since midnight of a log line's "2026-11-24T01:02:03.456Z" timestamp.
std::vector<double> timestamps_of(const std::string& log, const std::string& needle) {
  std::vector<double> out;
  std::istringstream lines(log);
  std::string line;
  static const std::regex stamp(R"(T(\d\d):(\d\d):(\d\d)\.(\d\d\d)Z)");
  while (std::getline(lines, line)) {
    std::smatch m;
    if (line.find(needle) == std::string::npos || !std::regex_search(line, m, stamp)) continue;
    out.push_back(std::stoi(m[1]) * 3600.0 + std::stoi(m[2]) * 60.0 + std::stoi(m[3]) + std::stoi(m[4]) / 1000.0);
  }
  return out;
}

class XmppCloud : public ::testing::Test {
protected:
  void SetUp() override {
    std::filesystem::permissions(dir_.path(), std::filesystem::perms::others_exec | std::filesystem::perms::others_read,
                                 std::filesystem::perm_options::add);
    std::filesystem::create_directories(dir_.path() / "prosody");
    prosody_ = std::make_unique<ProsodyServer>(dir_.path() / "prosody");
    prosody_->add_user(kRoom, kPassword);
    prosody_->add_user("watcher", "watcher password");
    prosody_->start();
  }

  std::filesystem::path write_config(const std::string& tls, unsigned short port, const std::string& password,
                                     const std::filesystem::path& ca_file) {
    const auto password_file = dir_.write("cloud-password", password + "\n");
    std::filesystem::permissions(password_file,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return dir_.write("presentd.json", R"({
  "room": {"name": "Cloud room"},
  "network": {"bind_address": "127.0.0.1", "https_port": )" +
                                           std::to_string(free_loopback_port()) + R"(},
  "discovery": {"presentd_service": false, "https_service": false},
  "cloud": {"enabled": true, "jid": ")" + std::string(kRoom) +
                                           R"(@localhost", "server": "127.0.0.1", "port": )" + std::to_string(port) +
                                           R"(, "tls": ")" + tls + R"(", "password_file": ")" + password_file.string() +
                                           R"(", "ca_file": ")" + ca_file.string() + R"("},
  "daemon": {"state_directory": ")" + (dir_.path() / "state").string() +
                                           R"(", "web_root": ")" + std::string(PRESENTD_SOURCE_DIR) +
                                           R"(/web", "log_level": "debug"}
})");
  }

  void start_daemon(const std::filesystem::path& config) {
    daemon_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{PRESENTD_BINARY, "--config", config.string()},
        std::map<std::string, std::string>{{"NOTIFY_SOCKET", notify_.path().string()}, {"SDL_VIDEODRIVER", "dummy"}},
        log_);
  }

  std::unique_ptr<ChildProcess> start_watcher() {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{
            "/usr/bin/python3", std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/xmpp/presence_watcher.py",
            "watcher@localhost", "watcher password", "127.0.0.1", std::to_string(prosody_->starttls_port()),
            prosody_->ca_file().string(), std::string(kRoom) + "@localhost"},
        std::map<std::string, std::string>{}, watcher_log_);
  }

  // The room's own account, logged in over STARTTLS by an in-process client (no daemon): for
  // tests that drive the client through the interface the daemon calls.
  std::unique_ptr<xmpp::XmppClient> make_room_client(boost::asio::io_context& io) const {
    xmpp::XmppClientSettings settings;
    settings.local = kRoom;
    settings.domain = ProsodyServer::kDomain;
    settings.host = "127.0.0.1";
    settings.port = prosody_->starttls_port();
    settings.direct_tls = false;
    settings.password = kPassword;
    return std::make_unique<xmpp::XmppClient>(io, settings, xmpp::make_xmpp_tls_context(prosody_->ca_file().string()),
                                              xmpp::make_tcp_connector(io), xmpp::XmppClientCallbacks{});
  }

  // Runs `io` until `done` or 30 s.
  static bool pump_until(boost::asio::io_context& io, const std::function<bool()>& done) {
    const auto deadline = Clock::now() + 30s;
    while (!done() && Clock::now() < deadline) {
      io.run_for(50ms);
      io.restart();  // run_for stops an io_context that ran out of work (no client yet)
    }
    return done();
  }

  std::string log() const { return read_file(log_); }
  std::string prosody_log() const { return read_file(prosody_->log_file()); }

  TempDir dir_;
  std::unique_ptr<ProsodyServer> prosody_;
  NotifySocket notify_{dir_.path() / "notify.sock"};
  std::filesystem::path log_ = dir_.path() / "presentd.log";
  std::filesystem::path watcher_log_ = dir_.path() / "watcher.log";
  std::unique_ptr<ChildProcess> daemon_;
};

TEST_F(XmppCloud, DirectTlsScramSha256LogsInAndASecondClientSeesThePresence) {
  start_daemon(write_config("direct", prosody_->direct_tls_port(), kPassword, prosody_->ca_file()));
  ASSERT_TRUE(wait_for_text(log_, "online as 123456@localhost/", 1, 30s)) << log() << prosody_log();
  EXPECT_NE(log().find("with SCRAM-SHA-256"), std::string::npos) << log();
  EXPECT_NE(log().find("certificate verified for localhost"), std::string::npos) << log();
  EXPECT_EQ(log().find(kPassword), std::string::npos) << "the password must never be logged";

  auto watcher = start_watcher();
  ASSERT_TRUE(wait_for_text(watcher_log_, "PRESENCE 123456@localhost/", 1, 30s)) << read_file(watcher_log_) << log();
  EXPECT_NE(read_file(watcher_log_).find("available - idle"), std::string::npos) << read_file(watcher_log_);

  // A clean stop says goodbye: the watcher sees the room go unavailable.
  daemon_->signal(SIGTERM);
  EXPECT_EQ(daemon_->wait_for_exit(daemon_stop_bound(5s)), 0) << log();
  EXPECT_TRUE(wait_for_text(watcher_log_, "PRESENCE 123456@localhost/presentd unavailable", 1, 15s))
      << read_file(watcher_log_);
}

TEST_F(XmppCloud, StartTlsLogsInWithScram) {
  start_daemon(write_config("starttls", prosody_->starttls_port(), kPassword, prosody_->ca_file()));
  ASSERT_TRUE(wait_for_text(log_, "online as 123456@localhost/", 1, 30s)) << log() << prosody_log();
  EXPECT_NE(log().find("(STARTTLS)"), std::string::npos);
  EXPECT_NE(log().find("with SCRAM-SHA-256"), std::string::npos) << log();
}

TEST_F(XmppCloud, WrongPasswordIsReportedClearlyAndRetriedWithBackOff) {
  start_daemon(write_config("direct", prosody_->direct_tls_port(), "not the password", prosody_->ca_file()));
  ASSERT_TRUE(wait_for_text(log_, "the server refused the login of 123456@localhost (not-authorized)", 4, 40s))
      << log();
  const auto text = log();
  EXPECT_NE(text.find("wrong password in cloud.password_file?"), std::string::npos);
  EXPECT_EQ(text.find("online as"), std::string::npos);
  EXPECT_EQ(text.find("not the password"), std::string::npos) << "the password must never be logged";
  // Back-off visible in the timestamps: each retry waits longer (1 s, 2 s, 4 s with ±20 % jitter).
  const auto attempts = timestamps_of(text, "connecting to 127.0.0.1");
  ASSERT_GE(attempts.size(), 4u) << text;
  for (std::size_t i = 2; i < attempts.size(); ++i) {
    EXPECT_GT(attempts[i] - attempts[i - 1], attempts[i - 1] - attempts[i - 2]) << text;
  }
  EXPECT_GE(attempts[3] - attempts[2], 3.0) << text;
}

TEST_F(XmppCloud, CertificateFromAnUntrustedCaIsRefused) {
  make_test_pki(dir_.path() / "other-pki", "localhost");
  start_daemon(write_config("direct", prosody_->direct_tls_port(), kPassword, dir_.path() / "other-pki" / "ca.pem"));
  ASSERT_TRUE(wait_for_text(log_, "certificate verify failed", 2, 30s)) << log();
  EXPECT_NE(log().find("refusing the server 127.0.0.1 for localhost: certificate verify failed"), std::string::npos)
      << log();
  EXPECT_EQ(log().find("logged in"), std::string::npos) << log();
}

TEST_F(XmppCloud, ProsodyRestartsAreSurvivedAndLeakNothing) {
  start_daemon(write_config("direct", prosody_->direct_tls_port(), kPassword, prosody_->ca_file()));
  ASSERT_TRUE(wait_for_text(log_, "online as", 1, 30s)) << log();
  const std::size_t baseline = open_fds(daemon_->pid());

  // One long outage: back-off grows while the server is away, and the box is back soon after.
  prosody_->stop();
  ASSERT_TRUE(wait_for_text(log_, "reconnecting in", 3, 30s)) << log();
  const auto restarted = Clock::now();
  prosody_->start();
  ASSERT_TRUE(wait_for_text(log_, "online as", 2, 30s)) << log();
  EXPECT_LT(Clock::now() - restarted, 10s) << log();

  for (int i = 0; i < 20; ++i) {
    prosody_->stop();
    ASSERT_TRUE(wait_for_text(log_, "offline:", static_cast<std::size_t>(i) + 2, 30s)) << log();
    prosody_->start();
    ASSERT_TRUE(wait_for_text(log_, "online as", static_cast<std::size_t>(i) + 3, 30s)) << "restart " << i << "\n"
                                                                                        << log();
  }
  EXPECT_EQ(open_fds(daemon_->pid()), baseline) << log();
  daemon_->signal(SIGTERM);
  EXPECT_EQ(daemon_->wait_for_exit(daemon_stop_bound(5s)), 0) << log();
}

// The room's state as the daemon sets it reaches subscribers as presence (slixmpp prints <show/>
// as the type of an available presence; the client runs in-process,
// driven through the interface the daemon calls).
TEST_F(XmppCloud, RoomStatusChangesReachSubscribers) {
  boost::asio::io_context io;
  const auto client_owner = make_room_client(io);
  auto& client = *client_owner;
  client.start();
  const auto pump_until = [&](const std::function<bool()>& done) { return XmppCloud::pump_until(io, done); };
  ASSERT_TRUE(pump_until([&] { return client.online(); }));
  auto watcher = start_watcher();
  const auto watcher_says = [&](const char* text) {
    return pump_until([&] { return read_file(watcher_log_).find(text) != std::string::npos; });
  };
  ASSERT_TRUE(watcher_says("/presentd available - idle")) << read_file(watcher_log_);
  client.set_room_status(xmpp::RoomStatus::presenting);
  EXPECT_TRUE(watcher_says("/presentd away away presenting")) << read_file(watcher_log_);
  client.set_room_status(xmpp::RoomStatus::full);
  EXPECT_TRUE(watcher_says("/presentd dnd dnd full")) << read_file(watcher_log_);
  client.stop();
  EXPECT_TRUE(watcher_says("/presentd unavailable")) << read_file(watcher_log_);
}

// The issue's "a remote sender that calls while the box is offline sees it as unavailable and
// can wait for it to come back": a sender that asks to subscribe while the room has never been
// online is approved at the room's next login and sees it available; a subscribed sender that
// logs in while the room is offline gets its presence as unavailable, then sees it come back.
TEST_F(XmppCloud, ASenderSeesTheRoomOfflineAndWaitsForItToComeBack) {
  boost::asio::io_context io;
  const auto make_client = [&] { return make_room_client(io); };
  const auto pump_until = [&](const std::function<bool()>& done) { return XmppCloud::pump_until(io, done); };
  const auto says = [&](const std::filesystem::path& file, const char* text, std::size_t times = 1) {
    return pump_until([&] { return count_of(read_file(file), text) >= times; });
  };

  // The room is offline: the sender's subscription request waits on the server. Prosody may
  // answer the request at once with the room's bare JID "unavailable" (seen in about two runs
  // of three); what must not happen is the room looking available before it has logged in.
  auto watcher = start_watcher();
  ASSERT_TRUE(says(watcher_log_, "WATCHER online")) << read_file(watcher_log_);
  EXPECT_EQ(read_file(watcher_log_).find(" available "), std::string::npos) << read_file(watcher_log_);

  // The room comes online, approves the waiting request, and the sender sees it available.
  auto client = make_client();
  client->start();
  ASSERT_TRUE(pump_until([&] { return client->online(); }));
  EXPECT_TRUE(says(watcher_log_, "subscribed")) << read_file(watcher_log_);
  EXPECT_TRUE(says(watcher_log_, "/presentd available - idle")) << read_file(watcher_log_);
  client->stop();
  EXPECT_TRUE(says(watcher_log_, "/presentd unavailable")) << read_file(watcher_log_);
  client.reset();
  watcher.reset();

  // A subscribed sender calling while the room is offline is told it is unavailable ...
  watcher_log_ = dir_.path() / "watcher-again.log";
  watcher = start_watcher();
  ASSERT_TRUE(says(watcher_log_, "WATCHER online")) << read_file(watcher_log_);
  EXPECT_TRUE(says(watcher_log_, "PRESENCE 123456@localhost unavailable")) << read_file(watcher_log_);
  EXPECT_EQ(read_file(watcher_log_).find("available - idle"), std::string::npos) << read_file(watcher_log_);
  // ... and sees it when it comes back.
  client = make_client();
  client->start();
  ASSERT_TRUE(pump_until([&] { return client->online(); }));
  EXPECT_TRUE(says(watcher_log_, "/presentd available - idle")) << read_file(watcher_log_);
  client->stop();
  io.run_for(200ms);  // let the unavailable presence leave before the client goes away
}

// A dropped TCP connection while Prosody keeps running: the session is resumed (XEP-0198)
// instead of a new login, and the second client never sees the room go offline.
TEST_F(XmppCloud, ADroppedConnectionIsResumed) {
  const auto port = free_loopback_port();
  const auto relay_log = dir_.path() / "relay.log";
  ChildProcess relay({"/usr/bin/python3", std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/xmpp/tcp_relay.py",
                      std::to_string(port), std::to_string(prosody_->direct_tls_port())},
                     {}, relay_log);
  ASSERT_TRUE(wait_for_text(relay_log, "LISTENING", 1, 20s)) << read_file(relay_log);
  start_daemon(write_config("direct", port, kPassword, prosody_->ca_file()));
  ASSERT_TRUE(wait_for_text(log_, "online as", 1, 30s)) << log();
  auto watcher = start_watcher();
  ASSERT_TRUE(wait_for_text(watcher_log_, "available - idle", 1, 30s)) << read_file(watcher_log_);

  relay.signal(SIGUSR1);
  ASSERT_TRUE(wait_for_text(relay_log, "CUT", 1, 10s));
  ASSERT_TRUE(wait_for_text(log_, "stream resumed", 1, 30s)) << log() << prosody_log();
  EXPECT_EQ(count_of(log(), "logged in as"), 2u) << "a resumption still authenticates";
  // (The bare JID's "unavailable" before "subscribed" is the server's answer to the watcher's
  // probe, not the box leaving.)
  EXPECT_EQ(count_of(read_file(watcher_log_), "123456@localhost/presentd unavailable"), 0u) << read_file(watcher_log_);
}

// Not Prosody: a server of the test's that answers with hostile XML. Each stream is closed with
// its reason logged; the daemon stays up and keeps reconnecting.
TEST_F(XmppCloud, HostileXmlFromTheServerClosesOnlyThatStream) {
  make_test_pki(dir_.path() / "hostile-pki", "localhost");
  const auto port = free_loopback_port();
  const auto server_log = dir_.path() / "hostile.log";
  const auto pki = dir_.path() / "hostile-pki";
  ChildProcess hostile(
      {"/usr/bin/python3", std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/xmpp/hostile_server.py",
       (pki / "server.pem").string(), (pki / "server.key").string(), std::to_string(port), "bomb", "deep", "huge",
       "utf8"},
      {}, server_log);
  ASSERT_TRUE(wait_for_text(server_log, "LISTENING", 1, 20s)) << read_file(server_log);
  start_daemon(write_config("direct", port, kPassword, pki / "ca.pem"));
  ASSERT_TRUE(wait_for_text(server_log, "SERVED utf8", 1, 60s)) << read_file(server_log) << log();
  ASSERT_TRUE(wait_for_text(log_, "closing the stream from 127.0.0.1", 4, 20s)) << log();
  const auto text = log();
  // A DOCTYPE inside the stream is already a well-formedness error for libxml2 (the bomb is
  // never expanded); the parser unit tests cover the DOCTYPE-first case and its own message.
  EXPECT_NE(text.find("nested deeper than"), std::string::npos) << text;
  EXPECT_NE(text.find("stanza larger than 262144 bytes"), std::string::npos) << text;
  EXPECT_NE(text.find("XML: Input is not proper UTF-8"), std::string::npos) << text;
  EXPECT_TRUE(daemon_->running());
  daemon_->signal(SIGTERM);
  EXPECT_EQ(daemon_->wait_for_exit(daemon_stop_bound(5s)), 0) << log();
}

}  // namespace
}  // namespace presentd::test

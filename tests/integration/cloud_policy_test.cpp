// SPDX-License-Identifier: Apache-2.0
// The room's rules for remote presenters, against the real daemon, a real Prosody and real
// slixmpp + GStreamer webrtcbin presenters inside the test's own network namespace:
// - cloud.allowed_jids / cloud.blocked_jids: a blocked account is declined both when it rings
//   (XEP-0353 <reject/>) and when it sends session-initiate straight away; an allowed account
//   presents;
// - the presenter is told why the box ended its session (XEP-0166 reasons): removed by an admin
//   → <decline/>, replaced by a newcomer → <busy/>, a locked room → <decline/>;
// - reloads: one that does not touch cloud/proxy leaves a running remote presentation alone (no
//   reconnect); one that changes the cloud connection reconnects and the presentation keeps
//   decoding; twenty reloads in a row that each replace the client leave it healthy.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/https_client.hpp"
#include "support/namespace_daemon.hpp"
#include "support/poll_json.hpp"
#include "support/prosody_server.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

constexpr unsigned short kPort = 8443;
constexpr const char* kRoom = "123456";
constexpr const char* kRoomFullJid = "123456@localhost/presentd";
constexpr const char* kRoomPassword = "room password 9!";
constexpr const char* kAdminToken = "admin-token-0123456789abcdef";

struct Account {
  const char* name;
  const char* password;
};
constexpr Account kAlice{"alice", "alice password"};
constexpr Account kBob{"bob", "bob password"};
constexpr Account kMallory{"mallory", "mallory password"};

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

class CloudPolicy : public NamespaceDaemonTest {
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
    for (const auto& account : {kAlice, kBob, kMallory}) prosody_->add_user(account.name, account.password);
    prosody_->start();
    password_file_ = dir_.write("cloud-password", std::string(kRoomPassword) + "\n");
    std::filesystem::permissions(password_file_,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    dir_.write("admin-token", std::string(kAdminToken) + "\n");
  }

  void TearDown() override {
    NamespaceDaemonTest::TearDown();
    if (prosody_) prosody_->stop();
  }

  // The configuration: the cloud section (STARTTLS to Prosody at `server`) with `cloud_extra`
  // keys, then `sections` (each followed by a comma).
  NamespaceDaemonOptions options(const std::string& cloud_extra = {}, const std::string& sections = {},
                                 const std::string& server = "127.0.0.1") const {
    NamespaceDaemonOptions out;
    out.port = kPort;
    out.extra_sections = R"("cloud": {"enabled": true, "jid": ")" + std::string(kRoom) + R"(@localhost", "server": ")" +
                         server + R"(", "port": )" + std::to_string(prosody_->starttls_port()) +
                         R"(, "tls": "starttls", "password_file": ")" + password_file_.string() + R"(", "ca_file": ")" +
                         prosody_->ca_file().string() + "\"" + cloud_extra + R"(},
        "admin": {"token_file": ")" +
                         (dir_.path() / "admin-token").string() + R"("},)" + sections;
    return out;
  }

  void start(const NamespaceDaemonOptions& daemon_options) {
    daemon_ = start_namespace_daemon(dir_, notify_, *network_, daemon_options);
    ASSERT_TRUE(daemon_) << log();
    ASSERT_TRUE(wait_for_text(dir_.path() / "presentd.log", "online as 123456@localhost/", 30s))
        << read_file(prosody_->log_file());
  }

  // Rewrites the configuration and reloads it (SIGHUP), returning once the daemon says READY
  // again (the reload is done, connections it started may still be on their way).
  void reload(const NamespaceDaemonOptions& daemon_options) {
    write_namespace_daemon_config(dir_, *network_, daemon_options);
    daemon_->signal(SIGHUP);
    ASSERT_TRUE(notify_.wait_for("READY=1", 20s)) << log();
  }

  std::string log() const { return read_file(dir_.path() / "presentd.log"); }

  static bool wait_for_text(const std::filesystem::path& file, const std::string& needle, std::chrono::seconds limit,
                            std::size_t occurrences = 1) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (count_of(read_file(file), needle) >= occurrences) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  HttpResult call(const std::string& method, const std::string& target) {
    return https_request(method, network_->box_address, kPort, target, dir_.path() / "state/tls/https-certificate.pem",
                         "", {{"Authorization", std::string("Bearer ") + kAdminToken}});
  }
  Json status() { return Json::parse(call("GET", "/api/v1/status").body, nullptr, false); }

  // Frames decoded by the presentation of `index` (0 when there is none).
  static long frames_decoded(const Json& status, std::size_t index = 0) {
    if (!status.is_object()) return 0;
    const auto sessions = status.value(Json::json_pointer("/sessions/sessions"), Json::array());
    if (!sessions.is_array() || sessions.size() <= index || !sessions[index].contains("video") ||
        sessions[index]["video"].empty()) {
      return 0;
    }
    return sessions[index]["video"][0].value("frames_decoded", 0L);
  }
  long wait_for_frames(long at_least, std::chrono::seconds limit) {
    const auto last = poll_json([this] { return status(); },
                                [&](const Json& document) { return frames_decoded(document) >= at_least; }, limit);
    return frames_decoded(last);
  }

  // Built next to presentd: <build>/src/presentd and <build>/tests/jingle_sdp_tool.
  static std::filesystem::path sdp_tool() {
    return std::filesystem::path(PRESENTD_BINARY).parent_path().parent_path() / "tests" / "jingle_sdp_tool";
  }

  // A slixmpp + webrtcbin presenter (tests/integration/xmpp/slixmpp_jingle_sender.py); its
  // output goes to <dir>/<account>.log. `ring`: XEP-0353 first, else session-initiate straight to
  // the box's full JID.
  std::unique_ptr<ChildProcess> start_presenter(const Account& account, bool ring = true, double duration = 30) {
    std::vector<std::string> argv{"/usr/bin/python3",
                                  std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/xmpp/slixmpp_jingle_sender.py",
                                  "--jid",
                                  std::string(account.name) + "@localhost",
                                  "--password",
                                  account.password,
                                  "--server",
                                  "127.0.0.1:" + std::to_string(prosody_->starttls_port()),
                                  "--ca",
                                  prosody_->ca_file().string(),
                                  "--pin",
                                  "2468",
                                  "--duration",
                                  std::to_string(duration),
                                  "--tool",
                                  sdp_tool().string()};
    if (ring) {
      argv.insert(argv.end(), {"--room", std::string(kRoom) + "@localhost"});
    } else {
      argv.insert(argv.end(), {"--to-full", kRoomFullJid});
    }
    return std::make_unique<ChildProcess>(argv, std::map<std::string, std::string>{}, presenter_log(account));
  }
  std::filesystem::path presenter_log(const Account& account) const {
    return dir_.path() / (std::string(account.name) + ".log");
  }
  std::string said(const Account& account) const { return read_file(presenter_log(account)); }

  std::unique_ptr<ProsodyServer> prosody_;
  std::filesystem::path password_file_;
};

TEST_F(CloudPolicy, ABlockedAccountIsDeclinedWhetherItRingsOrCallsStraightAwayAndAnAllowedOnePresents) {
  start(options(R"(, "allowed_jids": ["*@localhost"], "blocked_jids": ["Mallory@localhost"])"));

  auto ringing = start_presenter(kMallory, true);
  EXPECT_EQ(ringing->wait_for_exit(60s), 2) << said(kMallory);
  EXPECT_NE(said(kMallory).find("rejected decline"), std::string::npos) << said(kMallory);

  auto calling = start_presenter(kMallory, false);
  EXPECT_EQ(calling->wait_for_exit(60s), 2) << said(kMallory);
  EXPECT_NE(said(kMallory).find("terminated decline"), std::string::npos) << said(kMallory);
  EXPECT_EQ(said(kMallory).find("accepted"), std::string::npos) << said(kMallory);
  EXPECT_EQ(count_of(log(), "refused a session from mallory@localhost: not allowed"), 1u) << log();
  EXPECT_EQ(count_of(log(), "declined a call from mallory@localhost: not allowed"), 1u) << log();
  EXPECT_EQ(status().value(Json::json_pointer("/sessions/started_total"), -1), 0) << status().dump();

  auto allowed = start_presenter(kAlice, true);
  EXPECT_GE(wait_for_frames(30, 60s), 30) << said(kAlice);
  EXPECT_NE(said(kAlice).find("accepted"), std::string::npos) << said(kAlice);
}

TEST_F(CloudPolicy, AnAdminRemovingARemotePresenterTellsItDeclineAndALockedRoomDeclinesCalls) {
  start(options());
  auto presenter = start_presenter(kAlice);
  ASSERT_GE(wait_for_frames(30, 60s), 30) << said(kAlice);

  // The remote presenter is listed for the admin like a local one, and removing it tells it so.
  const auto listed = Json::parse(call("GET", "/api/v1/admin/presenters").body);
  ASSERT_EQ(listed["presenters"].size(), 1u) << listed.dump();
  EXPECT_EQ(listed["presenters"][0]["address"], "xmpp:alice@localhost");
  const auto id = listed["presenters"][0]["session_id"].get<std::string>();
  EXPECT_EQ(call("POST", "/api/v1/admin/presenters/" + id + "/remove").status, 200);
  EXPECT_EQ(presenter->wait_for_exit(30s), 2) << said(kAlice);
  EXPECT_NE(said(kAlice).find("terminated decline"), std::string::npos) << said(kAlice);
  EXPECT_EQ(Json::parse(call("GET", "/api/v1/admin/presenters").body)["presenters"].size(), 0u);

  ASSERT_EQ(call("POST", "/api/v1/admin/lock").status, 200);
  auto locked_out = start_presenter(kBob);
  EXPECT_EQ(locked_out->wait_for_exit(60s), 2) << said(kBob);
  EXPECT_NE(said(kBob).find("terminated decline"), std::string::npos) << said(kBob);
}

TEST_F(CloudPolicy, AReplacedRemotePresenterIsToldBusy) {
  start(options({}, R"("admission": {"max_presenters": 1, "when_full": "replace"},)"));
  auto first = start_presenter(kAlice);
  ASSERT_GE(wait_for_frames(30, 60s), 30) << said(kAlice);
  auto second = start_presenter(kBob);
  EXPECT_EQ(first->wait_for_exit(60s), 2) << said(kAlice);
  EXPECT_NE(said(kAlice).find("terminated busy"), std::string::npos) << said(kAlice);
  EXPECT_TRUE(wait_for_text(presenter_log(kBob), "accepted", 30s)) << said(kBob);
}

TEST_F(CloudPolicy, ReloadsKeepARunningRemotePresentation) {
  start(options());
  auto presenter = start_presenter(kAlice, true, 45);
  const auto before = wait_for_frames(30, 60s);
  ASSERT_GE(before, 30) << said(kAlice);

  // A reload that does not touch cloud or proxy (a new room name, new JID lists): the XMPP
  // connection and the presentation are left alone.
  reload(options(R"(, "blocked_jids": ["mallory@localhost"])", R"("room": {"name": "Reloaded room"},)"));
  EXPECT_EQ(count_of(log(), "connecting to 127.0.0.1"), 1u) << log();
  const auto after_plain_reload = wait_for_frames(before + 60, 30s);
  EXPECT_GE(after_plain_reload, before + 60);

  // A reload that changes the connection: a new client logs in, the presentation goes on.
  reload(options(R"(, "blocked_jids": ["mallory@localhost"])", R"("room": {"name": "Reloaded room"},)", "localhost"));
  EXPECT_TRUE(wait_for_text(dir_.path() / "presentd.log", "online as 123456@localhost/", 30s, 2)) << log();
  EXPECT_NE(log().find("1 remote presentation(s) keep running"), std::string::npos) << log();
  EXPECT_GE(wait_for_frames(after_plain_reload + 60, 30s), after_plain_reload + 60) << said(kAlice);
  EXPECT_EQ(said(kAlice).find("terminated"), std::string::npos) << said(kAlice);

  // The presenter's own end reaches the box over the new connection.
  EXPECT_EQ(presenter->wait_for_exit(60s), 0) << said(kAlice);
  EXPECT_TRUE(wait_for_text(dir_.path() / "presentd.log", "session-terminate from alice@localhost", 20s)) << log();
}

TEST_F(CloudPolicy, TwentyReloadsThatEachReplaceTheClientLeaveItHealthy) {
  start(options());
  // Each reload switches the server name, so each replaces the client, often while the
  // previous one is still connecting, in TLS or logging in (its timers and connect pending).
  for (int i = 0; i < 20; ++i) {
    reload(options({}, {}, i % 2 == 0 ? "localhost" : "127.0.0.1"));
    std::this_thread::sleep_for(std::chrono::milliseconds(37 * (i % 5)));  // vary the phase hit
  }
  ASSERT_TRUE(daemon_->running()) << log();
  // The reload runs on the event loop and replaces the client before it logs "configuration
  // reloaded": whatever is logged after the last one comes from the last client.
  const auto after_last_reload = [this] {
    const auto text = log();
    return text.substr(text.rfind("configuration reloaded"));
  };
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  while (std::chrono::steady_clock::now() < deadline &&
         after_last_reload().find("online as 123456@localhost/") == std::string::npos) {
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_NE(after_last_reload().find("online as 123456@localhost/"), std::string::npos) << log();
  EXPECT_TRUE(status().is_object());
  EXPECT_EQ(count_of(log(), "configuration reloaded"), 20u);
}

}  // namespace
}  // namespace presentd::test

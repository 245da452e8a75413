// SPDX-License-Identifier: Apache-2.0
// The XMPP client against a scripted hostile server (tests/integration/xmpp/hostile_login_server.py)
// that answers out of turn to bring the room online without TLS, without a login or without
// binding: a <resumed/> or a SASL <success/> nobody asked for, a <proceed/> without <starttls/>,
// stream-management answers before <enable/>, stanzas before the bind, stream errors, deep and
// huge stanzas; over STARTTLS (before and after TLS) and over Direct TLS. The client must never
// go online, never send presence, stanzas kept for resumption, <enable/> or a bind request to
// that server, and the daemon must keep serving HTTPS.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "presentd/signaling/xmpp/xmpp_client.hpp"
#include "presentd/signaling/xmpp/xmpp_tls.hpp"
#include "support/child_process.hpp"
#include "support/https_client.hpp"
#include "support/prosody_server.hpp"
#include "support/temp_dir.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// What a client that was fooled would send to the fake server.
constexpr const char* kNeverSent[] = {"<presence", "<enable", "<resume", "urn:xmpp:bind", "<iq", "<message", "<r "};

class XmppHostileLogin : public ::testing::Test {
protected:
  void SetUp() override { make_test_pki(pki_, "localhost"); }

  std::unique_ptr<ChildProcess> start_server(const std::string& mode, const std::vector<std::string>& kinds) {
    port_ = free_loopback_port();
    std::vector<std::string> command = {
        "/usr/bin/python3",
        std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/xmpp/hostile_login_server.py",
        mode,
        (pki_ / "server.pem").string(),
        (pki_ / "server.key").string(),
        std::to_string(port_)};
    command.insert(command.end(), kinds.begin(), kinds.end());
    auto server = std::make_unique<ChildProcess>(command, std::map<std::string, std::string>{}, server_log_);
    EXPECT_TRUE(wait_for(server_log_, "LISTENING", 20s)) << read_file(server_log_);
    return server;
  }

  static bool wait_for(const std::filesystem::path& file, const std::string& needle,
                       std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (read_file(file).find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  // Every byte the client sent to the fake server, per connection.
  void expect_nothing_given_away() const {
    const auto text = read_file(server_log_);
    std::istringstream lines(text);
    std::string line;
    std::size_t connections = 0;
    while (std::getline(lines, line)) {
      if (!line.starts_with("RECEIVED ")) continue;
      ++connections;
      for (const char* needle : kNeverSent) EXPECT_EQ(line.find(needle), std::string::npos) << needle << " in " << line;
    }
    EXPECT_GT(connections, 0u) << text;
  }

  // One in-process client per kind (a fresh client skips the back-off between kinds); returns
  // whether any of them ever went online.
  bool run_clients(bool direct_tls, const std::vector<std::string>& kinds) {
    bool ever_online = false;
    boost::asio::io_context io;
    for (const auto& kind : kinds) {
      xmpp::XmppClientSettings settings;
      settings.local = "123456";
      settings.domain = "localhost";
      settings.host = "127.0.0.1";
      settings.port = port_;
      settings.direct_tls = direct_tls;
      settings.allow_plain = true;  // the fake server offers PLAIN: the weakest setting
      settings.password = "room password 9!";
      xmpp::XmppClientCallbacks callbacks;
      callbacks.on_online_changed = [&](bool online) { ever_online = ever_online || online; };
      callbacks.on_stanza = [&](const xml::Element&) {
        ADD_FAILURE() << kind << ": a stanza from the fake server reached the Jingle code";
        return true;
      };
      xmpp::XmppClient client(io, settings, xmpp::make_xmpp_tls_context((pki_ / "ca.pem").string()),
                              xmpp::make_tcp_connector(io), callbacks);
      client.start();
      const auto deadline = Clock::now() + 30s;
      while (read_file(server_log_).find("SERVED " + kind + "\n") == std::string::npos && Clock::now() < deadline) {
        io.run_for(50ms);
        io.restart();
        ever_online = ever_online || client.online();
      }
      EXPECT_NE(read_file(server_log_).find("SERVED " + kind + "\n"), std::string::npos) << kind;
      client.stop();
      io.run_for(50ms);
      io.restart();
    }
    return ever_online;
  }

  TempDir dir_;
  std::filesystem::path pki_ = dir_.path() / "pki";
  std::filesystem::path server_log_ = dir_.path() / "hostile.log";
  unsigned short port_ = 0;
};

TEST_F(XmppHostileLogin, StartTlsClientNeverGoesOnlineOutOfTurn) {
  const std::vector<std::string> kinds = {"resumed",
                                          "success",
                                          "success_for_starttls",
                                          "proceed_unasked",
                                          "enabled_early",
                                          "bind_early",
                                          "stanzas_early",
                                          "stream_error",
                                          "deep",
                                          "huge",
                                          "tls_resumed",
                                          "tls_success",
                                          "tls_features_then_resumed"};
  auto server = start_server("starttls", kinds);
  EXPECT_FALSE(run_clients(false, kinds));
  expect_nothing_given_away();
}

TEST_F(XmppHostileLogin, DirectTlsClientNeverGoesOnlineOutOfTurn) {
  const std::vector<std::string> kinds = {"resumed",    "success",       "proceed_unasked", "enabled_early",
                                          "bind_early", "stanzas_early", "stream_error",    "deep"};
  auto server = start_server("direct", kinds);
  EXPECT_FALSE(run_clients(true, kinds));
  expect_nothing_given_away();
}

// The real daemon: each refusal is a clear log line, the client backs off and retries, and the
// box keeps serving HTTPS all along.
TEST_F(XmppHostileLogin, DaemonRefusesOutOfTurnAnswersAndKeepsServing) {
  auto server = start_server("starttls", {"resumed", "success", "proceed_unasked"});
  const auto password_file = dir_.write("cloud-password", "room password 9!\n");
  std::filesystem::permissions(password_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto https_port = free_loopback_port();
  const auto config =
      dir_.write("presentd.json", R"({
  "room": {"name": "Hostile server"},
  "network": {"bind_address": "127.0.0.1", "https_port": )" +
                                      std::to_string(https_port) + R"(},
  "discovery": {"presentd_service": false, "https_service": false},
  "cloud": {"enabled": true, "jid": "123456@localhost", "server": "127.0.0.1", "port": )" +
                                      std::to_string(port_) + R"(, "tls": "starttls", "allow_plain": true,
            "password_file": ")" + password_file.string() +
                                      R"(", "ca_file": ")" + (pki_ / "ca.pem").string() + R"("},
  "daemon": {"state_directory": ")" + (dir_.path() / "state").string() +
                                      R"(", "web_root": ")" + std::string(PRESENTD_SOURCE_DIR) +
                                      R"(/web", "log_level": "debug"}
})");
  const auto log = dir_.path() / "presentd.log";
  ChildProcess daemon({PRESENTD_BINARY, "--config", config.string()},
                      std::map<std::string, std::string>{{"SDL_VIDEODRIVER", "dummy"}}, log);
  ASSERT_TRUE(wait_for(server_log_, "SERVED proceed_unasked", 60s)) << read_file(server_log_) << read_file(log);
  ASSERT_TRUE(wait_for(log, "closing the stream from 127.0.0.1: <proceed/>", 10s)) << read_file(log);
  const auto text = read_file(log);
  EXPECT_NE(text.find("closing the stream from 127.0.0.1: <resumed/> is not expected while waiting for the features "
                      "of a stream without TLS"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("closing the stream from 127.0.0.1: SASL <success/> is not expected while waiting for the "
                      "features of a stream without TLS"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("online as"), std::string::npos) << text;
  EXPECT_EQ(text.find("logged in as"), std::string::npos) << text;
  EXPECT_EQ(text.find("stream resumed"), std::string::npos) << text;
  expect_nothing_given_away();

  ASSERT_TRUE(daemon.running()) << text;
  const auto status =
      https_request("GET", "127.0.0.1", https_port, "/api/v1/status", dir_.path() / "state/tls/https-certificate.pem");
  EXPECT_EQ(status.status, 200);
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_for_exit(5s), 0) << read_file(log);
}

}  // namespace
}  // namespace presentd::test

// SPDX-License-Identifier: Apache-2.0
#include "app/turn_relays.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/temp_dir.hpp"

namespace presentd::app {
namespace {

class TurnRelaysTest : public ::testing::Test {
protected:
  config::Config config_with(std::vector<config::TurnServerConfig> servers) {
    config::Config config;
    config.ice.turn_servers = std::move(servers);
    return config;
  }
  std::string credential(const std::string& secret) {
    const auto path = dir_.write("credential-" + std::to_string(++files_), secret + "\n");
    ::chmod(path.c_str(), 0600);
    return path.string();
  }

  test::TempDir dir_;
  int files_ = 0;
  int changes_ = 0;
  boost::asio::io_context io_;
};

TEST_F(TurnRelaysTest, TurnServersGoToLibniceAsTheyAreAndTlsOnesThroughATunnel) {
  TurnRelays relays(io_, [this] { ++changes_; });
  relays.configure(config_with({{"turn:192.0.2.10:3478?transport=udp", "box", credential("udp-pw")},
                                {"turn:192.0.2.10:3478?transport=tcp", "box", credential("tcp-pw")},
                                {"turns:192.0.2.10:443", "box", credential("tls-pw")}}));
  const auto servers = relays.ice_servers();
  ASSERT_EQ(servers.size(), 3u);
  EXPECT_EQ(servers[0].address, "192.0.2.10");
  EXPECT_EQ(servers[0].transport, ice::TurnServer::Transport::udp);
  EXPECT_EQ(servers[0].password, "udp-pw");  // the file's trailing newline is not part of it
  EXPECT_EQ(servers[1].transport, ice::TurnServer::Transport::tcp);
  EXPECT_EQ(servers[1].password, "tcp-pw");
  // turns: becomes TURN over TCP on the tunnel's loopback port, with the real credentials.
  EXPECT_EQ(servers[2].address, "127.0.0.1");
  EXPECT_NE(servers[2].port, 0);
  EXPECT_EQ(servers[2].transport, ice::TurnServer::Transport::tcp);
  EXPECT_EQ(servers[2].username, "box");
  EXPECT_EQ(servers[2].password, "tls-pw");
  // A reload with the same server keeps the tunnel (and its port) for running sessions.
  relays.configure(config_with({{"turns:192.0.2.10:443", "box", credential("tls-pw")}}));
  ASSERT_EQ(relays.ice_servers().size(), 1u);
  EXPECT_EQ(relays.ice_servers()[0].port, servers[2].port);
}

TEST_F(TurnRelaysTest, WhipLinksCarryCredentialsOnlyWhenShared) {
  TurnRelays relays(io_, [this] { ++changes_; });
  relays.configure(config_with({{"turn:192.0.2.10:3478?transport=udp", "box", credential("pass\"word")}}));
  EXPECT_EQ(relays.whip_links(false),
            std::vector<std::string>{"<turn:192.0.2.10:3478?transport=udp>; rel=\"ice-server\""});
  // RFC 9725 §4.6 form; the quote inside the credential is escaped (RFC 9110 quoted-string).
  EXPECT_EQ(relays.whip_links(true),
            std::vector<std::string>{"<turn:192.0.2.10:3478?transport=udp>; rel=\"ice-server\"; username=\"box\"; "
                                     "credential=\"pass\\\"word\"; credential-type=\"password\""});
}

TEST_F(TurnRelaysTest, RuntimeServersJoinTheConfiguredOnesAndReplaceEachOther) {
  TurnRelays relays(io_, [this] { ++changes_; });
  relays.configure(config_with({{"turn:192.0.2.10:3478?transport=udp", "box", credential("pw")}}));
  relays.set_runtime_servers({{*config::parse_turn_url("turn:198.51.100.7:3478"), "1700000000:room", "temporary"},
                              {*config::parse_turn_url("turns:198.51.100.7:443"), "1700000000:room", "temporary"}});
  auto servers = relays.ice_servers();
  ASSERT_EQ(servers.size(), 3u);
  EXPECT_EQ(servers[1].username, "1700000000:room");
  EXPECT_EQ(servers[2].address, "127.0.0.1");
  EXPECT_EQ(relays.status()["servers"][2]["source"], "runtime");
  relays.set_runtime_servers({});
  EXPECT_EQ(relays.ice_servers().size(), 1u);
  // The status names servers but never their credentials.
  EXPECT_EQ(relays.status().dump().find("pw"), std::string::npos);
}

TEST_F(TurnRelaysTest, RuntimeTurnNamesAreResolvedBeforeLibniceSeesThem) {
  TurnRelays relays(io_, [this] { ++changes_; });
  relays.set_runtime_servers({{*config::parse_turn_url("turn:localhost:3478?transport=udp"), "1700000000:room", "t"}});
  EXPECT_TRUE(relays.ice_servers().empty());  // libnice takes addresses only: not yet
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (changes_ == 0 && std::chrono::steady_clock::now() < deadline) io_.run_one_for(std::chrono::milliseconds(100));
  ASSERT_EQ(changes_, 1);
  ASSERT_EQ(relays.ice_servers().size(), 1u);
  EXPECT_EQ(relays.ice_servers()[0].address, "127.0.0.1");
  EXPECT_EQ(relays.ice_servers()[0].port, 3478);
}

TEST(TurnServersFrom, Xep0215TurnServicesBecomeTurnUrlsAndTheRestIsLeftOut) {
  auto service = [](std::string type, std::string transport, std::uint16_t port) {
    xmpp::ExternalService s;
    s.type = std::move(type);
    s.transport = std::move(transport);
    s.host = "198.51.100.7";
    s.port = port;
    s.username = "1700000000:room";
    s.password = "temporary";
    return s;
  };
  const auto servers =
      turn_servers_from({service("turn", "udp", 3478), service("turn", "tcp", 0), service("turn", "", 3479),
                         service("turns", "tcp", 443), service("turns", "", 0), service("turns", "udp", 5349),
                         service("stun", "udp", 3478), service("ftp", "tcp", 21)});
  std::vector<std::string> urls;
  for (const auto& server : servers) urls.push_back(config::format_turn_url(server.url));
  EXPECT_EQ(urls,
            (std::vector<std::string>{"turn:198.51.100.7:3478?transport=udp", "turn:198.51.100.7:3478?transport=tcp",
                                      "turn:198.51.100.7:3479?transport=udp", "turns:198.51.100.7:443?transport=tcp",
                                      "turns:198.51.100.7:5349?transport=tcp"}));
  EXPECT_EQ(servers[0].username, "1700000000:room");
  EXPECT_EQ(servers[0].password, "temporary");
}

TEST_F(TurnRelaysTest, AnUnreadableCredentialFileDropsThatServerOnly) {
  TurnRelays relays(io_, [this] { ++changes_; });
  relays.configure(config_with({{"turn:192.0.2.10:3478?transport=udp", "box", (dir_.path() / "absent").string()},
                                {"turn:192.0.2.11:3478?transport=udp", "box", credential("pw")}}));
  const auto servers = relays.ice_servers();
  ASSERT_EQ(servers.size(), 1u);
  EXPECT_EQ(servers[0].address, "192.0.2.11");
}

}  // namespace
}  // namespace presentd::app

// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "presentd/config/config_loader.hpp"
#include "support/temp_dir.hpp"

namespace presentd::config {
namespace {

std::vector<std::string> problems_of(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& problem : parse_config(text).problems) out.push_back(problem.pointer + ": " + problem.message);
  return out;
}

TEST(TurnProxyConfig, ReadsTurnServersAndProxy) {
  test::TempDir dir;
  const auto secret = dir.write("secret", "x").string();
  const auto result = parse_config(R"({
    "ice": {"turn_servers": [
              {"url": "turn:192.0.2.10:3478?transport=udp", "username": "box", "credential_file": ")" +
                                   secret + R"("},
              {"url": "turns:turn.example.net:443"}],
            "share_turn_credentials": true},
    "proxy": {"type": "socks5", "host": "proxy.example.net", "port": 1080, "username": "u", "password_file": ")" +
                                   secret + R"("}
  })");
  for (const auto& problem : result.problems) ADD_FAILURE() << format_problem("t", problem);
  ASSERT_TRUE(result.ok());
  const auto& c = result.config;
  ASSERT_EQ(c.ice.turn_servers.size(), 2u);
  EXPECT_EQ(c.ice.turn_servers[0].url, "turn:192.0.2.10:3478?transport=udp");
  EXPECT_EQ(c.ice.turn_servers[0].username, "box");
  EXPECT_EQ(c.ice.turn_servers[0].credential_file, secret);
  EXPECT_EQ(c.ice.turn_servers[1].url, "turns:turn.example.net:443");
  EXPECT_TRUE(c.ice.share_turn_credentials);
  EXPECT_EQ(c.proxy.type, ProxyType::socks5);
  EXPECT_EQ(c.proxy.host, "proxy.example.net");
  EXPECT_EQ(c.proxy.port, 1080);
  // --print-config shows the list and the files' paths (the secrets stay in the files).
  const auto printed = print_config(c);
  EXPECT_NE(printed.find("\"turns:turn.example.net:443\""), std::string::npos) << printed;
  EXPECT_NE(printed.find("\"socks5\""), std::string::npos) << printed;
}

TEST(TurnProxyConfig, BadEntriesAreReportedAtTheirPointer) {
  const auto problems = problems_of(R"({
    "ice": {"turn_servers": [
              {"url": "stun:192.0.2.10"},
              {"url": "turn:turn.example.net"},
              {"url": "turn:192.0.2.10", "usrname": "box"},
              "turn:192.0.2.10",
              {"url": "turns:192.0.2.10", "username": "a:b"}]},
    "proxy": {"type": "ftp"}
  })");
  const auto has = [&](const std::string& needle) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const auto& p) { return p.find(needle) != std::string::npos; });
  };
  EXPECT_TRUE(has("/ice/turn_servers/0/url: must be a TURN URI")) << ::testing::PrintToString(problems);
  EXPECT_TRUE(has("/ice/turn_servers/1/url: turn: needs a numeric address")) << ::testing::PrintToString(problems);
  EXPECT_TRUE(has("/ice/turn_servers/2/usrname: unknown key (did you mean \"username\"?)"))
      << ::testing::PrintToString(problems);
  EXPECT_TRUE(has("/ice/turn_servers/3: must be an object")) << ::testing::PrintToString(problems);
  EXPECT_TRUE(has("/ice/turn_servers/4/username: must be at most 255 printable")) << ::testing::PrintToString(problems);
  EXPECT_TRUE(has("/proxy/type: must be one of \"none\", \"http\", \"socks5\"")) << ::testing::PrintToString(problems);
}

TEST(TurnProxyConfig, RelatedKeysMustComeTogether) {
  const auto problems = problems_of(R"({
    "ice": {"turn_servers": [{"url": "turn:192.0.2.10", "credential_file": "/etc/hostname"}, {}]},
    "proxy": {"type": "http", "password_file": "/etc/hostname"}
  })");
  const std::vector<std::string> expected{
      "/ice/turn_servers/0/username: must be set with a credential_file",
      "/ice/turn_servers/1/url: must be set",
      "/proxy/host: must be set when /proxy/type is not \"none\"",
      "/proxy/port: must be 1..65535 when /proxy/type is not \"none\"",
      "/proxy/username: must be set with /proxy/password_file",
  };
  EXPECT_EQ(problems, expected);
}

TEST(TurnProxyConfig, ProblemsInsideAListCarryTheirLine) {
  const auto result =
      parse_config("{\n \"ice\": {\"turn_servers\": [\n  {\"url\": \"turn:192.0.2.1\"},\n  {\"url\": \"bad\"}\n ]}\n}");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].pointer, "/ice/turn_servers/1/url");
  EXPECT_EQ(result.problems[0].line, 4);
}

}  // namespace
}  // namespace presentd::config

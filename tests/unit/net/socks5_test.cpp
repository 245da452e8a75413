// SPDX-License-Identifier: Apache-2.0
#include "net/socks5.hpp"

#include <gtest/gtest.h>

namespace presentd::net {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(Socks5, GreetingOffersPasswordOnlyWithAUsername) {
  EXPECT_EQ(socks5_greeting(false), (Bytes{0x05, 0x01, 0x00}));
  EXPECT_EQ(socks5_greeting(true), (Bytes{0x05, 0x02, 0x00, 0x02}));
}

TEST(Socks5, MethodChoice) {
  EXPECT_EQ(parse_socks5_method_choice(Bytes{}).kind, SocksParse<std::uint8_t>::Kind::incomplete);
  EXPECT_EQ(parse_socks5_method_choice(Bytes{0x05}).kind, SocksParse<std::uint8_t>::Kind::incomplete);
  const auto password = parse_socks5_method_choice(Bytes{0x05, 0x02});
  ASSERT_EQ(password.kind, SocksParse<std::uint8_t>::Kind::complete);
  EXPECT_EQ(password.value, kSocksUsernamePassword);
  EXPECT_EQ(parse_socks5_method_choice(Bytes{0x05, 0xff}).value, kSocksNoAcceptableMethod);
  EXPECT_EQ(parse_socks5_method_choice(Bytes{0x04, 0x00}).kind, SocksParse<std::uint8_t>::Kind::malformed);  // SOCKS4
  EXPECT_EQ(parse_socks5_method_choice(Bytes{0x05, 0x01}).kind, SocksParse<std::uint8_t>::Kind::malformed);  // GSSAPI
  EXPECT_EQ(parse_socks5_method_choice(Bytes{'H', 'T'}).kind, SocksParse<std::uint8_t>::Kind::malformed);    // HTTP
}

TEST(Socks5, PasswordRequestAndReply) {
  // RFC 1929 §2: VER=1, ULEN, UNAME, PLEN, PASSWD.
  EXPECT_EQ(socks5_password_request("bob", "pw"), (Bytes{0x01, 3, 'b', 'o', 'b', 2, 'p', 'w'}));
  EXPECT_FALSE(socks5_password_request("", "pw"));
  EXPECT_FALSE(socks5_password_request(std::string(256, 'u'), "pw"));
  EXPECT_FALSE(socks5_password_request("bob", std::string(256, 'p')));
  EXPECT_TRUE(parse_socks5_password_reply(Bytes{0x01, 0x00}).value);
  const auto refused = parse_socks5_password_reply(Bytes{0x01, 0x01});  // what dante sends for a bad password
  ASSERT_EQ(refused.kind, SocksParse<bool>::Kind::complete);
  EXPECT_FALSE(refused.value);
  EXPECT_EQ(parse_socks5_password_reply(Bytes{0x01}).kind, SocksParse<bool>::Kind::incomplete);
  EXPECT_EQ(parse_socks5_password_reply(Bytes{0x07, 0x00}).kind, SocksParse<bool>::Kind::malformed);
}

TEST(Socks5, ConnectRequestPicksTheAddressType) {
  EXPECT_EQ(socks5_connect_request("10.200.0.1", 5349), (Bytes{0x05, 0x01, 0x00, 0x01, 10, 200, 0, 1, 0x14, 0xe5}));
  EXPECT_EQ(socks5_connect_request("ab.c", 443), (Bytes{0x05, 0x01, 0x00, 0x03, 4, 'a', 'b', '.', 'c', 0x01, 0xbb}));
  const auto v6 = socks5_connect_request("2001:db8::1", 1);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->size(), 4u + 16u + 2u);
  EXPECT_EQ((*v6)[3], 0x04);
  EXPECT_FALSE(socks5_connect_request(std::string(256, 'a'), 443));
}

TEST(Socks5, ConnectReplies) {
  const Bytes ipv4_ok{0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0xcf, 0xfb};
  for (std::size_t n = 0; n < ipv4_ok.size(); ++n) {
    EXPECT_EQ(parse_socks5_connect_reply(std::span(ipv4_ok).first(n)).kind, SocksParse<std::uint8_t>::Kind::incomplete)
        << n;
  }
  const auto ok = parse_socks5_connect_reply(ipv4_ok);
  ASSERT_EQ(ok.kind, SocksParse<std::uint8_t>::Kind::complete);
  EXPECT_EQ(ok.value, 0);
  EXPECT_EQ(ok.length, 10u);
  // Dante's answer when the target refuses: REP 5.
  const auto refused = parse_socks5_connect_reply(Bytes{0x05, 0x05, 0x00, 0x01, 127, 0, 0, 1, 0xcf, 0xfb});
  EXPECT_EQ(refused.value, 5);
  EXPECT_EQ(socks5_reply_text(refused.value), "connection refused");
  const auto named = parse_socks5_connect_reply(Bytes{0x05, 0x00, 0x00, 0x03, 3, 'a', 'b', 'c', 0, 80});
  EXPECT_EQ(named.length, 10u);
  const auto v6 = Bytes(22, 0);
  auto v6_reply = v6;
  v6_reply[0] = 0x05;
  v6_reply[3] = 0x04;
  EXPECT_EQ(parse_socks5_connect_reply(v6_reply).length, 22u);
  EXPECT_EQ(parse_socks5_connect_reply(Bytes{0x05, 0x00, 0x01, 0x01}).kind,
            SocksParse<std::uint8_t>::Kind::malformed);  // RSV
  EXPECT_EQ(parse_socks5_connect_reply(Bytes{0x05, 0x00, 0x00, 0x09, 0}).kind,
            SocksParse<std::uint8_t>::Kind::malformed);
  EXPECT_EQ(parse_socks5_connect_reply(Bytes{0x00, 0x5a}).kind,
            SocksParse<std::uint8_t>::Kind::malformed);  // SOCKS4 reply
}

}  // namespace
}  // namespace presentd::net

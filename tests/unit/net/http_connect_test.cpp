// SPDX-License-Identifier: Apache-2.0
#include "net/http_connect.hpp"

#include <gtest/gtest.h>

namespace presentd::net {
namespace {

using Kind = HttpConnectReply::Kind;

TEST(HttpConnect, RequestCarriesAuthorityHostAndBasicCredentials) {
  // RFC 7617 §2's example credentials: "Aladdin:open sesame" → QWxhZGRpbjpvcGVuIHNlc2FtZQ==
  EXPECT_EQ(build_http_connect_request("turn.example.net", 443, "Aladdin", "open sesame"),
            "CONNECT turn.example.net:443 HTTP/1.1\r\nHost: turn.example.net:443\r\n"
            "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\nUser-Agent: presentd\r\n\r\n");
  EXPECT_EQ(build_http_connect_request("2001:db8::1", 5349, "", ""),
            "CONNECT [2001:db8::1]:5349 HTTP/1.1\r\nHost: [2001:db8::1]:5349\r\nUser-Agent: presentd\r\n\r\n");
}

TEST(HttpConnect, EstablishedReply) {
  const std::string reply = "HTTP/1.1 200 Connection established\r\n\r\n";
  const auto parsed = parse_http_connect_reply(reply);
  ASSERT_EQ(parsed.kind, Kind::complete);
  EXPECT_EQ(parsed.status, 200);
  EXPECT_EQ(parsed.reason, "Connection established");
  EXPECT_EQ(parsed.head_length, reply.size());
}

TEST(HttpConnect, ProxyAuthenticationRequiredNamesTheScheme) {
  // What squid 5 sends (trimmed) when the credentials are missing or wrong.
  const std::string reply =
      "HTTP/1.1 407 Proxy Authentication Required\r\nServer: squid/5.7\r\nMime-Version: 1.0\r\n"
      "Proxy-Authenticate: Basic realm=\"presentd-test\"\r\nContent-Length: 3458\r\n\r\n<html>";
  const auto parsed = parse_http_connect_reply(reply);
  ASSERT_EQ(parsed.kind, Kind::complete);
  EXPECT_EQ(parsed.status, 407);
  EXPECT_EQ(parsed.authenticate, "Basic");
  EXPECT_EQ(parsed.head_length, reply.find("<html>"));
}

TEST(HttpConnect, EveryPrefixOfAGoodReplyIsIncomplete) {
  const std::string reply = "HTTP/1.0 200 OK\r\nVia: 1.1 proxy\r\n\r\n";
  for (std::size_t n = 0; n < reply.size(); ++n) {
    EXPECT_EQ(parse_http_connect_reply(reply.substr(0, n)).kind, Kind::incomplete) << n;
  }
  EXPECT_EQ(parse_http_connect_reply(reply).kind, Kind::complete);
}

TEST(HttpConnect, BadRepliesAreMalformed) {
  const char* bad[] = {
      "SSH-2.0-OpenSSH_9.2\r\n",                   // not HTTP at all, caught early
      "HTTP/2 200 OK\r\n\r\n",                     // not HTTP/1.x
      "HTTP/1.1 20 OK\r\n\r\n",                    // two-digit status
      "HTTP/1.1 2x0 OK\r\n\r\n",                   // non-digit status
      "HTTP/1.1 200OK\r\n\r\n",                    // no space after the code
      "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",  // header without a name
      "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",   // empty header name
      "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",    // blank inside a name
      "HTTP/1.1 200 O\x01K\r\n\r\n",               // control character in the reason
  };
  for (const char* reply : bad) EXPECT_EQ(parse_http_connect_reply(reply).kind, Kind::malformed) << reply;
}

TEST(HttpConnect, AnEndlessHeadIsMalformedNotBuffered) {
  std::string reply = "HTTP/1.1 200 OK\r\n";
  while (reply.size() <= kMaxHttpConnectReply) reply += "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
  EXPECT_EQ(parse_http_connect_reply(reply).kind, Kind::malformed);
  EXPECT_EQ(parse_http_connect_reply(reply + "\r\n").kind, Kind::malformed);
}

}  // namespace
}  // namespace presentd::net

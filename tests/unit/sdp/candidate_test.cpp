// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/candidate.hpp"

#include <gtest/gtest.h>

namespace presentd::sdp {
namespace {

struct CandidateCase {
  const char* text;
  std::string transport;
  std::string address;
  std::uint16_t port;
  std::string type;
  std::optional<std::string> raddr;
  std::optional<std::uint16_t> rport;
  std::optional<std::string> tcptype;
  bool mdns;
};

// RFC 8839 §5.1 examples and lines from the captured offers.
const CandidateCase kCandidates[] = {
    {"candidate:1 1 UDP 2130706431 203.0.113.141 8998 typ host",
     "udp",
     "203.0.113.141",
     8998,
     "host",
     {},
     {},
     {},
     false},
    {"candidate:2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 203.0.113.141 rport 8998",
     "udp",
     "192.0.2.3",
     45664,
     "srflx",
     "203.0.113.141",
     8998,
     {},
     false},
    {"candidate:2 1 TCP 1015021823 192.0.2.2 9 typ host tcptype active",
     "tcp",
     "192.0.2.2",
     9,
     "host",
     {},
     {},
     "active",
     false},
    {"candidate:752618916 1 udp 2113937151 1d1db20d-c470-490c-b3fb-b8d6f450476f.local 37611 typ host generation 0 "
     "network-cost 999",
     "udp",
     "1d1db20d-c470-490c-b3fb-b8d6f450476f.local",
     37611,
     "host",
     {},
     {},
     {},
     true},
    {"candidate:d0bcf3d9c29a2bc887618212a1623bfa 1 udp 2130706431 fd00::2 44061 typ host",
     "udp",
     "fd00::2",
     44061,
     "host",
     {},
     {},
     {},
     false},
    {"candidate:9 1 udp 41885439 198.51.100.9 3478 typ relay raddr 0.0.0.0 rport 0",
     "udp",
     "198.51.100.9",
     3478,
     "relay",
     "0.0.0.0",
     0,
     {},
     false},
};

TEST(Candidate, ParsesRfcAndCapturedLinesAndPrintsThemBack) {
  for (const auto& c : kCandidates) {
    SCOPED_TRACE(c.text);
    const auto parsed = parse_candidate(c.text);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->component, 1);
    EXPECT_EQ(parsed->transport, c.transport);
    EXPECT_EQ(parsed->address, c.address);
    EXPECT_EQ(parsed->port, c.port);
    EXPECT_EQ(parsed->type, c.type);
    EXPECT_EQ(parsed->related_address, c.raddr);
    EXPECT_EQ(parsed->related_port, c.rport);
    EXPECT_EQ(parsed->tcptype, c.tcptype);
    EXPECT_EQ(parsed->is_mdns(), c.mdns);
    // Printing and parsing again gives the same candidate.
    const auto again = parse_candidate(format_candidate(*parsed));
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *parsed);
  }
}

TEST(Candidate, KeepsExtensionsInOrderAndAcceptsTheValueWithoutPrefix) {
  const auto parsed = parse_candidate("1 1 udp 2113937151 10.0.0.1 5000 typ host generation 0 ufrag x network-cost 10");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->extensions.size(), 3u);
  EXPECT_EQ(parsed->extensions[0], (std::pair<std::string, std::string>{"generation", "0"}));
  EXPECT_EQ(parsed->extensions[2], (std::pair<std::string, std::string>{"network-cost", "10"}));
}

TEST(Candidate, RejectsMalformedLines) {
  const char* const bad[] = {
      "",
      "candidate:1 1 udp 2130706431 10.0.0.1 5000",             // no typ
      "candidate:1 1 udp 2130706431 10.0.0.1 5000 kind host",   // "typ" misspelt
      "candidate:1 0 udp 2130706431 10.0.0.1 5000 typ host",    // component 0
      "candidate:1 257 udp 2130706431 10.0.0.1 5000 typ host",  // component > 256
      "candidate:1 1 udp 4294967296 10.0.0.1 5000 typ host",    // priority > 32 bits
      "candidate:1 1 udp 1 10.0.0.1 65536 typ host",            // port > 65535
      "candidate:1 1 udp 1 10.0.0.1 -1 typ host",
      "candidate:1 1 udp 1 10.0.0.1 5000 typ host raddr",  // dangling extension name
      "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx raddr 1.2.3.4 rport x",
      "candidate:123456789012345678901234567890123 1 udp 1 10.0.0.1 5000 typ host",  // foundation > 32
  };
  for (const char* text : bad) EXPECT_FALSE(parse_candidate(text)) << text;
}

}  // namespace
}  // namespace presentd::sdp

// SPDX-License-Identifier: Apache-2.0
#include "presentd/config/turn_url.hpp"

#include <gtest/gtest.h>

namespace presentd::config {
namespace {

TEST(TurnUrl, Rfc7065Forms) {
  // RFC 7065 §3 examples and their defaults.
  EXPECT_EQ(parse_turn_url("turn:example.org"), (TurnUrl{false, "example.org", 3478, TurnUrl::Transport::udp}));
  EXPECT_EQ(parse_turn_url("turns:example.org"), (TurnUrl{true, "example.org", 5349, TurnUrl::Transport::tcp}));
  EXPECT_EQ(parse_turn_url("turn:example.org?transport=udp"),
            (TurnUrl{false, "example.org", 3478, TurnUrl::Transport::udp}));
  EXPECT_EQ(parse_turn_url("turn:example.org?transport=tcp"),
            (TurnUrl{false, "example.org", 3478, TurnUrl::Transport::tcp}));
  EXPECT_EQ(parse_turn_url("turns:example.org?transport=tcp"),
            (TurnUrl{true, "example.org", 5349, TurnUrl::Transport::tcp}));
  EXPECT_EQ(parse_turn_url("turn:192.0.2.10:3479"), (TurnUrl{false, "192.0.2.10", 3479, TurnUrl::Transport::udp}));
  EXPECT_EQ(parse_turn_url("turns:[2001:db8::1]:443"), (TurnUrl{true, "2001:db8::1", 443, TurnUrl::Transport::tcp}));
}

TEST(TurnUrl, FormatsWithPortAndTransport) {
  EXPECT_EQ(format_turn_url(*parse_turn_url("turn:192.0.2.10")), "turn:192.0.2.10:3478?transport=udp");
  EXPECT_EQ(format_turn_url(*parse_turn_url("turns:[2001:db8::1]:443")), "turns:[2001:db8::1]:443?transport=tcp");
}

TEST(TurnUrl, RejectsWhatIsNotATurnUri) {
  for (const char* bad : {"", "turn:", "stun:192.0.2.1", "turns:example.org?transport=udp",
                          "turn:example.org?transport=sctp", "turn:user@example.org", "turn:example.org:0",
                          "turn:example.org:65536", "turn:example.org:", "turn:[2001:db8::1", "turn:[example.org]:1",
                          "turn:[::1]x", "turn:exa mple.org", "turn://example.org", "turn:example.org:34x"}) {
    EXPECT_FALSE(parse_turn_url(bad)) << bad;
  }
}

}  // namespace
}  // namespace presentd::config

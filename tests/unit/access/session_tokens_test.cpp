// SPDX-License-Identifier: Apache-2.0
// Session tokens: 128 random bits, one session each, 60 s to be used.
#include "presentd/access/session_tokens.hpp"

#include <gtest/gtest.h>

#include <set>

namespace presentd::access {
namespace {
using namespace std::chrono_literals;

TEST(SessionTokens, ATokenIs32HexCharactersAndCreatesOneSessionOnly) {
  ManualClock clock;
  SessionTokens tokens(clock);
  const auto token = tokens.issue("Alice").token;
  EXPECT_EQ(token.size(), 32u);
  EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
  const auto taken = tokens.take(token);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->presenter_name, "Alice");
  EXPECT_FALSE(tokens.take(token));  // used
}

TEST(SessionTokens, AnUnusedTokenExpiresSixtySecondsAfterIssue) {
  ManualClock clock;
  SessionTokens tokens(clock);
  const auto early = tokens.issue("").token;
  const auto late = tokens.issue("").token;
  clock.advance(59s);
  EXPECT_TRUE(tokens.take(early));
  clock.advance(1s);
  EXPECT_FALSE(tokens.take(late));
  EXPECT_EQ(tokens.unused_count(), 0u);
}

TEST(SessionTokens, AFailedSessionGivesTheTokenBackUntilItExpires) {
  ManualClock clock;
  SessionTokens tokens(clock);
  const auto token = tokens.issue("Bob").token;
  auto taken = tokens.take(token);
  ASSERT_TRUE(taken);
  tokens.put_back(*taken);
  clock.advance(30s);
  taken = tokens.take(token);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->presenter_name, "Bob");
  clock.advance(30s);
  tokens.put_back(*taken);  // expired meanwhile: not taken back
  EXPECT_FALSE(tokens.take(token));
}

TEST(SessionTokens, OnlyTheWholeTokenMatches) {
  ManualClock clock;
  SessionTokens tokens(clock);
  const auto token = tokens.issue("").token;
  EXPECT_FALSE(tokens.take(token.substr(0, 31)));
  EXPECT_FALSE(tokens.take(token + "0"));
  EXPECT_FALSE(tokens.take(""));
  auto flipped = token;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_FALSE(tokens.take(flipped));
  EXPECT_TRUE(tokens.take(token));
}

TEST(SessionTokens, TokensAreDistinctAndTheOldestUnusedGoesFirst) {
  ManualClock clock;
  SessionTokens tokens(clock, 60s, 3);
  std::set<std::string> seen;
  std::vector<std::string> issued;
  for (int i = 0; i < 4; ++i) {
    issued.push_back(tokens.issue(std::to_string(i)).token);
    seen.insert(issued.back());
  }
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(tokens.unused_count(), 3u);
  EXPECT_FALSE(tokens.take(issued[0]));
  EXPECT_TRUE(tokens.take(issued[3]));
}

}  // namespace
}  // namespace presentd::access

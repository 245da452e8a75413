// SPDX-License-Identifier: Apache-2.0
// The unauthenticated status is made at most once a second, however often it is asked for.
#include "app/status_cache.hpp"

#include <gtest/gtest.h>

namespace presentd::app {
namespace {

using namespace std::chrono_literals;

TEST(StatusCache, AnswersFromTheCacheUntilItIsOneSecondOld) {
  ManualClock clock;
  StatusCache cache(clock, 1s);
  int calls = 0;
  const auto make = [&] { return "status " + std::to_string(++calls); };
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(cache.get("one presenter", make), "status 1");
  clock.advance(999ms);
  EXPECT_EQ(cache.get("one presenter", make), "status 1");
  clock.advance(1ms);
  EXPECT_EQ(cache.get("one presenter", make), "status 2");
  EXPECT_EQ(cache.made(), 2u);
  EXPECT_EQ(calls, 2);
}

// A reload or a presenter coming or going is shown at the next request, not up to a second later.
TEST(StatusCache, AChangeIsShownAtTheNextRequest) {
  ManualClock clock;
  StatusCache cache(clock, 1s);
  std::string room = "Alpha";
  const auto make = [&] { return room; };
  EXPECT_EQ(cache.get("", make), "Alpha");
  room = "Beta";
  EXPECT_EQ(cache.get("", make), "Alpha");  // cached, as meant
  cache.invalidate();
  EXPECT_EQ(cache.get("", make), "Beta");
  EXPECT_EQ(cache.get("", make), "Beta");
  EXPECT_EQ(cache.made(), 2u);
}

// What the key names (a presenter's arrival, its state) is never older than the request; the
// counters in between may be, for up to max_age.
TEST(StatusCache, ANewKeyMakesANewBodyAtOnce) {
  ManualClock clock;
  StatusCache cache(clock, 1s);
  int calls = 0;
  const auto make = [&] { return "status " + std::to_string(++calls); };
  EXPECT_EQ(cache.get("a:connecting", make), "status 1");
  EXPECT_EQ(cache.get("a:connecting", make), "status 1");
  EXPECT_EQ(cache.get("a:presenting", make), "status 2");
  EXPECT_EQ(cache.get("a:presenting", make), "status 2");
  EXPECT_EQ(cache.get("", make), "status 3");  // the presenter left
  EXPECT_EQ(cache.made(), 3u);
}

}  // namespace
}  // namespace presentd::app

// SPDX-License-Identifier: Apache-2.0
// KeyframeRequestLimiter: viewers' requests as a script on a manual clock, with exactly what goes
// to each presenter and when.
#include "presentd/media/forward/keyframe_request_limiter.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <vector>

namespace presentd::media {
namespace {

using namespace std::chrono_literals;
using StreamId = KeyframeRequestLimiter::StreamId;

enum class Op { request, poll, keyframe, forget, advance_ms };

struct Step {
  Op op;
  StreamId stream = 0;           // request/keyframe/forget; advance: milliseconds
  std::vector<StreamId> sent{};  // request: {stream} if sent now, {} if suppressed; poll: due
};

struct Case {
  const char* name;
  std::vector<Step> steps;
  std::uint64_t sent = 0;
  std::uint64_t suppressed = 0;
};

Step request(StreamId s, bool sent) {
  return {Op::request, s, sent ? std::vector<StreamId>{s} : std::vector<StreamId>{}};
}
Step poll(std::vector<StreamId> due) { return {Op::poll, 0, std::move(due)}; }
Step advance(int ms) { return {Op::advance_ms, static_cast<StreamId>(ms)}; }

const std::vector<Case> kCases = {
    {"first_request_goes_out", {request(1, true)}, 1, 0},
    {"viewers_joining_together_cost_one",
     {request(1, true), request(1, false), advance(300), request(1, false), poll({})},
     1,
     2},
    {"kept_request_due_after_the_interval",
     {request(1, true), advance(500), request(1, false), advance(499), poll({}), advance(1), poll({1}), poll({})},
     2,
     1},
    {"keyframe_answers_the_kept_request",
     {request(1, true), advance(200), request(1, false), {Op::keyframe, 1}, advance(1000), poll({})},
     1,
     1},
    {"keyframe_before_a_request_answers_nothing_later",
     {{Op::keyframe, 1}, request(1, true), advance(100), {Op::keyframe, 1}, request(1, false), advance(900), poll({1})},
     2,
     1},
    {"streams_are_paced_apart", {request(1, true), request(2, true), request(1, false), request(2, false)}, 2, 2},
    {"one_second_later_sends_again", {request(1, true), advance(1000), request(1, true)}, 2, 0},
    {"forget_drops_pacing_and_kept_request",
     {request(1, true), request(1, false), {Op::forget, 1}, poll({}), request(1, true)},
     2,
     1},
};

// gtest names a failing case by its name, not its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class KeyframeRequestLimiterCases : public ::testing::TestWithParam<Case> {};

TEST_P(KeyframeRequestLimiterCases, AtMostOnePerSecondPerStream) {
  const Case& c = GetParam();
  ManualClock clock;
  KeyframeRequestLimiter limiter;
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    SCOPED_TRACE(::testing::Message() << "step " << i);
    const Step& step = c.steps[i];
    switch (step.op) {
      case Op::request: EXPECT_EQ(limiter.request(step.stream, clock.now()), !step.sent.empty()); break;
      case Op::poll: EXPECT_EQ(limiter.poll(clock.now()), step.sent); break;
      case Op::keyframe: limiter.on_keyframe(step.stream); break;
      case Op::forget: limiter.forget(step.stream); break;
      case Op::advance_ms: clock.advance(std::chrono::milliseconds{step.stream}); break;
    }
  }
  EXPECT_EQ(limiter.stats().requests_sent, c.sent);
  EXPECT_EQ(limiter.stats().requests_suppressed, c.suppressed);
}

INSTANTIATE_TEST_SUITE_P(Forward, KeyframeRequestLimiterCases, ::testing::ValuesIn(kCases),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(KeyframeRequestLimiter, PendingIsVisible) {
  ManualClock clock;
  KeyframeRequestLimiter limiter(KeyframeRequestLimiterConfig{.min_interval = 250ms});
  EXPECT_TRUE(limiter.request(7, clock.now()));
  EXPECT_FALSE(limiter.pending(7));
  EXPECT_FALSE(limiter.request(7, clock.now()));
  EXPECT_TRUE(limiter.pending(7));
  clock.advance(250ms);
  EXPECT_EQ(limiter.poll(clock.now()), std::vector<StreamId>{7});
  EXPECT_FALSE(limiter.pending(7));
}

}  // namespace
}  // namespace presentd::media

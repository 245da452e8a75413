// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/feedback/keyframe_requester.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace presentd::media {
namespace {

using namespace std::chrono_literals;

enum class Op { request, keyframe, advance_ms, poll };

struct Step {
  Op op;
  int value = 0;  // advance_ms: milliseconds; poll with fir: expected FIR sequence number
  KeyframeRequestKind expect = KeyframeRequestKind::none;
};

struct Case {
  const char* name;
  KeyframeRequesterConfig config;
  std::vector<Step> steps;
};

constexpr auto kNone = KeyframeRequestKind::none;
constexpr auto kPli = KeyframeRequestKind::pli;
constexpr auto kFir = KeyframeRequestKind::fir;
const Step kRequest{Op::request};
const Step kKeyframe{Op::keyframe};
Step advance(int ms) { return {Op::advance_ms, ms}; }
Step poll(KeyframeRequestKind kind, int fir_seq = 0) { return {Op::poll, fir_seq, kind}; }

const KeyframeRequesterConfig kPliAndFir{};
const KeyframeRequesterConfig kFirOnly{.pli_negotiated = false};

const std::vector<Case> kCases = {
    {"nothing_pending_nothing_sent", kPliAndFir, {poll(kNone), advance(1000), poll(kNone)}},
    {"pli_at_most_every_300ms",
     kPliAndFir,
     {kRequest, poll(kPli), kRequest, poll(kNone), advance(299), poll(kNone), advance(1), poll(kPli)}},
    {"repeats_until_keyframe_arrives",
     kPliAndFir,
     {kRequest, poll(kPli), advance(300), poll(kPli), advance(300), poll(kPli), kKeyframe, advance(300), poll(kNone)}},
    {"new_request_soon_after_an_answer_is_still_paced",
     kPliAndFir,
     {kRequest, poll(kPli), advance(100), kKeyframe, kRequest, poll(kNone), advance(199), poll(kNone), advance(1),
      poll(kPli)}},
    {"fir_when_pli_not_negotiated_increments",
     kFirOnly,
     {kRequest, poll(kFir, 0), advance(300), poll(kFir, 1), kKeyframe, kRequest, poll(kNone), advance(300),
      poll(kFir, 2)}},
    {"neither_negotiated_sends_nothing",
     {.pli_negotiated = false, .fir_negotiated = false},
     {kRequest, poll(kNone), advance(300), poll(kNone)}},
};

class KeyframeRequesterCases : public ::testing::TestWithParam<Case> {};

TEST_P(KeyframeRequesterCases, SendsExactlyTheExpectedRequests) {
  const Case& c = GetParam();
  ManualClock clock;
  KeyframeRequester requester(clock, c.config);
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    const Step& step = c.steps[i];
    switch (step.op) {
      case Op::request: requester.request(); break;
      case Op::keyframe: requester.on_keyframe(); break;
      case Op::advance_ms: clock.advance(std::chrono::milliseconds{step.value}); break;
      case Op::poll: {
        const KeyframeRequest sent = requester.poll();
        EXPECT_EQ(sent.kind, step.expect) << "step " << i;
        if (step.expect == kFir) {
          EXPECT_EQ(sent.fir_sequence_number, step.value) << "step " << i;
        }
        break;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Table, KeyframeRequesterCases, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param) { return param.param.name; });

TEST(KeyframeRequester, FirSequenceNumberWrapsModulo256) {
  ManualClock clock;
  KeyframeRequester requester(clock, {.pli_negotiated = false});
  requester.request();
  for (int i = 0; i < 258; ++i) {
    const KeyframeRequest sent = requester.poll();
    ASSERT_EQ(sent.kind, KeyframeRequestKind::fir);
    EXPECT_EQ(sent.fir_sequence_number, static_cast<std::uint8_t>(i));
    clock.advance(300ms);
  }
  EXPECT_EQ(requester.stats().firs_sent, 258u);
  EXPECT_EQ(requester.stats().plis_sent, 0u);
}

}  // namespace
}  // namespace presentd::media

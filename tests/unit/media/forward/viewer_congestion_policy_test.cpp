// SPDX-License-Identifier: Apache-2.0
// ViewerCongestionPolicy with its default knobs (pause: estimate < 50 % of the video's bitrate or
// loss > 10 % for 5 s; resume: loss <= 2 % for 5 s, doubled after a false start within 30 s; the
// estimate rule waits 15 s after a resume; REMB and transport-wide feedback stale after 3 s,
// report blocks after 8 s), as scripts of feedback, time and feedback ticks
// with the action each tick expects.
#include "presentd/media/forward/viewer_congestion_policy.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace presentd::media {
namespace {

using namespace std::chrono_literals;
using Action = CongestionAction;

constexpr std::uint64_t kVideoBps = 4'000'000;

enum class Op { remb_kbps, report, transport, wait_ms, tick };

struct Step {
  Op op;
  int a = 0;  // remb: kbit/s; report: the video block's fraction lost (1/256); transport: received
  int b = 0;  // report: the audio block's fraction lost; transport: lost
  Action expect = Action::none;
};

Step remb(int kbps) { return {Op::remb_kbps, kbps}; }
Step report(int video_lost_256ths, int audio_lost_256ths = 0) {
  return {Op::report, video_lost_256ths, audio_lost_256ths};
}
Step transport(int received, int lost) { return {Op::transport, received, lost}; }
Step wait(int ms) { return {Op::wait_ms, ms}; }
Step tick(Action expect = Action::none) { return {Op::tick, 0, 0, expect}; }

// `n` feedback ticks one second apart, each after `feedback`; every tick expects no action.
std::vector<Step> seconds(int n, const std::vector<Step>& feedback) {
  std::vector<Step> steps;
  for (int i = 0; i < n; ++i) {
    steps.insert(steps.end(), feedback.begin(), feedback.end());
    steps.push_back(tick());
    steps.push_back(wait(1000));
  }
  return steps;
}

std::vector<Step> repeat(int n, const std::vector<Step>& block) {
  std::vector<Step> steps;
  for (int i = 0; i < n; ++i) steps.insert(steps.end(), block.begin(), block.end());
  return steps;
}

struct Case {
  const char* name;
  std::vector<std::vector<Step>> parts;
  std::uint64_t pauses = 0;
  std::uint64_t resumes = 0;
  std::uint64_t video_bps = kVideoBps;
};

// 40/256 (15.6 %) lost from t = 0 s: paused at t = 5 s; the script goes on at t = 6 s.
const std::vector<Step> kPausedByLoss = [] {
  auto steps = seconds(5, {report(40)});
  steps.insert(steps.end(), {report(40), tick(Action::pause_video), wait(1000)});
  return steps;
}();
// Then 0 % from t = 6 s: resumed at t = 11 s; the script goes on at t = 12 s.
const std::vector<Step> kResumed = [] {
  auto steps = seconds(5, {report(0)});
  steps.insert(steps.end(), {report(0), tick(Action::resume_video), wait(1000)});
  return steps;
}();

const std::vector<Case> kCases = {
    {"estimate_below_half_for_5s_pauses", {seconds(5, {remb(1999)}), {remb(1999), tick(Action::pause_video)}}, 1},
    {"estimate_of_half_is_enough", {seconds(10, {remb(2000)})}},
    {"estimate_dips_shorter_than_5s_do_not_pause",
     {seconds(4, {remb(1000)}), seconds(1, {remb(2500)}), seconds(4, {remb(1000)}), {remb(1000), tick()}}},
    {"no_video_bitrate_no_estimate_rule", {seconds(10, {remb(100)})}, 0, 0, 0},
    {"stale_feedback_is_no_evidence", {{remb(100)}, seconds(10, {})}},
    {"loss_above_a_tenth_for_5s_pauses", {kPausedByLoss}, 1},
    {"loss_of_a_tenth_is_not_congestion", {seconds(10, {report(25)})}},  // 25/256 = 9.8 %
    {"the_worst_block_counts", {seconds(5, {report(0, 40)}), {report(0, 40), tick(Action::pause_video)}}, 1},
    // 20 % of each 100 ms feedback missing: the first 1 s window ends at t = 1 s, paused at 6 s.
    {"transport_feedback_loss_pauses",
     {repeat(60, {transport(8, 2), tick(), wait(100)}), {transport(8, 2), tick(Action::pause_video)}},
     1},
    {"transport_feedback_low_loss_does_not_pause", {repeat(100, {transport(19, 1), tick(), wait(100)})}},
    {"resume_after_5s_of_low_loss", {kPausedByLoss, kResumed}, 1, 1},
    {"loss_while_paused_delays_the_resume",
     {kPausedByLoss,
      seconds(3, {report(0)}),
      seconds(1, {report(10)}),  // 3.9 %: not recovered
      seconds(5, {report(0)}),
      {report(0), tick(Action::resume_video)}},
     1,
     1},
    // The last report (t = 5 s) holds its loss until t = 13 s; recovered from t = 14 s, resumed at 19 s.
    {"no_feedback_while_paused_resumes", {kPausedByLoss, seconds(13, {}), {tick(Action::resume_video)}}, 1, 1},
    // A receiver reporting every 5 s (RFC 3550's interval, GStreamer's rtpbin): its loss counts
    // between reports, so 15.6 % lost pauses at t = 5 s as with reports every second.
    {"reports_every_5s_keep_their_loss",
     {{report(40), tick(), wait(1000)}, seconds(4, {}), {report(40), tick(Action::pause_video)}},
     1},
    // The estimate cannot climb while only audio flows: the resume does not wait for it, and the
    // resumed video gives it 15 s to climb before it counts again (t = 11 s .. 26 s).
    {"low_estimate_while_paused_does_not_block_the_resume",
     {seconds(5, {remb(1000)}),
      {remb(1000), tick(Action::pause_video), wait(1000)},
      seconds(5, {remb(100)}),
      {remb(100), tick(Action::resume_video)},
      seconds(15, {remb(100)}),
      seconds(5, {remb(100)}),
      {remb(100), tick(Action::pause_video)}},
     2,
     1},
    {"loss_counts_at_once_after_a_resume",
     {kPausedByLoss, kResumed, seconds(5, {remb(100), report(40)}), {report(40), tick(Action::pause_video)}},
     2,
     1},
    {"pause_soon_after_a_resume_doubles_the_wait",
     {kPausedByLoss,
      kResumed,
      seconds(5, {report(40)}),
      {report(40), tick(Action::pause_video), wait(1000)},
      seconds(10, {report(0)}),
      {report(0), tick(Action::resume_video)}},
     2,
     2},
    {"back_off_starts_over_after_probation",
     {kPausedByLoss,
      kResumed,
      seconds(30, {report(0)}),
      seconds(5, {report(40)}),
      {report(40), tick(Action::pause_video), wait(1000)},
      kResumed},
     2,
     2},
};

// gtest names a failing case by its name, not its steps.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

void apply(ViewerCongestionPolicy& policy, const Step& step, ManualClock& clock, std::uint64_t video_bps) {
  switch (step.op) {
    case Op::remb_kbps: policy.on_remb({1, static_cast<std::uint64_t>(step.a) * 1000, {}}, clock.now()); return;
    case Op::report: {
      std::array<rtp::rtcp::ReportBlock, 2> blocks{};
      blocks[0].fraction_lost = static_cast<std::uint8_t>(step.a);
      blocks[1].fraction_lost = static_cast<std::uint8_t>(step.b);
      policy.on_report_blocks(blocks, clock.now());
      return;
    }
    case Op::transport: {
      rtp::rtcp::TransportFeedback feedback;
      for (int i = 0; i < step.a + step.b; ++i) {
        feedback.packets.push_back(
            {static_cast<std::uint16_t>(i), i < step.a ? std::optional<std::int64_t>{i * 250} : std::nullopt});
      }
      policy.on_transport_feedback(feedback, clock.now());
      return;
    }
    case Op::wait_ms: clock.advance(std::chrono::milliseconds{step.a}); return;
    case Op::tick: EXPECT_EQ(policy.update(clock.now(), video_bps), step.expect); return;
  }
}

class CongestionCases : public ::testing::TestWithParam<Case> {};

TEST_P(CongestionCases, PausesAndResumesWithHysteresis) {
  const Case& c = GetParam();
  ViewerCongestionPolicy policy;
  ManualClock clock;
  std::size_t index = 0;
  for (const auto& part : c.parts) {
    for (const Step& step : part) {
      SCOPED_TRACE(::testing::Message() << "step " << index++ << " at " << clock.now().time_since_epoch().count() / 1000
                                        << " ms");
      apply(policy, step, clock, c.video_bps);
    }
  }
  EXPECT_EQ(policy.stats().pauses, c.pauses);
  EXPECT_EQ(policy.stats().resumes, c.resumes);
  EXPECT_EQ(policy.paused(), c.pauses > c.resumes);
}

INSTANTIATE_TEST_SUITE_P(Forward, CongestionCases, ::testing::ValuesIn(kCases),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(ViewerCongestionPolicy, BackOffDoublesUpToItsCap) {
  ViewerCongestionPolicy policy;
  ManualClock clock;
  std::vector<Clock::Duration> waits;
  for (int round = 0; round < 6; ++round) {
    // Congested until paused, then clean until resumed: every pause falls within probation.
    while (!policy.paused()) {
      policy.on_report_blocks(std::array{rtp::rtcp::ReportBlock{.fraction_lost = 128}}, clock.now());
      (void)policy.update(clock.now(), kVideoBps);
      clock.advance(1s);
    }
    waits.push_back(policy.resume_after());
    while (policy.paused()) {
      policy.on_report_blocks(std::array{rtp::rtcp::ReportBlock{}}, clock.now());
      (void)policy.update(clock.now(), kVideoBps);
      clock.advance(1s);
    }
  }
  EXPECT_EQ(waits, (std::vector<Clock::Duration>{5s, 10s, 20s, 40s, 60s, 60s}));
}

TEST(ViewerCongestionPolicy, ReportsOnlyFreshEvidence) {
  ViewerCongestionPolicy policy;
  ManualClock clock;
  EXPECT_EQ(policy.estimate_bps(clock.now()), std::nullopt);
  EXPECT_EQ(policy.loss(clock.now()), std::nullopt);
  policy.on_remb({1, 1'500'000, {}}, clock.now());
  policy.on_report_blocks(std::array{rtp::rtcp::ReportBlock{.fraction_lost = 64}}, clock.now());
  EXPECT_EQ(policy.estimate_bps(clock.now()), 1'500'000u);
  EXPECT_EQ(policy.loss(clock.now()), 0.25);
  policy.on_report_blocks({}, clock.now());  // an empty report says nothing
  EXPECT_EQ(policy.loss(clock.now()), 0.25);
  clock.advance(3s);
  EXPECT_EQ(policy.estimate_bps(clock.now()), 1'500'000u);
  clock.advance(1ms);
  EXPECT_EQ(policy.estimate_bps(clock.now()), std::nullopt);
  // A report's loss holds until the next report is due (RFC 3550's 5 s, randomised to 7.5 s).
  EXPECT_EQ(policy.loss(clock.now()), 0.25);
  clock.advance(5s - 1ms);
  EXPECT_EQ(policy.loss(clock.now()), 0.25);
  clock.advance(1ms);
  EXPECT_EQ(policy.loss(clock.now()), std::nullopt);
}

}  // namespace
}  // namespace presentd::media

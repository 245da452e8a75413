// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/feedback/nack_requester.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace presentd::media {
namespace {

using namespace std::chrono_literals;

// A case is a script: packets arriving (by offset from a random start that puts the 16-bit wrap
// inside the script), time passing on a ManualClock, and ticks with the exact NACK list expected.
enum class Op { arrive, rtx, advance_ms, rtt_ms, clear_before, tick };

struct Step {
  Op op;
  int value = 0;
  std::vector<int> nacks = {};  // tick: expected offsets, oldest first
  bool keyframe = false;        // tick: expected keyframe request
};

struct Case {
  const char* name;
  std::vector<Step> steps;
  std::uint64_t recovered = 0;
  std::uint64_t reordered = 0;
  std::uint64_t given_up = 0;
};

std::vector<Step> arrive(std::initializer_list<int> offsets) {
  std::vector<Step> steps;
  for (int offset : offsets) steps.push_back({Op::arrive, offset});
  return steps;
}

Case make_case(const char* name, std::vector<std::vector<Step>> parts, std::uint64_t recovered = 0,
               std::uint64_t reordered = 0, std::uint64_t given_up = 0) {
  Case c{name, {}, recovered, reordered, given_up};
  for (auto& part : parts) c.steps.insert(c.steps.end(), part.begin(), part.end());
  return c;
}

Step tick(std::vector<int> nacks, bool keyframe = false) { return {Op::tick, 0, std::move(nacks), keyframe}; }
Step advance(int ms) { return {Op::advance_ms, ms}; }

std::vector<Step> ten_tries_every_20ms() {
  std::vector<Step> steps = {{Op::rtt_ms, 20}};
  for (const Step& s : arrive({0, 1, 3, 4})) steps.push_back(s);
  for (int i = 0; i < 10; ++i) {
    steps.push_back(tick({2}));
    steps.push_back(advance(20));
  }
  steps.push_back(tick({}, true));   // one RTT after the 10th try: given up
  steps.push_back({Op::arrive, 2});  // too late to count as recovered
  steps.push_back(advance(20));
  steps.push_back(tick({}));
  return steps;
}

const std::vector<Case> kCases = {
    make_case("known_loss_pattern",
              {arrive({0, 1, 2, 4, 5, 6, 9, 10, 11, 13, 14, 15}), {tick({3, 7, 8, 12}), advance(20), tick({})}}),
    make_case("duplicates_ignored", {arrive({0, 1, 1, 3, 3, 4, 4}), {tick({2})}}),
    make_case("rtt_spacing", {arrive({0, 1, 3, 4, 5}),
                              {tick({2}),
                               advance(20),
                               tick({}),
                               advance(20),
                               tick({}),
                               advance(20),
                               tick({}),
                               advance(20),
                               tick({}),
                               advance(20),
                               tick({2}),  // 100 ms: the default RTT
                               {Op::rtt_ms, 40},
                               advance(20),
                               tick({}),
                               advance(20),
                               tick({2})}}),
    make_case("ten_tries_then_keyframe", {ten_tries_every_20ms()}, 0, 0, 1),
    // 1, 3, 2: the tick between 3 and 2 must not NACK 2.
    make_case("reordered_by_one_not_nacked", {arrive({0, 1, 3}), {tick({}), {Op::arrive, 2}, advance(20), tick({})}}, 0,
              1),
    make_case("reorder_allowance_expires_by_time",
              {arrive({0, 1, 3}), {tick({}), advance(9), tick({}), advance(1), tick({2})}}),
    make_case("reorder_allowance_by_distance", {arrive({0, 1, 3, 4}), {tick({2})}}),
    make_case("recovered_by_rtx",
              {arrive({0, 1, 3, 4, 5, 7, 8, 9}), {tick({2, 6}), {Op::rtx, 2}, advance(100), tick({6})}}, 1),
    make_case("max_age_gives_up", {arrive({0, 1, 3, 4}), {tick({2}), advance(1001), tick({}, true)}}, 0, 0, 1),
    make_case("clear_before_forgets_quietly",
              {arrive({0, 2, 3, 5, 6}), {{Op::clear_before, 4}, tick({4}), {Op::arrive, 1}}}),
};

class NackCases : public ::testing::TestWithParam<Case> {};

TEST_P(NackCases, ExactRequestsAcrossTheWrap) {
  const Case& c = GetParam();
  int max_offset = 1;
  for (const Step& step : c.steps) {
    if (step.op == Op::arrive || step.op == Op::rtx) max_offset = std::max(max_offset, step.value);
  }
  for (unsigned seed = 1; seed <= 16; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    std::mt19937 rng(seed);
    const auto before_wrap = static_cast<int>(rng() % static_cast<unsigned>(max_offset));
    const auto start = static_cast<std::uint16_t>(0x10000 - 1 - before_wrap);
    ManualClock clock;
    NackRequester nack(clock);
    for (std::size_t i = 0; i < c.steps.size(); ++i) {
      const Step& step = c.steps[i];
      const auto seq = static_cast<std::uint16_t>(start + step.value);
      switch (step.op) {
        case Op::arrive: nack.on_packet(seq); break;
        case Op::rtx: nack.on_packet(seq, true); break;
        case Op::advance_ms: clock.advance(std::chrono::milliseconds{step.value}); break;
        case Op::rtt_ms: nack.set_rtt(std::chrono::milliseconds{step.value}); break;
        case Op::clear_before: nack.clear_before(seq); break;
        case Op::tick: {
          const NackBatch batch = nack.on_tick();
          std::vector<std::uint16_t> expected;
          for (int offset : step.nacks) expected.push_back(static_cast<std::uint16_t>(start + offset));
          EXPECT_EQ(batch.sequence_numbers, expected) << "step " << i;
          EXPECT_EQ(batch.keyframe_needed, step.keyframe) << "step " << i;
          break;
        }
      }
    }
    EXPECT_EQ(nack.stats().packets_recovered, c.recovered);
    EXPECT_EQ(nack.stats().packets_reordered, c.reordered);
    EXPECT_EQ(nack.stats().packets_given_up, c.given_up);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, NackCases, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param) { return param.param.name; });

TEST(NackRequester, ListStaysBoundedAndOverflowAsksForKeyframe) {
  ManualClock clock;
  NackRequester nack(clock, {.max_list_size = 10});
  nack.on_packet(65530);
  nack.on_packet(2);  // 65531..1: 7 missing
  EXPECT_EQ(nack.missing_count(), 7u);
  nack.on_packet(8);  // 3..7: 5 more, the 2 oldest are pushed out
  EXPECT_EQ(nack.missing_count(), 10u);
  clock.advance(10ms);  // past the reorder window, so 7 (just one behind 8) is requested too
  NackBatch batch = nack.on_tick();
  EXPECT_TRUE(batch.keyframe_needed);
  ASSERT_EQ(batch.sequence_numbers.size(), 10u);
  EXPECT_EQ(batch.sequence_numbers.front(), 65533);
  EXPECT_EQ(batch.sequence_numbers.back(), 7);
  EXPECT_EQ(nack.stats().packets_given_up, 2u);

  nack.on_packet(20);  // 9..19: a gap of 11 exceeds the list on its own
  EXPECT_EQ(nack.missing_count(), 0u);
  EXPECT_TRUE(nack.on_tick().keyframe_needed);
  EXPECT_EQ(nack.stats().packets_given_up, 12u);
}

TEST(NackRequester, HolesBeyondTheBufferSpanAreDropped) {
  ManualClock clock;
  NackRequester nack(clock, {.max_sequence_age = 100});
  nack.on_packet(65500);
  nack.on_packet(65502);  // 65501 missing
  nack.on_packet(64);     // 65501 is now 99 behind: kept, along with 65503..63
  EXPECT_EQ(nack.missing_count(), 1u + 97u);
  nack.on_packet(65);  // 100 behind: kept
  nack.on_packet(66);  // 101 behind: dropped
  EXPECT_EQ(nack.missing_count(), 97u);
  EXPECT_TRUE(nack.on_tick().keyframe_needed);
}

TEST(NackRequester, FirstRequestAtTheNextTickForAClearLoss) {
  ManualClock clock;
  NackRequester nack(clock);
  for (std::uint16_t seq : {65534, 65535, 1, 2}) nack.on_packet(seq);
  const NackBatch batch = nack.on_tick();
  EXPECT_EQ(batch.sequence_numbers, (std::vector<std::uint16_t>{0}));
  EXPECT_FALSE(batch.keyframe_needed);
  EXPECT_EQ(nack.stats().requests_sent, 1u);
}

}  // namespace
}  // namespace presentd::media

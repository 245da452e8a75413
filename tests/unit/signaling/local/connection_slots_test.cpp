// SPDX-License-Identifier: Apache-2.0
// Connection slots: a per-source cap, slots kept for sources that hold none, and the longest
// idle connection making room at the cap.
#include "presentd/signaling/local/connection_slots.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace presentd::signaling {
namespace {
using Verdict = ConnectionSlots::Verdict;

std::vector<ConnectionSlots::Id> fill(ConnectionSlots& slots, const std::string& key, std::size_t count) {
  std::vector<ConnectionSlots::Id> ids;
  for (std::size_t i = 0; i < count; ++i) {
    const auto admission = slots.admit(key);
    EXPECT_EQ(admission.verdict, Verdict::admitted) << key << " #" << i;
    EXPECT_FALSE(admission.evicted);
    ids.push_back(admission.id);
  }
  return ids;
}

TEST(ConnectionSlots, TheDefaultsKeepEightOfOneHundredTwentyEightForNewSourcesAndSixteenPerSource) {
  ConnectionSlots slots;
  EXPECT_EQ(slots.max_total(), 128u);
  EXPECT_EQ(slots.reserved(), 8u);
  EXPECT_EQ(slots.max_per_address(), 16u);
  // A per-source cap above what a source may ever hold is brought down to it.
  ConnectionSlots small({8, 16});
  EXPECT_EQ(small.reserved(), 2u);
  EXPECT_EQ(small.max_per_address(), 6u);
}

TEST(ConnectionSlots, OneSourceHoldsAtMostItsCapAndOthersStillGetIn) {
  ConnectionSlots slots({128, 16});
  fill(slots, "192.0.2.66", 16);
  // Busy connections (handshakes, trickled headers): the 17th and every later one is refused.
  for (int i = 0; i < 300; ++i) EXPECT_EQ(slots.admit("192.0.2.66").verdict, Verdict::refused_per_address);
  EXPECT_EQ(slots.held_by("192.0.2.66"), 16u);
  EXPECT_EQ(slots.admit("192.0.2.7").verdict, Verdict::admitted);
  EXPECT_EQ(slots.total(), 17u);
}

TEST(ConnectionSlots, AtItsCapASourceReusesItsOwnLongestIdleConnectionNeverAnothers) {
  ConnectionSlots slots({128, 4});
  const auto other = fill(slots, "192.0.2.7", 1);
  slots.set_idle(other[0], true);
  const auto own = fill(slots, "192.0.2.66", 4);
  EXPECT_EQ(slots.admit("192.0.2.66").verdict, Verdict::refused_per_address);  // none of its own idle
  slots.set_idle(own[2], true);
  slots.set_idle(own[1], true);  // idle since later than own[2]
  const auto admission = slots.admit("192.0.2.66");
  EXPECT_EQ(admission.verdict, Verdict::admitted);
  EXPECT_EQ(admission.evicted, own[2]);
  EXPECT_EQ(slots.held_by("192.0.2.66"), 4u);
  EXPECT_EQ(slots.held_by("192.0.2.7"), 1u);
  slots.release(own[2]);  // the evicted connection reports its end later: already accounted for
  EXPECT_EQ(slots.held_by("192.0.2.66"), 4u);
}

TEST(ConnectionSlots, SlotsKeptForSourcesHoldingNoneLetTheNextPresenterIn) {
  // 32 slots, 2 kept: fifteen sources each trickling two requests (none idle) take the other 30.
  ConnectionSlots slots({32, 3});
  for (int source = 0; source < 15; ++source) fill(slots, "198.51.100." + std::to_string(source), 2);
  EXPECT_EQ(slots.total(), 30u);
  // A source that already holds one may not take a kept slot, even below its own cap.
  EXPECT_EQ(slots.admit("198.51.100.0").verdict, Verdict::refused_full);
  // Two newcomers get the kept slots; a third finds everything taken and nothing idle.
  EXPECT_EQ(slots.admit("192.0.2.7").verdict, Verdict::admitted);
  EXPECT_EQ(slots.admit("192.0.2.8").verdict, Verdict::admitted);
  EXPECT_EQ(slots.admit("192.0.2.9").verdict, Verdict::refused_full);
  EXPECT_EQ(slots.total(), 32u);
}

TEST(ConnectionSlots, AtTheCapTheConnectionIdleLongestMakesRoom) {
  ConnectionSlots slots({8, 8});  // 6 usable by sources that hold one, 2 kept
  const auto a = fill(slots, "192.0.2.1", 3);
  const auto b = fill(slots, "192.0.2.2", 3);
  slots.set_idle(b[1], true);
  slots.set_idle(a[0], true);
  slots.set_idle(a[0], false);  // it got a request: busy again
  slots.set_idle(a[0], true);   // idle again, since after b[1]
  auto admission = slots.admit("192.0.2.1");
  EXPECT_EQ(admission.verdict, Verdict::admitted);
  EXPECT_EQ(admission.evicted, b[1]);
  EXPECT_EQ(slots.total(), 6u);
  admission = slots.admit("192.0.2.2");
  EXPECT_EQ(admission.evicted, a[0]);
  // Nothing idle any more: a source holding some is refused; a new one gets a kept slot.
  EXPECT_EQ(slots.admit("192.0.2.2").verdict, Verdict::refused_full);
  EXPECT_EQ(slots.admit("192.0.2.3").verdict, Verdict::admitted);
  EXPECT_EQ(slots.admit("192.0.2.4").verdict, Verdict::admitted);
  EXPECT_EQ(slots.admit("192.0.2.5").verdict, Verdict::refused_full);
}

TEST(ConnectionSlots, ReleasedSlotsAreFreeAgain) {
  ConnectionSlots slots({8, 2});
  const auto ids = fill(slots, "192.0.2.1", 2);
  EXPECT_EQ(slots.admit("192.0.2.1").verdict, Verdict::refused_per_address);
  slots.release(ids[0]);
  slots.release(ids[0]);  // twice is harmless
  EXPECT_EQ(slots.held_by("192.0.2.1"), 1u);
  EXPECT_EQ(slots.admit("192.0.2.1").verdict, Verdict::admitted);
}

// What presentd_https_connections{state="idle"} shows: connections waiting for a request.
TEST(ConnectionSlots, CountsTheIdleOnes) {
  ConnectionSlots slots({8, 4});
  const auto ids = fill(slots, "192.0.2.1", 3);
  EXPECT_EQ(slots.idle(), 0u);  // a new connection is busy (its handshake) until it waits
  slots.set_idle(ids[0], true);
  slots.set_idle(ids[1], true);
  slots.set_idle(ids[1], true);  // still one connection
  EXPECT_EQ(slots.idle(), 2u);
  slots.set_idle(ids[0], false);
  slots.release(ids[1]);
  EXPECT_EQ(slots.idle(), 0u);
  EXPECT_EQ(slots.total(), 2u);
}

}  // namespace
}  // namespace presentd::signaling

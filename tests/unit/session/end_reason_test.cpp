// One vocabulary of end reasons: every EndReason has its own code, and the list metrics pre-create
// series from is exactly the set of codes (a new reason that is not listed would start its
// series only at its first end, and rate() would miss the first one).
#include "session/end_reason.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace presentd::session {
namespace {

constexpr EndReason kAll[] = {
    EndReason::stopped,   EndReason::replaced,        EndReason::removed, EndReason::declined,     EndReason::timeout,
    EndReason::room_full, EndReason::connection_lost, EndReason::error,   EndReason::ended_at_box, EndReason::shutdown};

TEST(EndReason, EveryReasonHasItsOwnCodeAndEveryCodeIsPreCreated) {
  std::set<std::string_view> codes;
  for (const auto reason : kAll) {
    const auto code = to_code(reason);
    EXPECT_TRUE(codes.insert(code).second) << "two reasons share " << code;
    EXPECT_NE(std::find(std::begin(kEndReasonCodes), std::end(kEndReasonCodes), code), std::end(kEndReasonCodes))
        << code;
  }
  EXPECT_EQ(codes.size(), std::size(kEndReasonCodes));
}

TEST(EndReason, CodesAreThePagesVocabulary) {
  // web/app.js and docs/protocol.md ("Event channel") use these exact strings.
  EXPECT_EQ(to_code(EndReason::replaced), "replaced");
  EXPECT_EQ(to_code(EndReason::connection_lost), "connection_lost");
  EXPECT_EQ(to_code(EndReason::ended_at_box), "ended_at_box");
  EXPECT_EQ(to_code(EndReason::room_full), "room_full");
}

}  // namespace
}  // namespace presentd::session

// The reason codes metric labels carry, from the sentences sessions end with (the exact strings
// Session and SessionManager use, so a reworded reason shows up here).
#include "session/end_reason.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace presentd::session {
namespace {

TEST(EndReason, MapsTheSentencesSessionsEndWith) {
  const std::pair<const char*, const char*> cases[] = {
      {"stopped by the presenter", "stopped"},
      {"replaced by another presenter", "replaced"},
      {"removed by an admin", "removed"},
      {"declined by the presenter", "declined"},
      {"the display is shutting down", "shutdown"},
      {"ended from the box's keyboard", "ended_at_box"},
      {"the sender closed the connection", "sender_closed"},
      {"no media or ICE traffic for 10 s", "timeout"},
      {"ICE failed: no network path to the sender", "ice_failed"},
      {"DTLS failed: the certificate does not match a=fingerprint", "dtls_failed"},
      {"no usable network address or port for media", "no_answer"},
      {"something new", "error"},
      {"", "error"},
  };
  for (const auto& [sentence, code] : cases) EXPECT_EQ(end_reason_code(sentence), code) << sentence;
}

TEST(EndReason, EveryCodeIsListedForPreCreatedSeries) {
  for (const auto* sentence : {"stopped", "replaced", "removed", "declined", "the display is shutting down",
                               "ended from the box", "the sender closed", "no media or ICE traffic", "ICE failed",
                               "DTLS failed", "no usable network address", "?"}) {
    const auto code = end_reason_code(sentence);
    EXPECT_NE(std::find(std::begin(kEndReasonCodes), std::end(kEndReasonCodes), code), std::end(kEndReasonCodes))
        << code;
  }
}

}  // namespace
}  // namespace presentd::session

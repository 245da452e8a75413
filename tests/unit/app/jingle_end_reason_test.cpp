// SPDX-License-Identifier: Apache-2.0
// What a remote presenter is told for each way the box ends its session (XEP-0166 §7.4 reason
// conditions), and that the presenter is never told "success" for an end it did not choose.
#include "app/jingle_end_reason.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace presentd::app {
namespace {

using session::EndReason;

TEST(JingleEndReason, MapsEveryEndReasonOntoAXep0166Condition) {
  const std::pair<EndReason, std::string_view> cases[] = {
      {EndReason::stopped, "success"},
      {EndReason::ended_at_box, "success"},
      {EndReason::replaced, "busy"},
      {EndReason::room_full, "busy"},
      {EndReason::removed, "decline"},
      {EndReason::declined, "decline"},
      {EndReason::timeout, "timeout"},
      {EndReason::ice_failed, "connectivity-error"},
      {EndReason::dtls_failed, "security-error"},
      {EndReason::connection_lost, "timeout"},
      {EndReason::error, "general-error"},
      {EndReason::shutdown, "gone"},
  };
  // XEP-0166 §7.4: the conditions a <reason/> may carry.
  const std::set<std::string_view> xep0166 = {"alternative-session",
                                              "busy",
                                              "cancel",
                                              "connectivity-error",
                                              "decline",
                                              "expired",
                                              "failed-application",
                                              "failed-transport",
                                              "general-error",
                                              "gone",
                                              "incompatible-parameters",
                                              "media-error",
                                              "security-error",
                                              "success",
                                              "timeout",
                                              "unsupported-applications",
                                              "unsupported-transports"};
  for (const auto& [reason, condition] : cases) {
    const auto end = jingle_end_for(reason);
    EXPECT_EQ(end.condition, condition) << session::to_code(reason);
    EXPECT_TRUE(xep0166.contains(end.condition)) << end.condition;
    EXPECT_FALSE(end.text.empty()) << session::to_code(reason);
  }
  EXPECT_EQ(std::size(cases), std::size(session::kEndReasonCodes));  // a new reason needs a row here
}

TEST(JingleEndReason, OnlyNormalEndsAreSuccess) {
  for (const auto reason : {EndReason::replaced, EndReason::room_full, EndReason::removed, EndReason::declined,
                            EndReason::timeout, EndReason::ice_failed, EndReason::dtls_failed,
                            EndReason::connection_lost, EndReason::error, EndReason::shutdown}) {
    EXPECT_NE(jingle_end_for(reason).condition, "success") << session::to_code(reason);
  }
}

TEST(JingleEndReason, TransportFailuresAreToldApart) {
  // A presenter's client (and whoever reads its logs) can tell "no path", "not verified" and
  // "path lost" apart; a failed DTLS verification is never dressed up as a network problem.
  const auto ice = jingle_end_for(EndReason::ice_failed);
  const auto dtls = jingle_end_for(EndReason::dtls_failed);
  const auto lost = jingle_end_for(EndReason::connection_lost);
  EXPECT_NE(ice.condition, dtls.condition);
  EXPECT_NE(ice.condition, lost.condition);
  EXPECT_NE(dtls.condition, lost.condition);
  EXPECT_NE(dtls.condition, "general-error");
  EXPECT_NE(ice.text, lost.text);
}

}  // namespace
}  // namespace presentd::app

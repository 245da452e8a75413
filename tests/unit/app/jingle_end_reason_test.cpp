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
      {EndReason::stopped, "success"}, {EndReason::ended_at_box, "success"},    {EndReason::replaced, "busy"},
      {EndReason::room_full, "busy"},  {EndReason::removed, "decline"},         {EndReason::declined, "decline"},
      {EndReason::timeout, "timeout"}, {EndReason::connection_lost, "timeout"}, {EndReason::error, "general-error"},
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
                            EndReason::timeout, EndReason::connection_lost, EndReason::error, EndReason::shutdown}) {
    EXPECT_NE(jingle_end_for(reason).condition, "success") << session::to_code(reason);
  }
}

}  // namespace
}  // namespace presentd::app

// SPDX-License-Identifier: Apache-2.0
// The XEP-0166 reason each refusal of the session core gives a remote presenter.
#include "signaling/jingle/jingle_refusal.hpp"

#include <gtest/gtest.h>

namespace presentd::signaling::jingle {
namespace {

using Kind = session::Refusal::Kind;
using Code = sdp::ErrorCode;

TEST(JingleRefusal, EveryRefusalHasAReasonThePresentersClientUnderstands) {
  const struct {
    session::Refusal refusal;
    std::string_view reason;
  } cases[] = {
      {{Kind::bad_offer, "m", Code::malformed_line}, "failed-application"},
      {{Kind::bad_offer, "m", Code::missing_field}, "failed-application"},
      {{Kind::bad_offer, "m", Code::no_common_codec}, "incompatible-parameters"},
      {{Kind::bad_offer, "m", Code::unsupported_offer}, "incompatible-parameters"},
      {{Kind::room_full, "m"}, "busy"},
      {{Kind::waiting_list_full, "m"}, "busy"},
      {{Kind::source_waiting_full, "m"}, "busy"},
      {{Kind::unavailable, "m"}, "busy"},
      {{Kind::internal, "m"}, "general-error"},
      {{Kind::no_such_session, "m"}, "general-error"},
      {{Kind::bad_fragment, "m"}, "failed-transport"},
      {{Kind::too_many_candidates, "m"}, "failed-transport"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.refusal.kind));
    EXPECT_EQ(jingle_reason_for(c.refusal), c.reason);
  }
}

}  // namespace
}  // namespace presentd::signaling::jingle

// SPDX-License-Identifier: Apache-2.0
#include "signaling/jingle/jingle_refusal.hpp"

namespace presentd::signaling::jingle {

std::string_view jingle_reason_for(const session::Refusal& refusal) {
  using Kind = session::Refusal::Kind;
  switch (refusal.kind) {
    case Kind::bad_offer:
      switch (refusal.sdp_code) {
        // Well formed, but asks for what the box does not do (a transport, a direction) or offers
        // no codec it decodes: the application is right, its parameters are not.
        case sdp::ErrorCode::unsupported_offer:
        case sdp::ErrorCode::no_common_codec: return "incompatible-parameters";
        default: return "failed-application";
      }
    // The room cannot take them now; asking again later may work.
    case Kind::room_full:
    case Kind::waiting_list_full:
    case Kind::source_waiting_full:
    case Kind::unavailable: return "busy";
    case Kind::bad_fragment:
    case Kind::too_many_candidates: return "failed-transport";
    case Kind::no_such_session:
    case Kind::internal: return "general-error";
  }
  return "general-error";
}

}  // namespace presentd::signaling::jingle

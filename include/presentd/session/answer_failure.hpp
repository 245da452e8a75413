// SPDX-License-Identifier: Apache-2.0
#pragma once
// Why a session (a presenter's or a viewer's) gave no answer to its offer, and the one mapping
// of that onto the core's Refusal, which every signaling adapter already turns into its own
// protocol's answer (session_port.hpp).
#include <functional>
#include <optional>
#include <string>

#include "presentd/sdp/sdp_error.hpp"
#include "presentd/sdp/session_description.hpp"
#include "presentd/session/session_port.hpp"

namespace presentd::session {

struct AnswerFailure {
  enum class Kind {
    offer,       // the answer builder refused the offer: `sdp_code` says why
    no_network,  // ICE could not open a socket (no address, the port range exhausted)
    ended,       // the session ended before it answered (replaced, shut down)
    internal,    // a layer threw while setting the session up (a defect: logged and counted)
  } kind = Kind::offer;
  sdp::ErrorCode sdp_code = sdp::ErrorCode::unsupported_offer;
  std::string message;
};

using AnswerCallback = std::function<void(std::optional<sdp::SessionDescription> answer, AnswerFailure failure)>;

// What an offer a session could not answer is refused as.
Refusal answer_refusal(const AnswerFailure& failure);

}  // namespace presentd::session

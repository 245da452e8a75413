// SPDX-License-Identifier: Apache-2.0
#pragma once
// Jingle's 'senders' (XEP-0166 §7.2: who sends media on a content) ↔ SDP's direction, which is
// written from the point of view of whoever wrote the description: in the initiator's offer
// "sendonly" means senders='initiator', in the responder's answer "sendonly" means
// senders='responder'. XEP-0294 uses the same values for header extensions.
// Thread: none; pure functions.
#include <optional>
#include <string_view>

#include "presentd/sdp/session_description.hpp"

namespace presentd::signaling::jingle {

// Who wrote the description being mapped.
enum class Party { initiator, responder };

std::string_view senders_for(sdp::Direction direction, Party writer);
// nullopt: not one of both/initiator/responder/none.
std::optional<sdp::Direction> direction_for(std::string_view senders, Party writer);

}  // namespace presentd::signaling::jingle

// SPDX-License-Identifier: Apache-2.0
#pragma once
// The XEP-0166 §7.4 reason a remote presenter's session-terminate carries when the session core
// refuses its offer (WHIP maps the same refusals onto HTTP: app/whip_session_adapter.hpp).
// Thread: none; a pure function.
#include <string_view>

#include "presentd/session/session_port.hpp"

namespace presentd::signaling::jingle {

[[nodiscard]] std::string_view jingle_reason_for(const session::Refusal& refusal);

}  // namespace presentd::signaling::jingle

// SPDX-License-Identifier: Apache-2.0
#pragma once
// How a session's stages run the handlers they start on their own (timers, posted work): inside
// the session's error boundary, so an exception there ends that one session (logged and counted
// in presentd_internal_errors_total) and never reaches the event loop's.
#include <functional>
#include <string_view>

namespace presentd::session {

// `running` names the work for the log ("a DTLS retransmission").
using Contain = std::function<void(std::string_view running, const std::function<void()>& work)>;

}  // namespace presentd::session

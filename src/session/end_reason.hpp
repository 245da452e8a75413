#pragma once
// A short, stable code for why a session ended ("stopped", "replaced", "ice_failed"...), for
// metric labels: the reasons sessions carry are sentences for people and logs, and a label
// must take few values.
//
// Thread: any (pure function).
#include <string_view>

namespace presentd::session {

// Every code this can return, for pre-creating metric series (so rates start from 0).
inline constexpr std::string_view kEndReasonCodes[] = {"stopped",     "replaced",    "removed",    "declined",
                                                       "shutdown",    "ended_at_box", "sender_closed", "timeout",
                                                       "ice_failed",  "dtls_failed", "no_answer",  "error"};

[[nodiscard]] std::string_view end_reason_code(std::string_view reason);

}  // namespace presentd::session

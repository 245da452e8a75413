// SPDX-License-Identifier: Apache-2.0
#pragma once
// Why a presenter's session ended: one vocabulary for the event channel and the page
// (docs/protocol.md, "Event channel"), the metrics' `reason` label and, mapped onto XEP-0166
// reasons (app/jingle_end_reason.hpp), what a remote presenter is told. The readable sentence a
// session also carries is for logs only; nothing parses it.
//
// Thread: any (pure functions).
#include <string_view>

namespace presentd::session {

enum class EndReason {
  stopped,          // the presenter stopped (WHIP DELETE, or DTLS close_notify from the sender)
  replaced,         // the room was full and a newcomer took the place (when_full "replace")
  removed,          // an admin removed the presenter
  declined,         // admission "approve": a current presenter said no
  timeout,          // admission "approve": nobody answered in time
  room_full,        // approved, but the room had filled up meanwhile (when_full "refuse")
  ice_failed,       // ICE never connected: no network path to the sender (firewall, NAT, wrong address)
  dtls_failed,      // the DTLS handshake failed or the sender's certificate did not match its fingerprint
  connection_lost,  // ICE had connected, then failed, or no packets for too long
  error,            // anything else (an offer that cannot be answered, no port for media, ...)
  ended_at_box,     // Esc/Del on the box's keyboard
  shutdown,         // the daemon is stopping
};

constexpr std::string_view to_code(EndReason reason) {
  switch (reason) {
    case EndReason::stopped: return "stopped";
    case EndReason::replaced: return "replaced";
    case EndReason::removed: return "removed";
    case EndReason::declined: return "declined";
    case EndReason::timeout: return "timeout";
    case EndReason::room_full: return "room_full";
    case EndReason::ice_failed: return "ice_failed";
    case EndReason::dtls_failed: return "dtls_failed";
    case EndReason::connection_lost: return "connection_lost";
    case EndReason::error: return "error";
    case EndReason::ended_at_box: return "ended_at_box";
    case EndReason::shutdown: return "shutdown";
  }
  return "error";
}

// Every code to_code returns, for pre-creating metric series (so rates start from 0).
inline constexpr std::string_view kEndReasonCodes[] = {"stopped",         "replaced",  "removed",      "declined",
                                                       "timeout",         "room_full", "ice_failed",   "dtls_failed",
                                                       "connection_lost", "error",     "ended_at_box", "shutdown"};

}  // namespace presentd::session

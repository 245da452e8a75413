// SPDX-License-Identifier: Apache-2.0
#include "app/jingle_end_reason.hpp"

namespace presentd::app {

JingleEnd jingle_end_for(session::EndReason reason) {
  using session::EndReason;
  switch (reason) {
    case EndReason::stopped: return {"success", "the presentation ended"};
    case EndReason::ended_at_box: return {"success", "the presentation was ended at the display"};
    case EndReason::replaced: return {"busy", "another presenter took your place"};
    case EndReason::room_full: return {"busy", "the room filled up while you waited"};
    case EndReason::removed: return {"decline", "removed by the room's administrator"};
    case EndReason::declined: return {"decline", "a presenter in the room declined"};
    case EndReason::timeout: return {"timeout", "nobody in the room approved in time"};
    case EndReason::ice_failed: return {"connectivity-error", "no network path to the display could be found"};
    case EndReason::dtls_failed:
      return {"security-error", "the secure connection to the display could not be verified"};
    case EndReason::connection_lost: return {"timeout", "the connection to the display was lost"};
    case EndReason::error: return {"general-error", "the display could not keep the session"};
    case EndReason::shutdown: return {"gone", "the display is shutting down"};
  }
  return {"general-error", "the session ended"};
}

}  // namespace presentd::app

// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a remote presenter is told when the box ends its session: the session's EndReason mapped
// onto a XEP-0166 §7.4 reason condition, with a short text for people (the presenter's client
// may show it). One table, so the page, the metrics and Jingle all speak of the same ends.
//
//   EndReason        condition           why this one
//   stopped          success             the sender closed DTLS: a normal end
//   ended_at_box     success             someone at the room ended it: a normal end
//   replaced         busy                the room is full and a newcomer took the place
//   room_full        busy                approved, but the room filled up meanwhile
//   removed          decline             an admin removed the presenter: the room says no
//   declined         decline             a presenter on screen said no (approve mode)
//   timeout          timeout             nobody approved in time
//   ice_failed       connectivity-error  ICE never connected: the two ends have no path between them
//   dtls_failed      security-error      the handshake failed or the certificate did not match the
//                                        fingerprint signalled in Jingle (XEP-0320): ICE worked, so
//                                        it is not a transport problem; failed-transport would
//                                        invite a retry over another transport and hide what may
//                                        be an attack on the media path
//   connection_lost  timeout             ICE had connected, then failed or no packets for too long
//   error            general-error       anything else (the answer failed, no port for media)
//   shutdown         gone                the box is going away
//
// Thread: none; pure function.
#include <string_view>

#include "presentd/session/end_reason.hpp"

namespace presentd::app {

struct JingleEnd {
  std::string_view condition;  // XEP-0166 <reason/> child element name
  std::string_view text;       // for the presenter's screen; never a secret
};

[[nodiscard]] JingleEnd jingle_end_for(session::EndReason reason);

}  // namespace presentd::app

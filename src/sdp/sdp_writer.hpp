// SPDX-License-Identifier: Apache-2.0
#pragma once
// Prints a SessionDescription as SDP text with CRLF line ends (RFC 8866 §5), in the order JSEP
// (RFC 8829 §5.2/§5.3) writes it. Per payload type it writes rtpmap, then rtcp-fb, then fmtp, so
// parse_sdp(write_sdp(d)) == d for any description built in that order (the answer builder does);
// wildcard ("*") rtcp-fb lines follow the last payload type.
// Thread: none; a pure function.
#include <string>

#include "sdp/session_description.hpp"

namespace presentd::sdp {

[[nodiscard]] std::string write_sdp(const SessionDescription& description);

}  // namespace presentd::sdp

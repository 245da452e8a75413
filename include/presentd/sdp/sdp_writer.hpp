// SPDX-License-Identifier: Apache-2.0
#pragma once
// Prints a SessionDescription as SDP text with CRLF line ends (RFC 8866 §5), in the order JSEP
// (RFC 8829 §5.2/§5.3) writes it. Per payload type it writes rtpmap, then rtcp-fb, then fmtp, so
// parse_sdp(write_sdp(d)) == d for any description built in that order (the answer builder does);
// wildcard ("*") rtcp-fb lines follow the last payload type.
// Thread: none; a pure function.
#include <optional>
#include <string>

#include "presentd/sdp/sdp_error.hpp"
#include "presentd/sdp/session_description.hpp"

namespace presentd::sdp {

[[nodiscard]] std::string write_sdp(const SessionDescription& description);

// A description that did not come from SDP text (a Jingle offer) must still fit the limits the
// parser puts on text (body size, line count, line length: sdp_lines.hpp), so no signaling path
// hands the session core more than WHIP could. nullopt: it fits; else the parser's own error.
[[nodiscard]] std::optional<Error> check_text_limits(const SessionDescription& description);

}  // namespace presentd::sdp

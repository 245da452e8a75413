// SPDX-License-Identifier: Apache-2.0
#pragma once
// Jingle → SDP: the inverse of sdp_to_jingle.hpp (the element layout is drawn there). Turns the
// <jingle/> of a session-initiate into the offer model the session core takes (the same model
// WHIP's parser makes of text, within the same limits), the <jingle/> of a session-accept back
// into an answer for the sender's WebRTC stack, and a transport-info into the trickle fragment
// model of a WHIP PATCH (session::SessionPort::patch_session).
//
// Everything from the stanza that ends up in SDP text is checked first: tokens without spaces or
// controls, numbers in range, lists bounded like the SDP parser bounds them. A stanza cannot
// inject SDP lines (a ufrag "x\r\na=fingerprint:…" is refused), so write_sdp() of the result is
// exactly what the mapper built. Contents whose description is not RTP (file transfer, data
// channels) are skipped; a stanza with no RTP content at all is an error.
// Thread: none; pure functions.
#include <string>

#include "presentd/sdp/sdp_error.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/sdp/session_description.hpp"
#include "presentd/xml/element_parser.hpp"
#include "signaling/jingle/jingle_senders.hpp"

namespace presentd::signaling::jingle {

constexpr std::size_t kMaxParametersPerPayload = 32;

struct JingleToSdpOptions {
  Party writer = Party::initiator;  // who sent the <jingle/>: sets what 'senders' means
  // For a session-accept: the offer it answers. m-lines then follow the offer's order and every
  // offered m-line the accept leaves out is rejected (port 0), as RFC 3264 §6 needs.
  const sdp::SessionDescription* offer = nullptr;
};

[[nodiscard]] sdp::Result<sdp::SessionDescription> jingle_to_sdp(const xml::Element& jingle,
                                                                 const JingleToSdpOptions& options = {});

// One checked candidate of a <transport/>.
[[nodiscard]] sdp::Result<sdp::Candidate> candidate_from_jingle(const xml::Element& candidate);

// transport-info (XEP-0176 §5) → the trickle fragment a WHIP PATCH's sdpfrag parses into: one
// m-line (mid) per content, the first credentials found, every candidate under its content.
[[nodiscard]] sdp::Result<sdp::SdpFragment> transport_info_to_fragment(const xml::Element& jingle);

}  // namespace presentd::signaling::jingle

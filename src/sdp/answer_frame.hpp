// SPDX-License-Identifier: Apache-2.0
#pragma once
// What an answer to a WebRTC offer holds whichever way its media flow, shared by the presenters'
// answer (answer_builder.hpp: we receive) and the viewers' answer (viewer_answer.hpp: we send), so
// the two cannot drift apart on transport rules:
//  - which offered m-lines may share our one ICE/DTLS transport: RTP with rtcp-mux, a direction
//    that mirrors ours, inside the offer's BUNDLE group (a bundle-only line arrives with port 0
//    and still counts, RFC 8843 §6); without a BUNDLE group only the first such m-line;
//  - the transport, from the first of them (RFC 8843 §7.1, media level overriding session
//    level): ICE credentials, only the fingerprints the DTLS layer can verify
//    (dtls_fingerprint.hpp), and the DTLS role (RFC 8842 §5.3);
//  - on each accepted m-line: port 9, our credentials, fingerprint and role, its mid, our
//    direction, rtcp-mux (and rtcp-mux-only when offered), and the offered extmap entries we
//    implement in the direction our media flow (RFC 8285 §6);
//  - rejected m-lines (port 0, mid kept), the BUNDLE group, our candidates once on the
//    answerer-tagged m-line (RFC 8843 §7.3.1) and the offerer's candidates.
// What an m-line carries (codecs, SSRCs) is the caller's: a callback takes or refuses each usable
// one, with the helpers below for what both answer alike (payload types, feedback).
// Thread: none; pure functions.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/sdp_error.hpp"
#include "presentd/sdp/session_description.hpp"
#include "sdp/codec_selection.hpp"

namespace presentd::sdp {

// Our side of the one transport, as both answers' configurations give it.
struct LocalTransport {
  std::string ice_ufrag;
  std::string ice_pwd;
  Fingerprint fingerprint;              // of our DTLS certificate
  std::vector<std::string> candidates;  // as the ICE agent prints them
  std::string session_id;               // o= session id
};

template <class Config>
LocalTransport local_transport_of(const Config& config) {
  return LocalTransport{config.ice_ufrag, config.ice_pwd, config.fingerprint, config.candidates, config.session_id};
}

// Takes one usable offered m-line (the `index`-th) or refuses it (nullopt: port 0). `base` holds
// the attributes above; the callback adds what the m-line carries.
using AcceptMedia = std::function<std::optional<MediaDescription>(const MediaDescription& offered, std::size_t index,
                                                                  MediaDescription base)>;

struct FramedAnswer {
  SessionDescription description;  // every offered m-line, accepted or rejected
  bool accepted_any = false;       // false: the caller answers with its own error
};

// `ours`: Direction::recvonly (we receive) or Direction::sendonly (we send). Fills the ICE/DTLS
// fields of `transport`. Errors: no m-line that could share the transport (unsupported_offer), no
// usable credentials or fingerprint (missing_field), a=setup:holdconn (unsupported_offer).
[[nodiscard]] Result<FramedAnswer> frame_answer(const SessionDescription& offer, const LocalTransport& local,
                                                Direction ours, const AcceptMedia& accept, Negotiated& transport);

// Adds one offered payload type to `answer`: the m= format, its rtpmap as offered, the feedback
// below, and codec.answer_fmtp when not empty.
void answer_payload_type(MediaDescription& answer, const MediaDescription& offered, const ChosenCodec& codec);

// Answers, for payload type `pt`, each rtcp-fb kind we implement that the offer has for it (or
// for "*"): NACK (RFC 4585), PLI, FIR (RFC 5104), REMB, transport-cc. We handle each of them as a
// receiver and as a sender. Firefox rejects an answer that adds one the offer lacks.
void answer_feedback(MediaDescription& answer, const MediaDescription& offered, std::uint8_t pt);
[[nodiscard]] bool has_feedback(const MediaDescription& answer, std::uint8_t pt, std::string_view type,
                                std::string_view parameter);

// The id `answer` gives the extension `uri`, if it has it.
[[nodiscard]] std::optional<std::uint8_t> extension_id(const MediaDescription& answer, std::string_view uri);

}  // namespace presentd::sdp

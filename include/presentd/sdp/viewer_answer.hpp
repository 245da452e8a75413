// SPDX-License-Identifier: Apache-2.0
#pragma once
// Builds presentd's answer to a viewer's offer (issue 15: a WHEP player, draft-ietf-wish-whep, or
// the watch page) and the facts the viewer's session needs to forward presenters' RTP to it
// without transcoding. The viewer offers recvonly (or sendrecv) m-lines; we answer sendonly.
//
// Rules (RFC 8829 JSEP §5.3, RFC 3264 §6):
//  - The transport is the presenters' answer's (answer_frame.hpp): one BUNDLE group, rtcp-mux,
//    our ICE credentials, fingerprint, DTLS role (RFC 8842) and candidates, the offer's
//    credentials and only the fingerprints the DTLS layer can verify. An m-line offered sendonly
//    or inactive, outside the BUNDLE group, without rtcp-mux, or that is not RTP (a data channel)
//    is rejected with port 0 and its mid.
//  - Video: up to max_video_m_lines m-lines, each answering every offered payload type we can
//    forward (VP8, VP9 profile 0, H.264 packetization-mode=1 of any profile, as far as
//    config.video_codecs names them; codec_selection.hpp), in the viewer's order, with the
//    offer's fmtp echoed. No RTX (a NACKed packet is resent on the media SSRC), RED, ULPFEC or
//    FlexFEC. A video m-line with none of them is rejected with port 0, not answered inactive:
//    RFC 3264 §6.1 says an answerer with no media format in common MUST reject the stream, and an
//    inactive m-line would still need a format to list. Further video m-lines are rejected too.
//  - Audio: the first audio m-line offering Opus at 48 kHz, answering that one payload type.
//  - Feedback and header extensions: only those the offer carries on that m-line and the box
//    implements (rtcp-fb nack, nack pli, ccm fir, goog-remb, transport-cc; a=extmap mid,
//    transport-wide-cc, abs-send-time, playout-delay), an extension only where the viewer receives
//    it (RFC 8285 §6). The rewriter maps the rest away. a=extmap-allow-mixed is echoed where it was
//    offered (session level, or media level as Firefox writes it).
//  - Each answered m-line gets its own SSRC from config.ssrcs, announced with a=ssrc cname (RFC
//    5576) and a=msid (RFC 8830) naming one stream, config.cname, for all of them: receivers that
//    do not read the MID extension (GStreamer's webrtcbin) demultiplex by the SSRC, and a player
//    gets audio and video in one MediaStream.
// Errors: nothing forwardable in any m-line is no_common_codec (HTTP 406) with what the offer
// had; no m-line that could receive from us, or a=setup:holdconn, is unsupported_offer (422); no
// usable ICE credentials or fingerprint is missing_field (400). Too few or repeated SSRCs, or a
// cname that cannot stand in SDP, is bad_config (500), whatever the offer.
// Thread: none; a pure function.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "presentd/rtp/depacketizer/depacketizer.hpp"
#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/sdp_error.hpp"
#include "presentd/sdp/session_description.hpp"

namespace presentd::sdp {

struct ViewerAnswerConfig {
  // What the box can forward: the formats presenters send (answer_builder's video_codecs).
  std::vector<rtp::PayloadFormat> video_codecs{rtp::PayloadFormat::vp8, rtp::PayloadFormat::h264,
                                               rtp::PayloadFormat::vp9};
  bool accept_audio = true;  // Opus
  std::size_t max_video_m_lines = 4;
  std::string ice_ufrag;
  std::string ice_pwd;
  Fingerprint fingerprint;              // of our DTLS certificate
  std::vector<std::string> candidates;  // as the ICE agent prints them ("candidate:1 1 udp ...")
  std::string session_id = "1";         // o= session id: decimal digits, unique per session
  // One distinct SSRC per m-line we may send on, drawn at random by the caller (RFC 3550 §8.1):
  // at least max_video_m_lines, plus one when accept_audio, else bad_config. The k-th answered
  // m-line gets the k-th.
  std::vector<std::uint32_t> ssrcs;
  // RFC 3550 CNAME in a=ssrc, and the a=msid stream id: 1 to 64 token characters (RFC 8830 §2).
  std::string cname;
};

// One payload type answered on a viewer's m-line, in the viewer's numbering.
struct ViewerCodec {
  std::uint8_t payload_type = 0;
  rtp::PayloadFormat format = rtp::PayloadFormat::vp8;
  std::uint32_t clock_rate = 90000;
  std::string fmtp;  // as offered and answered ("" when none): H.264's profile-level-id is here
};

// One answered m-line: what the forwarder of this m-line (media/forward) is configured from.
struct ViewerMedia {
  enum class Kind { audio, video };
  Kind kind = Kind::video;
  std::string mid;  // "" when the offer had none (no BUNDLE)
  std::size_t m_line_index = 0;
  std::uint32_t ssrc = 0;           // ours, from config.ssrcs
  std::vector<ViewerCodec> codecs;  // in the viewer's order
  // The answered a=extmap lines (id, uri; direction sendonly or none); the caller turns them into
  // media::ExtensionMapping.
  std::vector<Extmap> extensions;
  bool two_byte_extensions_allowed = false;  // a=extmap-allow-mixed answered (RFC 8285 §6)
  // Feedback the viewer will send us, each answered for every codec of the m-line (so it holds
  // whichever codec the presenter's stream maps to).
  bool nack = false;
  bool nack_pli = false;
  bool ccm_fir = false;
  bool goog_remb = false;
  bool transport_cc = false;
};

struct ViewerAnswer {
  SessionDescription description;
  std::string sdp;
  // Only the ICE/DTLS fields: remote ufrag/pwd, fingerprints, local_setup, remote candidates,
  // end_of_candidates. video, audio, the extension id and the bitrate stay empty.
  Negotiated transport;
  std::vector<ViewerMedia> media;  // in m-line order
};

[[nodiscard]] Result<ViewerAnswer> build_viewer_answer(const SessionDescription& offer,
                                                       const ViewerAnswerConfig& config);

}  // namespace presentd::sdp

// SPDX-License-Identifier: Apache-2.0
#pragma once
// Builds presentd's answer to a sender's offer (RFC 8829 JSEP §5.3, RFC 3264) and the facts the
// session needs to set up ICE, DTLS and the receive pipeline.
//
// The answer receives only (a=recvonly): one BUNDLE group (RFC 8843), rtcp-mux (and
// rtcp-mux-only when offered), each accepted m-line's mid echoed, video codecs by the configured
// preference (codec_selection.hpp) each with its RTX pair, only the rtcp-fb and extmap entries the
// offer carries on that m-line and that we implement (Firefox rejects an answer that adds one),
// b=AS/b=TIAS from the configured maximum bitrate (without them Chrome caps itself at 2.5 Mbit/s),
// our ICE credentials, fingerprint, DTLS role and candidates. We are full ICE: no a=ice-lite.
//
// Unsupported m-lines (data channels, a second video or audio, m-lines without rtcp-mux or a
// codec we decode, m-lines the offerer itself rejected) are rejected with port 0 and their mid;
// only an offer with nothing we can receive at all is an error (no_common_codec, HTTP 406, or
// unsupported_offer, HTTP 422, when the transport is what we cannot serve).
// Without a BUNDLE group in the offer only the first acceptable m-line is taken, since we run a
// single ICE/DTLS transport. These transport rules are shared with the viewers' answer
// (viewer_answer.hpp) in src/sdp/answer_frame.hpp.
// Thread: none; a pure function.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "presentd/rtp/depacketizer/depacketizer.hpp"
#include "presentd/rtp/rtp_header_extension.hpp"
#include "presentd/sdp/sdp_error.hpp"
#include "presentd/sdp/session_description.hpp"

namespace presentd::sdp {

constexpr std::uint64_t kDefaultMaxBitrateUpTo1080p = 8'000'000;
constexpr std::uint64_t kDefaultMaxBitrateAbove1080p = 20'000'000;
// The default: 8 Mbit/s for a display of at most 1920×1080 pixels, 20 Mbit/s above.
std::uint64_t default_max_bitrate(std::uint32_t display_width, std::uint32_t display_height);

// The URIs live with the extensions' formats in rtp, which the viewers' forwarder also reads.
using rtp::kAbsSendTimeUri;
using rtp::kMidUri;
using rtp::kPlayoutDelayUri;
using rtp::kTransportCcUri;

struct AnswerConfig {
  std::vector<rtp::PayloadFormat> video_codecs{rtp::PayloadFormat::vp8, rtp::PayloadFormat::h264,
                                               rtp::PayloadFormat::vp9};
  std::size_t max_video_streams = 1;
  bool accept_audio = true;
  std::uint64_t max_bitrate_bps = kDefaultMaxBitrateUpTo1080p;
  std::string ice_ufrag;
  std::string ice_pwd;
  Fingerprint fingerprint;              // of our DTLS certificate
  std::vector<std::string> candidates;  // as the ICE agent prints them ("candidate:1 1 udp ...")
  std::string session_id = "1";         // o= session id: decimal digits, unique per session
};

// One accepted video m-line: what ReceivePipelineConfig's VideoStreamConfig needs.
struct NegotiatedVideo {
  std::string mid;
  std::size_t m_line_index = 0;
  std::uint8_t primary_payload_type = 0;                     // our first choice
  std::map<std::uint8_t, rtp::PayloadFormat> payload_types;  // every answered codec
  std::map<std::uint8_t, std::uint8_t> rtx_payload_types;    // RTX pt → apt
  std::optional<std::uint32_t> media_ssrc;                   // from a=ssrc-group:FID, else the first a=ssrc
  std::optional<std::uint32_t> rtx_ssrc;
  // Feedback answered for the primary payload type.
  bool nack = false;
  bool nack_pli = false;
  bool ccm_fir = false;
  bool goog_remb = false;
  bool transport_cc = false;
  std::optional<std::uint8_t> transport_cc_extension_id;
  std::optional<std::uint8_t> playout_delay_extension_id;
  std::optional<std::uint8_t> abs_send_time_extension_id;
  std::optional<std::uint8_t> mid_extension_id;
};

struct NegotiatedAudio {
  std::string mid;
  std::size_t m_line_index = 0;
  std::uint8_t payload_type = 0;
  std::uint32_t clock_rate = 48000;
  std::optional<std::uint32_t> ssrc;
  std::optional<std::uint8_t> transport_cc_extension_id;
};

// What the session needs beyond the media: the remote ICE and DTLS parameters.
struct Negotiated {
  std::vector<NegotiatedVideo> video;
  std::optional<NegotiatedAudio> audio;
  std::string remote_ice_ufrag;
  std::string remote_ice_pwd;
  std::vector<Fingerprint> remote_fingerprints;  // the peer certificate must match one of these
  Setup local_setup = Setup::passive;            // passive: we are the DTLS server
  std::vector<Candidate> remote_candidates;      // may be empty (OBS): learn peer-reflexive ones
  bool remote_end_of_candidates = false;
  std::optional<std::uint8_t> transport_cc_extension_id;  // bundle-wide (first m-line with it)
  std::uint64_t max_bitrate_bps = 0;
};

struct Answer {
  SessionDescription description;
  std::string sdp;
  Negotiated negotiated;
};

[[nodiscard]] Result<Answer> build_answer(const SessionDescription& offer, const AnswerConfig& config);

}  // namespace presentd::sdp

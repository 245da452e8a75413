// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/answer_builder.hpp"

#include <algorithm>
#include <array>

#include "presentd/common/log.hpp"
#include "presentd/dtls/dtls_fingerprint.hpp"
#include "presentd/sdp/sdp_writer.hpp"
#include "presentd/sdp/text.hpp"
#include "sdp/codec_selection.hpp"

namespace presentd::sdp {
namespace {

constexpr std::uint16_t kBundledPort = 9;  // RFC 8840 §4.1.1: the "discard" placeholder port

struct FeedbackKind {
  std::string_view type;
  std::string_view parameter;
};
// What the receive pipeline implements: NACK (RFC 4585), PLI, FIR (RFC 5104), REMB, transport-cc.
constexpr std::array<FeedbackKind, 5> kSupportedFeedback{
    {{"nack", ""}, {"nack", "pli"}, {"ccm", "fir"}, {"goog-remb", ""}, {"transport-cc", ""}}};
constexpr std::array<std::string_view, 4> kSupportedExtensions{kTransportCcUri, kAbsSendTimeUri, kPlayoutDelayUri,
                                                               kMidUri};

bool is_rtp_profile(const std::string& proto) { return proto.find("RTP/SAVP") != std::string::npos; }

bool offered_feedback(const MediaDescription& m, std::uint8_t pt, const FeedbackKind& kind) {
  return std::any_of(m.rtcp_feedback.begin(), m.rtcp_feedback.end(), [&](const RtcpFeedback& fb) {
    return (!fb.payload_type || *fb.payload_type == pt) && text::iequals(fb.type, kind.type) &&
           text::iequals(fb.parameter, kind.parameter);
  });
}

// RFC 8285 §6: the answer mirrors each offered direction; an extension the offerer only
// receives (recvonly) or has disabled is useless to a receive-only answer and is left out.
std::optional<Extmap> answer_extmap(const Extmap& offered) {
  if (std::find(kSupportedExtensions.begin(), kSupportedExtensions.end(), offered.uri) == kSupportedExtensions.end())
    return std::nullopt;
  if (offered.id > 255) return std::nullopt;  // a "to be decided" id: we do not pick one
  Extmap answer{offered.id, std::nullopt, offered.uri, {}};
  if (offered.direction == Direction::recvonly || offered.direction == Direction::inactive) return std::nullopt;
  if (offered.direction == Direction::sendonly) answer.direction = Direction::recvonly;
  return answer;
}

std::optional<std::uint8_t> extension_id(const MediaDescription& answer, std::string_view uri) {
  for (const auto& e : answer.extmaps)
    if (e.uri == uri) return static_cast<std::uint8_t>(e.id);
  return std::nullopt;
}

// FID group (RFC 5576 §4.2, media SSRC first) or, lacking one, the first a=ssrc line.
std::pair<std::optional<std::uint32_t>, std::optional<std::uint32_t>> offered_ssrcs(const MediaDescription& m) {
  for (const auto& group : m.ssrc_groups) {
    if (text::iequals(group.semantics, "FID") && group.ssrcs.size() >= 2) return {group.ssrcs[0], group.ssrcs[1]};
  }
  if (!m.ssrcs.empty()) return {m.ssrcs.front().ssrc, std::nullopt};
  return {std::nullopt, std::nullopt};
}

MediaDescription rejected(const MediaDescription& offered) {
  MediaDescription m;
  m.media = offered.media;
  m.port = 0;
  m.proto = offered.proto;
  m.formats = offered.formats;
  m.connection = "IN IP4 0.0.0.0";
  m.mid = offered.mid;
  return m;
}

class AnswerBuilder {
public:
  AnswerBuilder(const SessionDescription& offer, const AnswerConfig& config) : offer_(offer), config_(config) {}
  Result<Answer> run();

private:
  bool acceptable_transport(const MediaDescription& m) const;
  MediaDescription accepted_base(const MediaDescription& offered) const;
  void add_payload_type(MediaDescription& answer, const MediaDescription& offered, const ChosenCodec& codec) const;
  std::optional<MediaDescription> accept_video(const MediaDescription& offered, std::size_t index);
  std::optional<MediaDescription> accept_audio(const MediaDescription& offered, std::size_t index);
  std::optional<Error> take_transport(const MediaDescription& tagged);

  const SessionDescription& offer_;
  const AnswerConfig& config_;
  const Group* bundle_ = nullptr;
  std::size_t accepted_ = 0;
  Answer answer_;
};

bool AnswerBuilder::acceptable_transport(const MediaDescription& m) const {
  if (!is_rtp_profile(m.proto) || !m.rtcp_mux) return false;
  const Direction direction = effective_direction(offer_, m);
  if (direction != Direction::sendonly && direction != Direction::sendrecv) return false;
  if (bundle_) {
    // Only m-lines in the offer's BUNDLE group share our one transport; bundle-only lines
    // arrive with port 0 and are still offered (RFC 8843 §6).
    if (!m.mid || std::find(bundle_->mids.begin(), bundle_->mids.end(), *m.mid) == bundle_->mids.end()) return false;
    return m.port != 0 || m.bundle_only;
  }
  return m.port != 0 && accepted_ == 0;
}

MediaDescription AnswerBuilder::accepted_base(const MediaDescription& offered) const {
  MediaDescription m;
  m.media = offered.media;
  m.port = kBundledPort;
  m.proto = offered.proto;
  m.connection = "IN IP4 0.0.0.0";
  m.transport.ice_ufrag = config_.ice_ufrag;
  m.transport.ice_pwd = config_.ice_pwd;
  m.transport.fingerprints = {config_.fingerprint};
  m.transport.setup = answer_.negotiated.local_setup;
  m.mid = offered.mid;
  m.direction = Direction::recvonly;
  m.rtcp_mux = true;
  m.rtcp_mux_only = offered.rtcp_mux_only;
  for (const auto& e : offered.extmaps) {
    if (auto extmap = answer_extmap(e)) m.extmaps.push_back(std::move(*extmap));
  }
  return m;
}

void AnswerBuilder::add_payload_type(MediaDescription& answer, const MediaDescription& offered,
                                     const ChosenCodec& codec) const {
  const std::uint8_t pt = codec.payload_type;
  answer.formats.push_back(std::to_string(pt));
  answer.rtpmaps.push_back(codec.rtpmap);
  for (const auto& kind : kSupportedFeedback) {
    if (offered_feedback(offered, pt, kind))
      answer.rtcp_feedback.push_back(RtcpFeedback{pt, std::string(kind.type), std::string(kind.parameter)});
  }
  if (!codec.answer_fmtp.empty()) answer.fmtps.push_back(Fmtp{pt, codec.answer_fmtp});
  if (codec.rtx_payload_type) {
    const std::uint8_t rtx = *codec.rtx_payload_type;
    answer.formats.push_back(std::to_string(rtx));
    answer.rtpmaps.push_back(Rtpmap{rtx, "rtx", 90000, std::nullopt});
    answer.fmtps.push_back(Fmtp{rtx, "apt=" + std::to_string(pt)});
  }
}

std::optional<MediaDescription> AnswerBuilder::accept_video(const MediaDescription& offered, std::size_t index) {
  if (answer_.negotiated.video.size() >= config_.max_video_streams) return std::nullopt;
  const auto codecs = choose_video_codecs(offered, config_.video_codecs);
  if (codecs.empty()) return std::nullopt;
  MediaDescription m = accepted_base(offered);
  NegotiatedVideo video;
  video.mid = offered.mid.value_or("");
  video.m_line_index = index;
  video.primary_payload_type = codecs.front().payload_type;
  for (const auto& codec : codecs) {
    add_payload_type(m, offered, codec);
    video.payload_types[codec.payload_type] = codec.format;
    if (codec.rtx_payload_type) video.rtx_payload_types[*codec.rtx_payload_type] = codec.payload_type;
  }
  const auto has = [&](std::string_view type, std::string_view parameter) {
    return std::any_of(m.rtcp_feedback.begin(), m.rtcp_feedback.end(), [&](const RtcpFeedback& fb) {
      return fb.payload_type == video.primary_payload_type && fb.type == type && fb.parameter == parameter;
    });
  };
  video.nack = has("nack", "");
  video.nack_pli = has("nack", "pli");
  video.ccm_fir = has("ccm", "fir");
  video.goog_remb = has("goog-remb", "");
  video.transport_cc = has("transport-cc", "");
  std::tie(video.media_ssrc, video.rtx_ssrc) = offered_ssrcs(offered);
  video.transport_cc_extension_id = extension_id(m, kTransportCcUri);
  video.playout_delay_extension_id = extension_id(m, kPlayoutDelayUri);
  video.abs_send_time_extension_id = extension_id(m, kAbsSendTimeUri);
  video.mid_extension_id = extension_id(m, kMidUri);
  // RFC 3556 b=AS is kbit/s, RFC 3890 b=TIAS bit/s; Chrome honours either as its send cap.
  m.bandwidths = {Bandwidth{"AS", config_.max_bitrate_bps / 1000}, Bandwidth{"TIAS", config_.max_bitrate_bps}};
  answer_.negotiated.video.push_back(std::move(video));
  return m;
}

std::optional<MediaDescription> AnswerBuilder::accept_audio(const MediaDescription& offered, std::size_t index) {
  if (!config_.accept_audio || answer_.negotiated.audio) return std::nullopt;
  const auto opus = choose_opus(offered);
  if (!opus) return std::nullopt;
  MediaDescription m = accepted_base(offered);
  add_payload_type(m, offered, *opus);
  NegotiatedAudio audio{offered.mid.value_or(""),     index,
                        opus->payload_type,           opus->rtpmap.clock_rate,
                        offered_ssrcs(offered).first, extension_id(m, kTransportCcUri)};
  answer_.negotiated.audio = std::move(audio);
  return m;
}

// ICE credentials, fingerprints and DTLS role come from the offerer-tagged m-line (the first
// accepted one), media level overriding session level (RFC 8843 §7.1).
std::optional<Error> AnswerBuilder::take_transport(const MediaDescription& tagged) {
  const std::string where = tagged.mid ? " for mid " + tagged.mid->substr(0, 16) : std::string();
  const auto& ufrag = effective_ice_ufrag(offer_, tagged);
  const auto& pwd = effective_ice_pwd(offer_, tagged);
  if (!ufrag || !pwd) return make_error(ErrorCode::missing_field, 0, "no a=ice-ufrag/a=ice-pwd" + where);
  Negotiated& n = answer_.negotiated;
  n.remote_ice_ufrag = *ufrag;
  n.remote_ice_pwd = *pwd;
  for (const auto& f : effective_fingerprints(offer_, tagged)) {
    // One rule for both layers: only what the DTLS layer can verify the certificate against
    // (dtls_fingerprint.hpp) is taken, normalised as it will compare it. Anything else is left
    // out here, so an offer with nothing usable gets its 4xx now instead of a session that
    // cannot start.
    if (auto usable = dtls::make_dtls_fingerprint(f.algorithm, f.value)) {
      n.remote_fingerprints.push_back(Fingerprint{std::move(usable->algorithm), std::move(usable->value)});
    }
  }
  if (n.remote_fingerprints.empty()) {
    return make_error(ErrorCode::missing_field, 0,
                      "no usable a=fingerprint (" + dtls::usable_fingerprint_algorithms_text() + ")" + where);
  }
  // RFC 8842 §5.3: an offer says actpass (or, from older senders, active / nothing) and we
  // take the server role; only a passive offerer makes us the DTLS client.
  const auto setup = effective_setup(offer_, tagged);
  if (setup == Setup::holdconn) return make_error(ErrorCode::unsupported_offer, 0, "a=setup:holdconn" + where);
  n.local_setup = setup == Setup::passive ? Setup::active : Setup::passive;
  return std::nullopt;
}

Result<Answer> AnswerBuilder::run() {
  bundle_ = offer_.find_group("BUNDLE");
  SessionDescription& d = answer_.description;
  d.origin = Origin{"-", config_.session_id, "2", "IN", "IP4", "127.0.0.1"};
  d.extmap_allow_mixed = offer_.extmap_allow_mixed;
  // Pass one decides which m-lines we take; the transport comes from the first of them, which
  // must be known before any accepted m-line is written (each carries ufrag/fingerprint/setup).
  std::vector<bool> usable(offer_.media.size(), false);
  std::optional<std::size_t> tagged;
  for (std::size_t i = 0; i < offer_.media.size(); ++i) {
    usable[i] = acceptable_transport(offer_.media[i]);
    if (usable[i] && !tagged) tagged = i;
    if (usable[i] && !bundle_) accepted_ = 1;
  }
  if (!tagged) return make_error(ErrorCode::unsupported_offer, 0, "no m-line with rtcp-mux that sends RTP to us");
  if (auto error = take_transport(offer_.media[*tagged])) return std::move(*error);

  accepted_ = 0;
  Group group{"BUNDLE", {}};
  std::optional<std::size_t> first_accepted;
  for (std::size_t i = 0; i < offer_.media.size(); ++i) {
    const MediaDescription& offered = offer_.media[i];
    std::optional<MediaDescription> m;
    if (usable[i] && (bundle_ || accepted_ == 0)) {
      if (offered.media == "video")
        m = accept_video(offered, i);
      else if (offered.media == "audio")
        m = accept_audio(offered, i);
    }
    if (!m) {
      d.media.push_back(rejected(offered));
      continue;
    }
    ++accepted_;
    if (!first_accepted) first_accepted = d.media.size();
    if (m->mid) group.mids.push_back(*m->mid);
    d.media.push_back(std::move(*m));
  }
  if (!first_accepted)
    return make_error(ErrorCode::no_common_codec, 0, "no video or audio codec we can decode was offered");
  if (bundle_) d.groups.push_back(std::move(group));

  // Candidates go once, on the answerer-tagged m-line (RFC 8843 §7.3.1); Chrome does the same.
  MediaDescription& tagged_answer = d.media[*first_accepted];
  for (const auto& text : config_.candidates) {
    if (auto candidate = parse_candidate(text)) {
      tagged_answer.candidates.push_back(std::move(*candidate));
    } else {
      PD_LOG(warning, "sdp") << "dropping a local candidate that does not parse";
    }
  }
  tagged_answer.end_of_candidates = true;

  Negotiated& n = answer_.negotiated;
  for (std::size_t i = 0; i < offer_.media.size(); ++i) {
    if (d.media[i].port == 0) continue;
    for (const auto& c : offer_.media[i].candidates) {
      if (std::find(n.remote_candidates.begin(), n.remote_candidates.end(), c) == n.remote_candidates.end())
        n.remote_candidates.push_back(c);
    }
    n.remote_end_of_candidates = n.remote_end_of_candidates || offer_.media[i].end_of_candidates;
  }
  for (const auto& v : n.video) {
    if (!n.transport_cc_extension_id) n.transport_cc_extension_id = v.transport_cc_extension_id;
  }
  if (!n.transport_cc_extension_id && n.audio) n.transport_cc_extension_id = n.audio->transport_cc_extension_id;
  n.max_bitrate_bps = config_.max_bitrate_bps;
  answer_.sdp = write_sdp(d);
  return std::move(answer_);
}

}  // namespace

std::uint64_t default_max_bitrate(std::uint32_t display_width, std::uint32_t display_height) {
  const std::uint64_t pixels = static_cast<std::uint64_t>(display_width) * display_height;
  return pixels <= 1920ULL * 1080ULL ? kDefaultMaxBitrateUpTo1080p : kDefaultMaxBitrateAbove1080p;
}

Result<Answer> build_answer(const SessionDescription& offer, const AnswerConfig& config) {
  return AnswerBuilder(offer, config).run();
}

}  // namespace presentd::sdp

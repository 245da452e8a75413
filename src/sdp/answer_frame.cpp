// SPDX-License-Identifier: Apache-2.0
#include "sdp/answer_frame.hpp"

#include <algorithm>
#include <array>

#include "presentd/common/log.hpp"
#include "presentd/dtls/dtls_fingerprint.hpp"
#include "presentd/sdp/text.hpp"

namespace presentd::sdp {
namespace {

constexpr std::uint16_t kBundledPort = 9;  // RFC 8840 §4.1.1: the "discard" placeholder port

struct FeedbackKind {
  std::string_view type;
  std::string_view parameter;
};
constexpr std::array<FeedbackKind, 5> kSupportedFeedback{
    {{"nack", ""}, {"nack", "pli"}, {"ccm", "fir"}, {"goog-remb", ""}, {"transport-cc", ""}}};
// The same set both ways: what the receive pipeline reads, and what a viewer's copy carries,
// which is what the box writes itself (mid, transport-cc, abs-send-time) and what presenters'
// streams bring, which is only what their answer took (playout-delay).
constexpr std::array<std::string_view, 4> kSupportedExtensions{kTransportCcUri, kAbsSendTimeUri, kPlayoutDelayUri,
                                                               kMidUri};

bool is_rtp_profile(const std::string& proto) { return proto.find("RTP/SAVP") != std::string::npos; }

// The offered direction whose answer is `ours`: the offerer must send what we receive, or
// receive what we send. sendrecv fits either.
bool mirrors(Direction offered, Direction ours) {
  if (offered == Direction::sendrecv) return true;
  return offered == (ours == Direction::recvonly ? Direction::sendonly : Direction::recvonly);
}

bool offered_feedback(const MediaDescription& m, std::uint8_t pt, const FeedbackKind& kind) {
  return std::any_of(m.rtcp_feedback.begin(), m.rtcp_feedback.end(), [&](const RtcpFeedback& fb) {
    return (!fb.payload_type || *fb.payload_type == pt) && text::iequals(fb.type, kind.type) &&
           text::iequals(fb.parameter, kind.parameter);
  });
}

// RFC 8285 §6: the answer mirrors each offered direction. An extension that does not flow the way
// our media flow (the offerer only receives it while we receive, or only sends it while we send,
// or has disabled it) is useless to us and is left out.
std::optional<Extmap> answer_extmap(const Extmap& offered, Direction ours) {
  if (std::find(kSupportedExtensions.begin(), kSupportedExtensions.end(), offered.uri) == kSupportedExtensions.end())
    return std::nullopt;
  if (offered.id > 255) return std::nullopt;  // a "to be decided" id: we do not pick one
  const Direction theirs = offered.direction.value_or(Direction::sendrecv);
  if (!mirrors(theirs, ours)) return std::nullopt;
  Extmap answer{offered.id, std::nullopt, offered.uri, {}};
  if (theirs != Direction::sendrecv) answer.direction = ours;
  return answer;
}

bool shares_transport(const SessionDescription& offer, const Group* bundle, const MediaDescription& m, Direction ours) {
  if (!is_rtp_profile(m.proto) || !m.rtcp_mux || !mirrors(effective_direction(offer, m), ours)) return false;
  if (bundle) {
    // Only m-lines in the offer's BUNDLE group share our one transport; bundle-only lines
    // arrive with port 0 and are still offered (RFC 8843 §6).
    if (!m.mid || std::find(bundle->mids.begin(), bundle->mids.end(), *m.mid) == bundle->mids.end()) return false;
    return m.port != 0 || m.bundle_only;
  }
  return m.port != 0;
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

MediaDescription accepted_base(const MediaDescription& offered, const LocalTransport& local, Setup setup,
                               Direction ours) {
  MediaDescription m;
  m.media = offered.media;
  m.port = kBundledPort;
  m.proto = offered.proto;
  m.connection = "IN IP4 0.0.0.0";
  m.transport.ice_ufrag = local.ice_ufrag;
  m.transport.ice_pwd = local.ice_pwd;
  m.transport.fingerprints = {local.fingerprint};
  m.transport.setup = setup;
  m.mid = offered.mid;
  m.direction = ours;
  m.rtcp_mux = true;
  m.rtcp_mux_only = offered.rtcp_mux_only;
  for (const auto& e : offered.extmaps) {
    if (auto extmap = answer_extmap(e, ours)) m.extmaps.push_back(std::move(*extmap));
  }
  return m;
}

// ICE credentials, fingerprints and DTLS role come from the offerer-tagged m-line (the first
// usable one), media level overriding session level (RFC 8843 §7.1).
std::optional<Error> take_transport(const SessionDescription& offer, const MediaDescription& tagged, Negotiated& n) {
  const std::string where = tagged.mid ? " for mid " + tagged.mid->substr(0, 16) : std::string();
  const auto& ufrag = effective_ice_ufrag(offer, tagged);
  const auto& pwd = effective_ice_pwd(offer, tagged);
  if (!ufrag || !pwd) return make_error(ErrorCode::missing_field, 0, "no a=ice-ufrag/a=ice-pwd" + where);
  n.remote_ice_ufrag = *ufrag;
  n.remote_ice_pwd = *pwd;
  for (const auto& f : effective_fingerprints(offer, tagged)) {
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
  const auto setup = effective_setup(offer, tagged);
  if (setup == Setup::holdconn) return make_error(ErrorCode::unsupported_offer, 0, "a=setup:holdconn" + where);
  n.local_setup = setup == Setup::passive ? Setup::active : Setup::passive;
  return std::nullopt;
}

void add_local_candidates(MediaDescription& tagged_answer, const std::vector<std::string>& candidates) {
  for (const auto& text : candidates) {
    if (auto candidate = parse_candidate(text)) {
      tagged_answer.candidates.push_back(std::move(*candidate));
    } else {
      PD_LOG(warning, "sdp") << "dropping a local candidate that does not parse";
    }
  }
  tagged_answer.end_of_candidates = true;
}

void take_remote_candidates(const SessionDescription& offer, const SessionDescription& answer, Negotiated& n) {
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    if (answer.media[i].port == 0) continue;
    for (const auto& c : offer.media[i].candidates) {
      if (std::find(n.remote_candidates.begin(), n.remote_candidates.end(), c) == n.remote_candidates.end())
        n.remote_candidates.push_back(c);
    }
    n.remote_end_of_candidates = n.remote_end_of_candidates || offer.media[i].end_of_candidates;
  }
}

}  // namespace

Result<FramedAnswer> frame_answer(const SessionDescription& offer, const LocalTransport& local, Direction ours,
                                  const AcceptMedia& accept, Negotiated& transport) {
  const Group* bundle = offer.find_group("BUNDLE");
  FramedAnswer framed;
  SessionDescription& d = framed.description;
  d.origin = Origin{"-", local.session_id, "2", "IN", "IP4", "127.0.0.1"};
  d.extmap_allow_mixed = offer.extmap_allow_mixed;
  // Pass one decides which m-lines may be taken; the transport comes from the first of them,
  // which must be known before any accepted m-line is written (each carries ufrag/fingerprint/
  // setup). Without BUNDLE we run one transport, so only one m-line.
  std::vector<bool> usable(offer.media.size(), false);
  std::optional<std::size_t> tagged;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    usable[i] = (bundle || !tagged) && shares_transport(offer, bundle, offer.media[i], ours);
    if (usable[i] && !tagged) tagged = i;
  }
  if (!tagged) {
    return make_error(ErrorCode::unsupported_offer, 0,
                      ours == Direction::recvonly ? "no m-line with rtcp-mux that sends RTP to us"
                                                  : "no m-line with rtcp-mux that receives RTP from us");
  }
  if (auto error = take_transport(offer, offer.media[*tagged], transport)) return std::move(*error);

  Group group{"BUNDLE", {}};
  std::optional<std::size_t> first_accepted;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const MediaDescription& offered = offer.media[i];
    std::optional<MediaDescription> m;
    if (usable[i]) m = accept(offered, i, accepted_base(offered, local, transport.local_setup, ours));
    if (!m) {
      d.media.push_back(rejected(offered));
      continue;
    }
    if (!first_accepted) first_accepted = d.media.size();
    if (m->mid) group.mids.push_back(*m->mid);
    d.media.push_back(std::move(*m));
  }
  if (!first_accepted) return framed;
  framed.accepted_any = true;
  if (bundle) d.groups.push_back(std::move(group));
  // Candidates go once, on the answerer-tagged m-line (RFC 8843 §7.3.1); Chrome does the same.
  add_local_candidates(d.media[*first_accepted], local.candidates);
  take_remote_candidates(offer, d, transport);
  return framed;
}

void answer_payload_type(MediaDescription& answer, const MediaDescription& offered, const ChosenCodec& codec) {
  const std::uint8_t pt = codec.payload_type;
  answer.formats.push_back(std::to_string(pt));
  answer.rtpmaps.push_back(codec.rtpmap);
  answer_feedback(answer, offered, pt);
  if (!codec.answer_fmtp.empty()) answer.fmtps.push_back(Fmtp{pt, codec.answer_fmtp});
}

void answer_feedback(MediaDescription& answer, const MediaDescription& offered, std::uint8_t pt) {
  for (const auto& kind : kSupportedFeedback) {
    if (offered_feedback(offered, pt, kind))
      answer.rtcp_feedback.push_back(RtcpFeedback{pt, std::string(kind.type), std::string(kind.parameter)});
  }
}

bool has_feedback(const MediaDescription& answer, std::uint8_t pt, std::string_view type, std::string_view parameter) {
  return std::any_of(answer.rtcp_feedback.begin(), answer.rtcp_feedback.end(), [&](const RtcpFeedback& fb) {
    return fb.payload_type == pt && fb.type == type && fb.parameter == parameter;
  });
}

std::optional<std::uint8_t> extension_id(const MediaDescription& answer, std::string_view uri) {
  for (const auto& e : answer.extmaps)
    if (e.uri == uri) return static_cast<std::uint8_t>(e.id);
  return std::nullopt;
}

}  // namespace presentd::sdp

// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/viewer_answer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/sdp/text.hpp"
#include "support/sdp/sdp_fixtures.hpp"

namespace presentd::sdp {
namespace {

using rtp::PayloadFormat;
using testing::kChromium;
using testing::read_vector;

// Receive-only offers of real players (viewer_offers/README.md says how each was captured).
constexpr const char* kChromeAudioVideo = "chromium_156_whep_audio_video.sdp";
constexpr const char* kChromeAudio4Video = "chromium_156_whep_audio_4_video.sdp";
constexpr const char* kChromeAudio5Video = "chromium_156_whep_audio_5_video.sdp";
constexpr const char* kFirefoxAudioVideo = "firefox_esr_153_whep_audio_video.sdp";
constexpr const char* kGstreamer = "gstreamer_1_22_whep_vp8_h264_opus.sdp";
constexpr const char* kAllOffers[] = {kChromeAudioVideo, kChromeAudio4Video, kChromeAudio5Video, kFirefoxAudioVideo,
                                      kGstreamer};

constexpr std::uint32_t kSsrcs[] = {2'863'311'530u, 17u, 4'000'000'001u, 305'419'896u, 1'431'655'765u};
constexpr const char* kCname = "presentd-room";

ViewerAnswerConfig viewer_config() {
  return ViewerAnswerConfig{
      .ice_ufrag = "vwUf",
      .ice_pwd = "viewerIcePasswordOf24xyz",
      .fingerprint =
          {"sha-256",
           "AB:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:01"},
      .candidates = {"candidate:1 1 udp 2130706431 10.200.0.1 50000 typ host"},
      .session_id = "777",
      .ssrcs = std::vector<std::uint32_t>(std::begin(kSsrcs), std::end(kSsrcs)),
      .cname = kCname,
  };
}

SessionDescription read_offer(const std::string& name) {
  std::ifstream in(std::string(PRESENTD_SOURCE_DIR) + "/tests/unit/sdp/viewer_offers/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  auto offer = parse_sdp(text.str());
  EXPECT_TRUE(offer) << name << ": " << offer.error().message;
  return offer ? offer.value() : SessionDescription{};
}

// The answer, parsed back from its text: what the viewer will see.
struct Parsed {
  ViewerAnswer answer;
  SessionDescription reparsed;
};

Parsed answer_and_reparse(const SessionDescription& offer, const ViewerAnswerConfig& config = viewer_config()) {
  auto answer = build_viewer_answer(offer, config);
  EXPECT_TRUE(answer) << answer.error().message;
  if (!answer) return {};
  auto reparsed = parse_sdp(answer->sdp);
  EXPECT_TRUE(reparsed) << reparsed.error().message;
  if (!reparsed) return {};
  return Parsed{std::move(answer).value(), std::move(reparsed).value()};
}

std::vector<std::string> formats(const std::initializer_list<int> pts) {
  std::vector<std::string> out;
  for (const int pt : pts) out.push_back(std::to_string(pt));
  return out;
}

std::vector<std::uint8_t> codec_payload_types(const ViewerMedia& media) {
  std::vector<std::uint8_t> out;
  for (const auto& c : media.codecs) out.push_back(c.payload_type);
  return out;
}

bool has_line(const std::string& sdp, const std::string& line) { return sdp.find(line + "\r\n") != std::string::npos; }

// Keeps only the payload types whose encoding is in `encodings` (and their attributes).
void keep_encodings(MediaDescription& m, const std::set<std::string>& encodings) {
  std::vector<std::string> kept;
  for (const auto pt : m.payload_types()) {
    const Rtpmap* map = m.find_rtpmap(pt);
    if (map && encodings.count(text::to_lower(map->encoding))) kept.push_back(std::to_string(pt));
  }
  m.formats = kept;
}

bool offered_feedback(const MediaDescription& offer, const RtcpFeedback& fb) {
  return std::any_of(offer.rtcp_feedback.begin(), offer.rtcp_feedback.end(), [&](const RtcpFeedback& o) {
    return (!o.payload_type || o.payload_type == fb.payload_type) && o.type == fb.type && o.parameter == fb.parameter;
  });
}

TEST(ViewerAnswer, ChromeAudioAndVideoGetsEveryForwardableCodecSendonly) {
  const auto [answer, a] = answer_and_reparse(read_offer(kChromeAudioVideo));
  ASSERT_EQ(a.media.size(), 2u);
  EXPECT_EQ(a.find_group("BUNDLE")->mids, (std::vector<std::string>{"0", "1"}));
  EXPECT_TRUE(a.extmap_allow_mixed);  // offered at session level, echoed there

  const MediaDescription& audio = a.media[0];
  EXPECT_EQ(audio.port, 9);
  EXPECT_EQ(audio.direction, Direction::sendonly);
  // Opus only: not red/63, G722, PCMU, PCMA, CN or telephone-event.
  EXPECT_EQ(audio.formats, formats({111}));
  EXPECT_EQ(*audio.find_rtpmap(111), (Rtpmap{111, "opus", 48000, 2}));
  EXPECT_EQ(audio.find_fmtp(111)->parameters, "minptime=10;useinbandfec=1");
  EXPECT_EQ(audio.rtcp_feedback, (std::vector<RtcpFeedback>{{111, "transport-cc", ""}}));
  // ssrc-audio-level (1) is not one of ours.
  EXPECT_EQ(audio.extmaps, (std::vector<Extmap>{{2, std::nullopt, std::string(kAbsSendTimeUri), {}},
                                                {3, std::nullopt, std::string(kTransportCcUri), {}},
                                                {4, std::nullopt, std::string(kMidUri), {}}}));

  const MediaDescription& video = a.media[1];
  EXPECT_EQ(video.direction, Direction::sendonly);
  // VP8, VP9 profile 0, and H.264 42001f, 42e01f, 4d001f, f4001f with packetization-mode=1 in
  // Chrome's order; no RTX, VP9 profiles 1-3, H.264 mode 0, AV1, red, ulpfec or flexfec.
  EXPECT_EQ(video.formats, formats({96, 98, 102, 108, 116, 41}));
  EXPECT_EQ(video.find_fmtp(98)->parameters, "profile-id=0");
  EXPECT_EQ(video.find_fmtp(116)->parameters, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f");
  EXPECT_EQ(video.find_fmtp(96), nullptr);
  for (const auto pt : video.payload_types()) {
    for (const auto* kind : {"nack", "ccm", "goog-remb", "transport-cc"})
      EXPECT_TRUE(std::any_of(video.rtcp_feedback.begin(), video.rtcp_feedback.end(),
                              [&](const RtcpFeedback& fb) { return fb.payload_type == pt && fb.type == kind; }))
          << int(pt) << ' ' << kind;
  }
  EXPECT_EQ(video.rtcp_feedback.size(), 6u * 5u);
  // toffset, video-orientation, video-content-type, video-timing, color-space and the RIDs are
  // left out: presenters' streams never carry them to us.
  EXPECT_EQ(video.extmaps, (std::vector<Extmap>{{2, std::nullopt, std::string(kAbsSendTimeUri), {}},
                                                {3, std::nullopt, std::string(kTransportCcUri), {}},
                                                {5, std::nullopt, std::string(kPlayoutDelayUri), {}},
                                                {4, std::nullopt, std::string(kMidUri), {}}}));

  // One SSRC per m-line from the configuration, both tracks in one stream.
  EXPECT_TRUE(has_line(answer.sdp, "a=ssrc:2863311530 cname:presentd-room"));
  EXPECT_TRUE(has_line(answer.sdp, "a=ssrc:17 cname:presentd-room"));
  EXPECT_EQ(audio.msid, "presentd-room audio0");
  EXPECT_EQ(video.msid, "presentd-room video1");
  EXPECT_TRUE(has_line(answer.sdp, "a=msid:presentd-room video1"));

  ASSERT_EQ(answer.media.size(), 2u);
  const ViewerMedia& va = answer.media[0];
  EXPECT_EQ(va.kind, ViewerMedia::Kind::audio);
  EXPECT_EQ(va.mid, "0");
  EXPECT_EQ(va.m_line_index, 0u);
  EXPECT_EQ(va.ssrc, kSsrcs[0]);
  ASSERT_EQ(va.codecs.size(), 1u);
  EXPECT_EQ(va.codecs[0].payload_type, 111);
  EXPECT_EQ(va.codecs[0].format, PayloadFormat::opus);
  EXPECT_EQ(va.codecs[0].clock_rate, 48000u);
  EXPECT_TRUE(va.transport_cc);
  EXPECT_FALSE(va.nack);
  EXPECT_TRUE(va.two_byte_extensions_allowed);

  const ViewerMedia& vv = answer.media[1];
  EXPECT_EQ(vv.kind, ViewerMedia::Kind::video);
  EXPECT_EQ(vv.mid, "1");
  EXPECT_EQ(vv.m_line_index, 1u);
  EXPECT_EQ(vv.ssrc, kSsrcs[1]);
  EXPECT_EQ(codec_payload_types(vv), (std::vector<std::uint8_t>{96, 98, 102, 108, 116, 41}));
  EXPECT_EQ(vv.codecs[0].format, PayloadFormat::vp8);
  EXPECT_EQ(vv.codecs[1].format, PayloadFormat::vp9);
  EXPECT_EQ(vv.codecs[3].format, PayloadFormat::h264);
  EXPECT_EQ(vv.codecs[3].clock_rate, 90000u);
  EXPECT_EQ(vv.codecs[3].fmtp, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
  EXPECT_EQ(vv.extensions, video.extmaps);
  EXPECT_TRUE(vv.nack && vv.nack_pli && vv.ccm_fir && vv.goog_remb && vv.transport_cc);

  const Negotiated& t = answer.transport;
  EXPECT_EQ(t.remote_ice_ufrag, "nNlh");
  EXPECT_EQ(t.remote_ice_pwd, "57jURB7hr6v5Ch+jhDViQPeE");
  ASSERT_EQ(t.remote_fingerprints.size(), 1u);
  EXPECT_EQ(t.remote_fingerprints[0].algorithm, "sha-256");
  EXPECT_EQ(t.local_setup, Setup::passive);
  EXPECT_EQ(t.remote_candidates.size(), 4u);  // two mDNS hosts, other ports on each m-line
  EXPECT_FALSE(t.remote_end_of_candidates);
  EXPECT_TRUE(t.video.empty());
  EXPECT_FALSE(t.audio);
}

TEST(ViewerAnswer, ChromeWithFourVideoTransceiversGetsFourVideoMLinesWithTheirOwnSsrcs) {
  const auto [answer, a] = answer_and_reparse(read_offer(kChromeAudio4Video));
  ASSERT_EQ(a.media.size(), 5u);
  EXPECT_EQ(a.find_group("BUNDLE")->mids, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  ASSERT_EQ(answer.media.size(), 5u);
  std::set<std::string> tracks;
  for (std::size_t i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(answer.media[i].ssrc, kSsrcs[i]);
    EXPECT_EQ(answer.media[i].m_line_index, i);
    EXPECT_EQ(a.media[i].ssrcs, (std::vector<SsrcAttribute>{{kSsrcs[i], "cname", kCname}}));
    ASSERT_TRUE(a.media[i].msid);
    const auto [stream, track] = text::split_first(*a.media[i].msid);
    EXPECT_EQ(stream, kCname);  // one MediaStream: the player shows them together
    tracks.insert(std::string(track));
    if (i > 0) {
      // The same payload types on every video m-line: only the SSRC (or MID) tells them apart.
      EXPECT_EQ(a.media[i].formats, a.media[1].formats);
      EXPECT_EQ(answer.media[i].kind, ViewerMedia::Kind::video);
    }
  }
  EXPECT_EQ(tracks.size(), 5u);
  EXPECT_EQ(a.media[0].candidates.size(), 1u);  // ours, once, on the answerer-tagged m-line
  for (std::size_t i = 1; i < 5; ++i) EXPECT_TRUE(a.media[i].candidates.empty());
}

TEST(ViewerAnswer, FirefoxGetsMediaLevelExtmapAllowMixedAndSendonlyPlayoutDelay) {
  const auto [answer, a] = answer_and_reparse(read_offer(kFirefoxAudioVideo));
  ASSERT_EQ(a.media.size(), 2u);
  EXPECT_FALSE(a.extmap_allow_mixed);  // Firefox writes it per m-line
  EXPECT_TRUE(a.media[0].extmap_allow_mixed);
  EXPECT_TRUE(a.media[1].extmap_allow_mixed);
  EXPECT_TRUE(has_line(answer.sdp, "a=extmap-allow-mixed"));

  EXPECT_EQ(a.media[0].formats, formats({109}));
  EXPECT_EQ(a.media[0].find_fmtp(109)->parameters, "maxplaybackrate=48000;stereo=1;useinbandfec=1");
  // csrc-audio-level (2/recvonly) and ssrc-audio-level are not ours.
  EXPECT_EQ(a.media[0].extmaps, (std::vector<Extmap>{{3, std::nullopt, std::string(kMidUri), {}},
                                                     {7, std::nullopt, std::string(kTransportCcUri), {}}}));

  // VP8 and VP9 (no H.264 in this Firefox), fmtp echoed; not AV1, RTX, ulpfec or red.
  EXPECT_EQ(a.media[1].formats, formats({120, 121}));
  EXPECT_EQ(a.media[1].find_fmtp(120)->parameters, "max-fs=12288;max-fr=60");
  // playout-delay is offered recvonly (Firefox only receives it): we only send it.
  EXPECT_EQ(a.media[1].extmaps, (std::vector<Extmap>{{3, std::nullopt, std::string(kMidUri), {}},
                                                     {4, std::nullopt, std::string(kAbsSendTimeUri), {}},
                                                     {6, Direction::sendonly, std::string(kPlayoutDelayUri), {}},
                                                     {7, std::nullopt, std::string(kTransportCcUri), {}}}));
  EXPECT_TRUE(has_line(answer.sdp, "a=extmap:6/sendonly " + std::string(kPlayoutDelayUri)));

  ASSERT_EQ(answer.media.size(), 2u);
  EXPECT_TRUE(answer.media[0].two_byte_extensions_allowed);
  EXPECT_TRUE(answer.media[1].two_byte_extensions_allowed);
  EXPECT_EQ(answer.media[1].codecs[1].format, PayloadFormat::vp9);
  EXPECT_TRUE(answer.media[1].goog_remb);
  // Session-level fingerprint and a=sendrecv beside recvonly m-lines.
  EXPECT_EQ(answer.transport.remote_ice_ufrag, "5b3d6feb");
  EXPECT_EQ(answer.transport.remote_fingerprints.size(), 1u);
  EXPECT_TRUE(answer.transport.remote_end_of_candidates);
}

TEST(ViewerAnswer, GstreamerGetsVp8AndH264AndItsBundleOnlyAudio) {
  const auto [answer, a] = answer_and_reparse(read_offer(kGstreamer));
  ASSERT_EQ(a.media.size(), 2u);
  EXPECT_EQ(a.find_group("BUNDLE")->mids, (std::vector<std::string>{"video0", "audio1"}));
  EXPECT_EQ(a.media[0].formats, formats({96, 102}));
  EXPECT_EQ(a.media[0].find_fmtp(102)->parameters, "packetization-mode=1;profile-level-id=42e01f");
  EXPECT_TRUE(a.media[0].rtcp_mux_only);
  EXPECT_TRUE(a.media[0].extmaps.empty());
  // m=audio 0 with a=bundle-only is offered, not rejected (RFC 8843 §6).
  EXPECT_EQ(a.media[1].port, 9);
  EXPECT_EQ(a.media[1].formats, formats({111}));
  EXPECT_EQ(a.media[1].find_rtpmap(111)->encoding, "OPUS");
  // webrtcbin demultiplexes by SSRC: it must find each one announced.
  EXPECT_TRUE(has_line(answer.sdp, "a=ssrc:2863311530 cname:presentd-room"));
  EXPECT_TRUE(has_line(answer.sdp, "a=ssrc:17 cname:presentd-room"));

  ASSERT_EQ(answer.media.size(), 2u);
  const ViewerMedia& video = answer.media[0];
  EXPECT_EQ(video.mid, "video0");
  EXPECT_EQ(codec_payload_types(video), (std::vector<std::uint8_t>{96, 102}));
  EXPECT_EQ(video.codecs[1].format, PayloadFormat::h264);
  EXPECT_TRUE(video.nack && video.nack_pli && video.ccm_fir && video.transport_cc);
  EXPECT_FALSE(video.goog_remb);  // not offered
  EXPECT_FALSE(video.two_byte_extensions_allowed);
  EXPECT_EQ(answer.media[1].mid, "audio1");
  EXPECT_EQ(answer.media[1].ssrc, kSsrcs[1]);
  EXPECT_EQ(answer.transport.remote_candidates.size(), 9u);
}

// What every answer must hold, whatever the player.
TEST(ViewerAnswer, EveryAnswerToARealPlayerHasTheRequiredShape) {
  const ViewerAnswerConfig config = viewer_config();
  for (const auto* file : kAllOffers) {
    SCOPED_TRACE(file);
    const SessionDescription offer = read_offer(file);
    const auto [answer, a] = answer_and_reparse(offer);
    EXPECT_EQ(a, answer.description);  // the text parses back to the very model printed
    EXPECT_EQ(a.origin.session_id, "777");
    ASSERT_EQ(a.media.size(), offer.media.size());
    std::vector<std::string> accepted_mids;
    std::size_t sending = 0;
    for (std::size_t i = 0; i < a.media.size(); ++i) {
      const MediaDescription& m = a.media[i];
      const MediaDescription& o = offer.media[i];
      EXPECT_EQ(m.media, o.media);
      EXPECT_EQ(m.mid, o.mid);
      if (m.port == 0) continue;
      accepted_mids.push_back(*m.mid);
      EXPECT_EQ(m.direction, Direction::sendonly);
      EXPECT_TRUE(m.rtcp_mux);
      EXPECT_EQ(m.transport.ice_ufrag, config.ice_ufrag);
      EXPECT_EQ(m.transport.fingerprints, std::vector<Fingerprint>{config.fingerprint});
      EXPECT_EQ(m.transport.setup, Setup::passive);
      for (const auto pt : m.payload_types()) {
        ASSERT_NE(o.find_rtpmap(pt), nullptr) << int(pt);
        EXPECT_EQ(*m.find_rtpmap(pt), *o.find_rtpmap(pt));
        const std::string encoding = text::to_lower(m.find_rtpmap(pt)->encoding);
        EXPECT_TRUE(encoding == "vp8" || encoding == "vp9" || encoding == "h264" || encoding == "opus") << encoding;
        // JSEP §5.3.1: the offer's fmtp, echoed.
        EXPECT_EQ(m.find_fmtp(pt) != nullptr, o.find_fmtp(pt) != nullptr) << int(pt);
        if (m.find_fmtp(pt)) {
          EXPECT_EQ(m.find_fmtp(pt)->parameters, o.find_fmtp(pt)->parameters);
        }
      }
      for (const auto& fb : m.rtcp_feedback) EXPECT_TRUE(offered_feedback(o, fb)) << fb.type << ' ' << fb.parameter;
      for (const auto& e : m.extmaps) {
        EXPECT_TRUE(std::any_of(o.extmaps.begin(), o.extmaps.end(), [&](const Extmap& x) {
          return x.id == e.id && x.uri == e.uri;
        })) << e.uri;
      }
      ASSERT_EQ(m.ssrcs.size(), 1u);
      EXPECT_EQ(m.ssrcs[0], (SsrcAttribute{kSsrcs[sending], "cname", kCname}));
      ASSERT_LT(sending, answer.media.size());
      const ViewerMedia& media = answer.media[sending];
      EXPECT_EQ(media.m_line_index, i);
      EXPECT_EQ(media.mid, *m.mid);
      EXPECT_EQ(media.ssrc, kSsrcs[sending]);
      EXPECT_EQ(media.extensions, m.extmaps);
      std::vector<std::string> listed;
      for (const auto& c : media.codecs) listed.push_back(std::to_string(c.payload_type));
      EXPECT_EQ(listed, m.formats);
      ++sending;
    }
    EXPECT_EQ(sending, answer.media.size());
    EXPECT_EQ(a.find_group("BUNDLE")->mids, accepted_mids);
  }
}

TEST(ViewerAnswer, VideoMLinesBeyondTheMaximumAreRejectedWithPortZero) {
  const auto [answer, a] = answer_and_reparse(read_offer(kChromeAudio5Video));
  ASSERT_EQ(a.media.size(), 6u);
  EXPECT_EQ(a.media[5].port, 0);
  EXPECT_EQ(a.media[5].mid, "5");
  EXPECT_TRUE(a.media[5].ssrcs.empty());
  EXPECT_EQ(a.find_group("BUNDLE")->mids, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  EXPECT_EQ(answer.media.size(), 5u);

  ViewerAnswerConfig one = viewer_config();
  one.max_video_m_lines = 1;
  const auto [single, s] = answer_and_reparse(read_offer(kChromeAudio4Video), one);
  EXPECT_EQ(s.find_group("BUNDLE")->mids, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(single.media.size(), 2u);
}

TEST(ViewerAnswer, SendonlyInactiveAndRejectedMLinesAreRejectedAndSendrecvIsAnsweredSendonly) {
  SessionDescription offer = read_offer(kChromeAudio4Video);
  offer.media[2].direction = Direction::sendonly;  // the offerer would send: not a viewer's m-line
  offer.media[3].direction = Direction::inactive;
  offer.media[4].direction = Direction::sendrecv;  // an ffmpeg/OBS-style client may say sendrecv
  offer.media[1].port = 0;                         // the offerer itself rejected it
  const auto [answer, a] = answer_and_reparse(offer);
  ASSERT_EQ(a.media.size(), 5u);
  for (const std::size_t rejected : {1, 2, 3}) {
    SCOPED_TRACE(rejected);
    EXPECT_EQ(a.media[rejected].port, 0);
    EXPECT_EQ(a.media[rejected].mid, offer.media[rejected].mid);
    EXPECT_EQ(a.media[rejected].formats, offer.media[rejected].formats);
    EXPECT_FALSE(a.media[rejected].direction);
    EXPECT_TRUE(a.media[rejected].ssrcs.empty());
  }
  EXPECT_EQ(a.media[4].direction, Direction::sendonly);
  EXPECT_EQ(a.find_group("BUNDLE")->mids, (std::vector<std::string>{"0", "4"}));
  ASSERT_EQ(answer.media.size(), 2u);
  EXPECT_EQ(answer.media[1].m_line_index, 4u);
  EXPECT_EQ(answer.media[1].ssrc, kSsrcs[1]);  // SSRCs go to answered m-lines in order
}

TEST(ViewerAnswer, DataChannelsAndAPresentersSendonlyOffer) {
  // A presenter's offer (sendonly media and a data channel) sent to the viewers' endpoint.
  const auto presenter = parse_sdp(read_vector(kChromium));
  ASSERT_TRUE(presenter);
  const auto refused = build_viewer_answer(presenter.value(), viewer_config());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::unsupported_offer);
  EXPECT_EQ(http_status(refused.error().code), 422);
  EXPECT_NE(refused.error().message.find("receives RTP from us"), std::string::npos);

  // The same offer turned recvonly: the data channel is rejected with port 0, the media taken.
  SessionDescription offer = presenter.value();
  for (auto& m : offer.media) m.direction = Direction::recvonly;
  const auto [answer, a] = answer_and_reparse(offer);
  ASSERT_EQ(a.media.size(), 3u);
  EXPECT_EQ(a.media[2].media, "application");
  EXPECT_EQ(a.media[2].port, 0);
  EXPECT_EQ(a.media[2].mid, "2");
  EXPECT_EQ(a.find_group("BUNDLE")->mids, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(answer.media.size(), 2u);
}

TEST(ViewerAnswer, OffersWithNothingForwardableGet406NamingWhatTheyHad) {
  // Chrome reduced to AV1 (with RTX, red, ulpfec and flexfec, which the message leaves out) and
  // G.711.
  SessionDescription av1 = read_offer(kChromeAudioVideo);
  keep_encodings(av1.media[0], {"pcmu", "pcma"});
  keep_encodings(av1.media[1], {"av1", "rtx", "red", "ulpfec", "flexfec-03"});
  // Chrome reduced to what it has but we do not forward: H.264 mode 0, VP9 profiles 1-3.
  SessionDescription near_miss = read_offer(kChromeAudioVideo);
  near_miss.media[0].formats.clear();
  near_miss.media[0].formats.emplace_back("9");  // G722
  near_miss.media[1].formats = formats({104, 114, 39, 43, 100, 35, 37});
  // Firefox (VP8, VP9, AV1; no H.264) where the box forwards only H.264 and no audio.
  ViewerAnswerConfig h264_only = viewer_config();
  h264_only.video_codecs = {PayloadFormat::h264};
  h264_only.accept_audio = false;

  const struct {
    const char* name;
    SessionDescription offer;
    ViewerAnswerConfig config;
    std::vector<std::string> named;
  } cases[] = {
      {"AV1 and G.711", av1, viewer_config(), {"video: AV1; audio: PCMU, PCMA ("}},
      {"H.264 mode 0 and VP9 profiles 1-3", near_miss, viewer_config(), {"video: H264, VP9; audio: G722 ("}},
      {"Firefox to an H.264-only box",
       read_offer(kFirefoxAudioVideo),
       h264_only,
       {"video: VP8, VP9, AV1; audio: opus, G722", "we forward H264 packetization-mode=1, no audio"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto answer = build_viewer_answer(c.offer, c.config);
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().code, ErrorCode::no_common_codec);
    EXPECT_EQ(http_status(answer.error().code), 406);
    for (const auto& named : c.named)
      EXPECT_NE(answer.error().message.find(named), std::string::npos) << named << " in: " << answer.error().message;
    EXPECT_NE(answer.error().message.find("we forward"), std::string::npos);
  }
}

TEST(ViewerAnswer, AnMLineWithoutAForwardableCodecIsRejectedWhileTheOthersAreAnswered) {
  SessionDescription offer = read_offer(kChromeAudio4Video);
  keep_encodings(offer.media[2], {"av1", "rtx"});
  const auto [answer, a] = answer_and_reparse(offer);
  EXPECT_EQ(a.media[2].port, 0);  // RFC 3264 §6.1: no format in common, the stream is rejected
  EXPECT_EQ(a.find_group("BUNDLE")->mids, (std::vector<std::string>{"0", "1", "3", "4"}));
  EXPECT_EQ(answer.media.size(), 4u);
}

TEST(ViewerAnswer, FeedbackFlagsHoldOnlyWhenEveryAnsweredCodecHasThem) {
  SessionDescription offer = read_offer(kChromeAudioVideo);
  auto& feedback = offer.media[1].rtcp_feedback;
  feedback.erase(std::remove(feedback.begin(), feedback.end(), RtcpFeedback{98, "goog-remb", ""}), feedback.end());
  const auto [answer, a] = answer_and_reparse(offer);
  EXPECT_FALSE(answer.media[1].goog_remb);
  EXPECT_TRUE(answer.media[1].nack);
  EXPECT_TRUE(has_line(answer.sdp, "a=rtcp-fb:96 goog-remb"));
  EXPECT_FALSE(has_line(answer.sdp, "a=rtcp-fb:98 goog-remb"));
}

TEST(ViewerAnswer, TransportErrorsAreTheReceiveAnswersOnes) {
  SessionDescription no_fingerprint = read_offer(kGstreamer);
  for (auto& m : no_fingerprint.media) m.transport.fingerprints.clear();
  SessionDescription sha1_only = read_offer(kFirefoxAudioVideo);
  sha1_only.transport.fingerprints = {
      Fingerprint{"sha-1", "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01"}};
  SessionDescription no_ice = read_offer(kChromeAudioVideo);
  for (auto& m : no_ice.media) m.transport.ice_pwd.reset();
  SessionDescription holdconn = read_offer(kChromeAudioVideo);
  for (auto& m : holdconn.media) m.transport.setup = Setup::holdconn;
  SessionDescription no_rtcp_mux = read_offer(kChromeAudioVideo);
  for (auto& m : no_rtcp_mux.media) m.rtcp_mux = false;

  const struct {
    const char* name;
    SessionDescription offer;
    ErrorCode code;
    int status;
  } cases[] = {
      {"no fingerprint", no_fingerprint, ErrorCode::missing_field, 400},
      {"only a SHA-1 fingerprint", sha1_only, ErrorCode::missing_field, 400},
      {"no ice-pwd", no_ice, ErrorCode::missing_field, 400},
      {"holdconn", holdconn, ErrorCode::unsupported_offer, 422},
      {"no rtcp-mux", no_rtcp_mux, ErrorCode::unsupported_offer, 422},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto answer = build_viewer_answer(c.offer, viewer_config());
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().code, c.code) << answer.error().message;
    EXPECT_EQ(http_status(answer.error().code), c.status);
  }
}

TEST(ViewerAnswer, DtlsRoleFollowsTheOfferedSetup) {
  const struct {
    sdp::Setup offered;
    sdp::Setup ours;
  } cases[] = {{sdp::Setup::actpass, sdp::Setup::passive},
               {sdp::Setup::active, sdp::Setup::passive},
               {sdp::Setup::passive, sdp::Setup::active}};
  for (const auto& c : cases) {
    SessionDescription offer = read_offer(kChromeAudioVideo);
    for (auto& m : offer.media) m.transport.setup = c.offered;
    const auto [answer, a] = answer_and_reparse(offer);
    EXPECT_EQ(answer.transport.local_setup, c.ours);
    EXPECT_EQ(a.media[0].transport.setup, c.ours);
    EXPECT_EQ(a.media[1].transport.setup, c.ours);
  }
}

TEST(ViewerAnswer, OfferWithoutBundleGetsOneMLine) {
  SessionDescription offer = read_offer(kChromeAudioVideo);
  offer.groups.clear();
  const auto [answer, a] = answer_and_reparse(offer);
  EXPECT_TRUE(a.groups.empty());
  EXPECT_NE(a.media[0].port, 0);
  EXPECT_EQ(a.media[1].port, 0);
  EXPECT_EQ(answer.media.size(), 1u);
}

TEST(ViewerAnswer, AudioCanBeSwitchedOffAndOnlyTheFirstOpusMLineIsTaken) {
  ViewerAnswerConfig no_audio = viewer_config();
  no_audio.accept_audio = false;
  no_audio.ssrcs.resize(4);
  const auto [video_only, v] = answer_and_reparse(read_offer(kChromeAudioVideo), no_audio);
  EXPECT_EQ(v.media[0].port, 0);
  ASSERT_EQ(video_only.media.size(), 1u);
  EXPECT_EQ(video_only.media[0].ssrc, kSsrcs[0]);

  // A second audio m-line (the first audio section again, as mid 9) is rejected.
  SessionDescription offer = read_offer(kChromeAudioVideo);
  MediaDescription second = offer.media[0];
  second.mid = "9";
  offer.media.push_back(second);
  offer.groups[0].mids.push_back("9");
  const auto [answer, a] = answer_and_reparse(offer);
  ASSERT_EQ(a.media.size(), 3u);
  EXPECT_EQ(a.media[2].port, 0);
  EXPECT_EQ(answer.media.size(), 2u);
}

TEST(ViewerAnswer, ConfigurationWithTooFewOrRepeatedSsrcsOrABadCnameIsRefusedWhateverTheOffer) {
  ViewerAnswerConfig too_few = viewer_config();
  too_few.ssrcs.resize(4);  // four video m-lines and audio need five
  ViewerAnswerConfig repeated = viewer_config();
  repeated.ssrcs[3] = repeated.ssrcs[0];
  ViewerAnswerConfig spaced = viewer_config();
  spaced.cname = "presentd room";
  ViewerAnswerConfig empty = viewer_config();
  empty.cname.clear();
  ViewerAnswerConfig long_cname = viewer_config();
  long_cname.cname.assign(65, 'c');
  for (const auto* config : {&too_few, &repeated, &spaced, &empty, &long_cname}) {
    const auto answer = build_viewer_answer(read_offer(kGstreamer), *config);
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().code, ErrorCode::bad_config) << answer.error().message;
    EXPECT_EQ(http_status(answer.error().code), 500);
  }
  ViewerAnswerConfig exact = viewer_config();
  exact.max_video_m_lines = 1;
  exact.ssrcs.resize(2);
  exact.cname.assign(64, 'c');
  EXPECT_TRUE(build_viewer_answer(read_offer(kGstreamer), exact));
}

}  // namespace
}  // namespace presentd::sdp

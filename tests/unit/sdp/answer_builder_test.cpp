// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/answer_builder.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/sdp/text.hpp"
#include "sdp/codec_selection.hpp"
#include "support/sdp/sdp_fixtures.hpp"

namespace presentd::sdp {
namespace {

using namespace testing;
using rtp::PayloadFormat;

AnswerConfig test_config() {
  AnswerConfig config;
  config.ice_ufrag = "pdUf";
  config.ice_pwd = "presentdIcePasswordOf24x";
  config.fingerprint = Fingerprint{
      "sha-256", "12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0"};
  config.candidates = {"candidate:1 1 udp 2130706431 10.200.0.1 50000 typ host",
                       "candidate:2 1 tcp 1518280447 10.200.0.1 8443 typ host tcptype passive"};
  config.session_id = "4242";
  return config;
}

Result<Answer> answer_for(const std::string& offer_text, const AnswerConfig& config = test_config()) {
  const auto offer = parse_sdp(offer_text);
  if (!offer) return offer.error();
  return build_answer(offer.value(), config);
}

struct AnswerCase {
  const char* file;
  std::uint8_t primary_pt;
  std::map<std::uint8_t, PayloadFormat> payload_types;
  std::map<std::uint8_t, std::uint8_t> rtx;
  std::optional<std::uint8_t> audio_pt;
  std::vector<bool> accepted;  // per offered m-line
  std::optional<std::uint32_t> media_ssrc;
  std::optional<std::uint32_t> rtx_ssrc;
  std::optional<std::uint8_t> transport_cc_id;
  std::optional<std::uint8_t> playout_delay_id;
  bool nack, pli, fir, remb, tcc;
};

// What each captured offer must negotiate with the default preference {VP8, H.264, VP9}.
const AnswerCase kAnswers[] = {
    {kChromium,
     96,
     {{96, PayloadFormat::vp8}, {108, PayloadFormat::h264}, {98, PayloadFormat::vp9}},
     {{97, 96}, {109, 108}, {99, 98}},
     111,
     {true, true, false},
     2934705546u,
     21456333u,
     4,
     5,
     true,
     true,
     true,
     true,
     true},
    {kFirefox,
     120,
     {{120, PayloadFormat::vp8}, {121, PayloadFormat::vp9}},
     {{124, 120}, {125, 121}},
     109,
     {true, true, false},
     3161823532u,
     2944499742u,
     7,
     std::nullopt,
     true,
     true,
     true,
     true,
     true},
    {kGstVp8,
     96,
     {{96, PayloadFormat::vp8}},
     {},
     111,
     {true, true},
     3921882913u,
     std::nullopt,
     std::nullopt,
     std::nullopt,
     false,
     true,
     true,
     false,
     true},
    {kGstH264,
     102,
     {{102, PayloadFormat::h264}},
     {},
     std::nullopt,
     {true},
     874357462u,
     std::nullopt,
     std::nullopt,
     std::nullopt,
     false,
     true,
     true,
     false,
     true},
    {kAiortc,
     97,
     {{97, PayloadFormat::vp8}, {101, PayloadFormat::h264}},
     {{98, 97}, {102, 101}},
     96,
     {true, true},
     2505409034u,
     3161732375u,
     std::nullopt,
     std::nullopt,
     true,
     true,
     false,
     true,
     false},
    {kObs,
     96,
     {{96, PayloadFormat::h264}},
     {},
     111,
     {true, true},
     3140207520u,
     std::nullopt,
     std::nullopt,
     std::nullopt,
     true,
     true,
     false,
     true,
     false},
    {kFirefoxWhip,
     120,
     {{120, PayloadFormat::vp8}, {121, PayloadFormat::vp9}},
     {{124, 120}, {125, 121}},
     std::nullopt,
     {true},
     4163041028u,
     2440805799u,
     7,
     std::nullopt,
     true,
     true,
     true,
     true,
     true},
};

TEST(AnswerBuilder, NegotiatesWhatEachCapturedOfferAllows) {
  for (const auto& c : kAnswers) {
    SCOPED_TRACE(c.file);
    const auto answer = answer_for(read_vector(c.file));
    ASSERT_TRUE(answer) << answer.error().message;
    const Negotiated& n = answer->negotiated;
    ASSERT_EQ(n.video.size(), 1u);
    const NegotiatedVideo& v = n.video[0];
    EXPECT_EQ(v.primary_payload_type, c.primary_pt);
    EXPECT_EQ(v.payload_types, c.payload_types);
    EXPECT_EQ(v.rtx_payload_types, c.rtx);
    EXPECT_EQ(v.media_ssrc, c.media_ssrc);
    EXPECT_EQ(v.rtx_ssrc, c.rtx_ssrc);
    EXPECT_EQ(v.transport_cc_extension_id, c.transport_cc_id);
    EXPECT_EQ(n.transport_cc_extension_id, c.transport_cc_id);
    EXPECT_EQ(v.playout_delay_extension_id, c.playout_delay_id);
    EXPECT_EQ(v.nack, c.nack);
    EXPECT_EQ(v.nack_pli, c.pli);
    EXPECT_EQ(v.ccm_fir, c.fir);
    EXPECT_EQ(v.goog_remb, c.remb);
    EXPECT_EQ(v.transport_cc, c.tcc);
    EXPECT_EQ(n.audio.has_value(), c.audio_pt.has_value());
    if (n.audio && c.audio_pt) {
      EXPECT_EQ(n.audio->payload_type, *c.audio_pt);
    }
    ASSERT_EQ(answer->description.media.size(), c.accepted.size());
    for (std::size_t i = 0; i < c.accepted.size(); ++i)
      EXPECT_EQ(answer->description.media[i].port != 0, c.accepted[i]) << i;
    EXPECT_EQ(n.local_setup, Setup::passive);  // every fixture says actpass
    EXPECT_FALSE(n.remote_fingerprints.empty());
    EXPECT_FALSE(n.remote_ice_ufrag.empty());
  }
}

bool offered_feedback(const MediaDescription& offer, const RtcpFeedback& fb) {
  return std::any_of(offer.rtcp_feedback.begin(), offer.rtcp_feedback.end(), [&](const RtcpFeedback& o) {
    return (!o.payload_type || o.payload_type == fb.payload_type) && o.type == fb.type && o.parameter == fb.parameter;
  });
}

// The properties every answer must have, whatever the sender (issue 4 item 3).
TEST(AnswerBuilder, EveryAnswerHasTheRequiredShape) {
  const AnswerConfig config = test_config();
  for (const auto& c : kAnswers) {
    SCOPED_TRACE(c.file);
    const auto offer = parse_sdp(read_vector(c.file));
    ASSERT_TRUE(offer);
    const auto answer = build_answer(offer.value(), config);
    ASSERT_TRUE(answer) << answer.error().message;
    // The text parses back to the very model that was printed.
    const auto reparsed = parse_sdp(answer->sdp);
    ASSERT_TRUE(reparsed) << reparsed.error().message;
    EXPECT_EQ(reparsed.value(), answer->description);
    const SessionDescription& a = reparsed.value();
    EXPECT_FALSE(a.ice_lite);
    EXPECT_EQ(a.origin.session_id, "4242");
    ASSERT_EQ(a.media.size(), offer->media.size());

    std::vector<std::string> accepted_mids;
    bool candidates_seen = false;
    for (std::size_t i = 0; i < a.media.size(); ++i) {
      const MediaDescription& m = a.media[i];
      const MediaDescription& o = offer->media[i];
      EXPECT_EQ(m.media, o.media);
      EXPECT_EQ(m.mid, o.mid);
      if (m.port == 0) {
        EXPECT_TRUE(m.candidates.empty());
        continue;
      }
      accepted_mids.push_back(*m.mid);
      EXPECT_EQ(m.port, 9);
      EXPECT_EQ(m.direction, Direction::recvonly);
      EXPECT_TRUE(m.rtcp_mux);
      EXPECT_EQ(m.rtcp_mux_only, o.rtcp_mux_only);
      EXPECT_EQ(m.transport.ice_ufrag, config.ice_ufrag);
      EXPECT_EQ(m.transport.ice_pwd, config.ice_pwd);
      EXPECT_EQ(m.transport.fingerprints, std::vector<Fingerprint>{config.fingerprint});
      EXPECT_EQ(m.transport.setup, Setup::passive);
      // Codecs: the offer's own numbers and rtpmaps, never one it did not list.
      for (const auto pt : m.payload_types()) {
        const auto listed = o.payload_types();
        EXPECT_NE(std::find(listed.begin(), listed.end(), pt), listed.end()) << int(pt);
        ASSERT_NE(m.find_rtpmap(pt), nullptr);
        ASSERT_NE(o.find_rtpmap(pt), nullptr);
        EXPECT_TRUE(text::iequals(m.find_rtpmap(pt)->encoding, o.find_rtpmap(pt)->encoding));
        const std::string encoding = text::to_lower(m.find_rtpmap(pt)->encoding);
        const std::string fmtp = m.find_fmtp(pt) ? m.find_fmtp(pt)->parameters : "";
        if (encoding == "h264") {
          EXPECT_EQ(fmtp_parameter(fmtp, "packetization-mode"), "1");
          EXPECT_EQ(fmtp_parameter(fmtp, "level-asymmetry-allowed"), "1");
          EXPECT_EQ(fmtp_parameter(fmtp, "profile-level-id"),
                    fmtp_parameter(o.find_fmtp(pt)->parameters, "profile-level-id"));
        } else if (encoding == "rtx") {
          const auto apt = fmtp_parameter(fmtp, "apt");
          ASSERT_TRUE(apt);
          EXPECT_NE(m.find_rtpmap(static_cast<std::uint8_t>(std::stoi(*apt))), nullptr);
        }
      }
      // Only feedback and extensions the offer carries on this m-line.
      for (const auto& fb : m.rtcp_feedback) EXPECT_TRUE(offered_feedback(o, fb)) << fb.type << ' ' << fb.parameter;
      for (const auto& e : m.extmaps) {
        EXPECT_TRUE(std::any_of(o.extmaps.begin(), o.extmaps.end(), [&](const Extmap& x) {
          return x.id == e.id && x.uri == e.uri;
        })) << e.uri;
      }
      if (m.media == "video") {
        EXPECT_EQ(m.bandwidths, (std::vector<Bandwidth>{{"AS", 8000}, {"TIAS", 8'000'000}}));
      }
      if (!m.candidates.empty()) {
        EXPECT_FALSE(candidates_seen) << "candidates belong on the tagged m-line only";
        candidates_seen = true;
        EXPECT_EQ(m.candidates.size(), 2u);
        EXPECT_EQ(m.candidates[1].tcptype, "passive");
        EXPECT_TRUE(m.end_of_candidates);
        EXPECT_EQ(accepted_mids.size(), 1u);
      }
    }
    EXPECT_TRUE(candidates_seen);
    const Group* bundle = a.find_group("BUNDLE");
    ASSERT_NE(bundle, nullptr);
    EXPECT_EQ(bundle->mids, accepted_mids);
    EXPECT_EQ(a.groups.size(), 1u);
  }
}

TEST(AnswerBuilder, CodecChoiceFollowsTheConfiguredPreference) {
  struct Case {
    const char* file;
    std::vector<PayloadFormat> preference;
    std::uint8_t primary;
    std::string fmtp;
  };
  const Case cases[] = {
      // Chrome offers 42001f (102), 42e01f (108), 4d001f (116) with mode 1: constrained baseline 42e01f wins.
      {kChromium,
       {PayloadFormat::h264, PayloadFormat::vp8},
       108,
       "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"},
      {kChromium, {PayloadFormat::vp9}, 98, "profile-id=0"},
      {kAiortc, {PayloadFormat::h264}, 101, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"},
      {kGstH264,
       {PayloadFormat::h264, PayloadFormat::vp8},
       102,
       "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42c00d"},
      {kFirefox, {PayloadFormat::h264, PayloadFormat::vp9, PayloadFormat::vp8}, 121, ""},  // Firefox: no H.264
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    AnswerConfig config = test_config();
    config.video_codecs = c.preference;
    const auto answer = answer_for(read_vector(c.file), config);
    ASSERT_TRUE(answer) << answer.error().message;
    const NegotiatedVideo& v = answer->negotiated.video[0];
    EXPECT_EQ(v.primary_payload_type, c.primary);
    const MediaDescription& m = answer->description.media[v.m_line_index];
    EXPECT_EQ(m.formats.front(), std::to_string(c.primary));
    const Fmtp* fmtp = m.find_fmtp(c.primary);
    EXPECT_EQ(fmtp ? fmtp->parameters : "", c.fmtp);
    // Formats outside the preference never appear.
    for (const auto& [pt, format] : v.payload_types) {
      EXPECT_NE(std::find(c.preference.begin(), c.preference.end(), format), c.preference.end()) << int(pt);
    }
  }
}

TEST(AnswerBuilder, DtlsRoleFollowsTheOfferedSetup) {
  const struct {
    const char* offered;
    sdp::Setup ours;
  } cases[] = {{"actpass", sdp::Setup::passive}, {"active", sdp::Setup::passive}, {"passive", sdp::Setup::active}};
  for (const auto& c : cases) {
    std::string offer = kMinimalOffer;
    offer.replace(offer.find("a=setup:actpass"), 15, std::string("a=setup:") + c.offered);
    const auto answer = answer_for(offer);
    ASSERT_TRUE(answer) << answer.error().message;
    EXPECT_EQ(answer->negotiated.local_setup, c.ours) << c.offered;
    EXPECT_NE(answer->sdp.find(std::string("a=setup:") + std::string(setup_name(c.ours)) + "\r\n"), std::string::npos);
  }
}

TEST(AnswerBuilder, MaximumBitrateIsAParameterWithTheIssueDefaults) {
  EXPECT_EQ(default_max_bitrate(1920, 1080), 8'000'000u);
  EXPECT_EQ(default_max_bitrate(1280, 720), 8'000'000u);
  EXPECT_EQ(default_max_bitrate(3840, 2160), 20'000'000u);
  AnswerConfig config = test_config();
  config.max_bitrate_bps = default_max_bitrate(3840, 2160);
  const auto answer = answer_for(kMinimalOffer, config);
  ASSERT_TRUE(answer);
  EXPECT_NE(answer->sdp.find("b=AS:20000\r\nb=TIAS:20000000\r\n"), std::string::npos);
}

TEST(AnswerBuilder, RejectsWhatItCannotReceiveWithPortZero) {
  // Two video m-lines and a second audio: only the first of each is taken.
  std::string offer = read_vector(kObs);
  const std::string video = offer.substr(offer.find("m=video"));
  const std::string audio = offer.substr(offer.find("m=audio"), offer.find("m=video") - offer.find("m=audio"));
  std::string second_video = video;
  second_video.replace(second_video.find("a=mid:1"), 7, "a=mid:2");
  std::string second_audio = audio;
  second_audio.replace(second_audio.find("a=mid:0"), 7, "a=mid:3");
  offer += second_video + second_audio;
  offer.replace(offer.find("a=group:BUNDLE 0 1"), 18, "a=group:BUNDLE 0 1 2 3");
  const auto answer = answer_for(offer);
  ASSERT_TRUE(answer) << answer.error().message;
  const auto& media = answer->description.media;
  ASSERT_EQ(media.size(), 4u);
  EXPECT_NE(media[0].port, 0);
  EXPECT_NE(media[1].port, 0);
  EXPECT_EQ(media[2].port, 0);
  EXPECT_EQ(media[2].mid, "2");
  EXPECT_EQ(media[3].port, 0);
  EXPECT_EQ(media[3].mid, "3");
  EXPECT_EQ(answer->description.find_group("BUNDLE")->mids, (std::vector<std::string>{"0", "1"}));

  // Audio switched off by configuration.
  AnswerConfig no_audio = test_config();
  no_audio.accept_audio = false;
  const auto video_only = answer_for(read_vector(kObs), no_audio);
  ASSERT_TRUE(video_only);
  EXPECT_EQ(video_only->description.media[0].port, 0);
  EXPECT_FALSE(video_only->negotiated.audio);
  EXPECT_EQ(video_only->description.find_group("BUNDLE")->mids, (std::vector<std::string>{"1"}));
}

TEST(AnswerBuilder, OfferWithoutBundleGetsOneMLine) {
  std::string offer = read_vector(kObs);
  offer.erase(offer.find("a=group:BUNDLE 0 1\r\n"), 20);
  const auto answer = answer_for(offer);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_TRUE(answer->description.groups.empty());
  EXPECT_NE(answer->description.media[0].port, 0);  // the audio comes first in OBS offers
  EXPECT_EQ(answer->description.media[1].port, 0);
}

TEST(AnswerBuilder, ExtmapDirectionsAreMirrored) {
  std::string offer = kMinimalOffer;
  offer += "a=extmap:3/sendonly " + std::string(kTransportCcUri) + "\r\n";
  offer += "a=extmap:6/recvonly " + std::string(kPlayoutDelayUri) + "\r\n";
  offer += "a=extmap:7 " + std::string(kMidUri) + "\r\n";
  offer += "a=extmap:8 urn:ietf:params:rtp-hdrext:toffset\r\n";
  const auto answer = answer_for(offer);
  ASSERT_TRUE(answer);
  const auto& extmaps = answer->description.media[0].extmaps;
  ASSERT_EQ(extmaps.size(), 2u);
  EXPECT_EQ(extmaps[0], (Extmap{3, Direction::recvonly, std::string(kTransportCcUri), {}}));
  EXPECT_EQ(extmaps[1], (Extmap{7, std::nullopt, std::string(kMidUri), {}}));
  EXPECT_NE(answer->sdp.find("a=extmap:3/recvonly " + std::string(kTransportCcUri)), std::string::npos);
}

std::string without_line(const std::string& prefix) {
  std::string offer = kMinimalOffer;
  const auto at = offer.find(prefix);
  return offer.erase(at, offer.find("\r\n", at) + 2 - at);
}

TEST(AnswerBuilder, FeedbackForPayloadTypesOffTheMLineIsIgnoredAndWildcardsApply) {
  // Firefox lists rtcp-fb for payload types its m-line does not carry; a "*" applies to all.
  std::string offer = kMinimalOffer;
  offer += "a=rtcp-fb:120 nack\r\na=rtcp-fb:120 ccm fir\r\na=rtcp-fb:* nack pli\r\na=rtcp-fb:96 unknown-fb\r\n";
  const auto answer = answer_for(offer);
  ASSERT_TRUE(answer) << answer.error().message;
  const auto& feedback = answer->description.media[0].rtcp_feedback;
  ASSERT_EQ(feedback.size(), 1u);
  EXPECT_EQ(feedback[0], (RtcpFeedback{96, "nack", "pli"}));
  EXPECT_TRUE(answer->negotiated.video[0].nack_pli);
  EXPECT_FALSE(answer->negotiated.video[0].nack);
  EXPECT_FALSE(answer->negotiated.video[0].ccm_fir);
  EXPECT_EQ(answer->sdp.find("a=rtcp-fb:120"), std::string::npos);
}

TEST(AnswerBuilder, ErrorsForOffersWithoutTransportOrCodecs) {
  const struct {
    const char* name;
    std::string offer;
    ErrorCode code;
    int status;
  } cases[] = {
      {"missing fingerprint", without_line("a=fingerprint"), ErrorCode::missing_field, 400},
      {"missing ice-pwd", without_line("a=ice-pwd"), ErrorCode::missing_field, 400},
      {"only AV1", std::string(kMinimalOffer).replace(std::string(kMinimalOffer).find("VP8"), 3, "AV1"),
       ErrorCode::no_common_codec, 406},
      {"no rtcp-mux", without_line("a=rtcp-mux"), ErrorCode::unsupported_offer, 422},
      {"recvonly offer",
       std::string(kMinimalOffer).replace(std::string(kMinimalOffer).find("a=sendonly"), 10, "a=recvonly"),
       ErrorCode::unsupported_offer, 422},
      {"holdconn", std::string(kMinimalOffer).replace(std::string(kMinimalOffer).find("actpass"), 7, "holdconn"),
       ErrorCode::unsupported_offer, 422},
      {"H.264 mode 0 only",
       std::string(kMinimalOffer).replace(std::string(kMinimalOffer).find("VP8"), 3, "H264") +
           "a=fmtp:96 packetization-mode=0;profile-level-id=42e01f\r\n",
       ErrorCode::no_common_codec, 406},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto offer = parse_sdp(c.offer);
    ASSERT_TRUE(offer) << offer.error().message;
    const auto answer = build_answer(offer.value(), test_config());
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().code, c.code) << answer.error().message;
    EXPECT_EQ(http_status(answer.error().code), c.status);
  }
}

TEST(AnswerBuilder, RemoteCandidatesAreCollectedOnceAndMayBeAbsent) {
  const auto chrome = answer_for(read_vector(kChromium));
  ASSERT_TRUE(chrome);
  ASSERT_EQ(chrome->negotiated.remote_candidates.size(), 2u);
  EXPECT_TRUE(chrome->negotiated.remote_candidates[0].is_mdns());
  const auto aiortc = answer_for(read_vector(kAiortc));  // the same two candidates in each m-line
  ASSERT_TRUE(aiortc);
  EXPECT_EQ(aiortc->negotiated.remote_candidates.size(), 4u);  // different ports per m-line
  EXPECT_TRUE(aiortc->negotiated.remote_end_of_candidates);
  EXPECT_EQ(aiortc->negotiated.remote_ice_ufrag, "eTWo");  // the tagged (first) m-line's
  const auto obs = answer_for(read_vector(kObs));
  ASSERT_TRUE(obs);
  EXPECT_TRUE(obs->negotiated.remote_candidates.empty());
  EXPECT_EQ(obs->negotiated.remote_ice_ufrag, "Qh7d");  // session level
}

}  // namespace
}  // namespace presentd::sdp

// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/sdp_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "presentd/sdp/sdp_lines.hpp"
#include "support/sdp/sdp_fixtures.hpp"

namespace presentd::sdp {
namespace {

using namespace testing;

struct FixtureCase {
  const char* file;
  std::vector<std::string> media;       // m-line types in order
  std::vector<std::string> bundle;      // a=group:BUNDLE mids
  std::size_t candidates_first_m_line;  // a=candidate lines in the first m-line
  bool mdns;                            // every host candidate is a .local name
  bool session_level_credentials;       // ice-ufrag/pwd at session level
  bool extmap_allow_mixed;
};

// Facts read off each captured offer (tests/vectors/sdp/README.md).
const FixtureCase kFixtures[] = {
    {kChromium, {"video", "audio", "application"}, {"0", "1", "2"}, 2, true, false, true},
    {kGstVp8, {"video", "audio"}, {"video0", "audio1"}, 9, false, false, false},
    {kGstH264, {"video"}, {"video0"}, 9, false, false, false},
    {kAiortc, {"video", "audio"}, {"0", "1"}, 2, false, false, false},
    {kFirefox, {"video", "audio", "application"}, {"0", "1", "2"}, 8, true, false, false},
    {kObs, {"audio", "video"}, {"0", "1"}, 0, false, true, false},
    {kFirefoxWhip, {"video"}, {"0"}, 8, false, false, false},
};

TEST(SdpParser, ParsesEveryCapturedOffer) {
  for (const auto& f : kFixtures) {
    SCOPED_TRACE(f.file);
    const std::string body = read_vector(f.file);
    ASSERT_FALSE(body.empty());
    const auto parsed = parse_sdp(body);
    ASSERT_TRUE(parsed) << parsed.error().message;
    const SessionDescription& d = parsed.value();
    ASSERT_EQ(d.media.size(), f.media.size());
    for (std::size_t i = 0; i < f.media.size(); ++i) {
      EXPECT_EQ(d.media[i].media, f.media[i]);
      ASSERT_TRUE(d.media[i].mid);
      EXPECT_EQ(*d.media[i].mid, f.bundle[i]);
      // Every sender's video and audio m-lines have credentials and a fingerprint, at one level
      // or the other.
      EXPECT_TRUE(effective_ice_ufrag(d, d.media[i]));
      EXPECT_TRUE(effective_ice_pwd(d, d.media[i]));
      EXPECT_FALSE(effective_fingerprints(d, d.media[i]).empty());
      EXPECT_EQ(effective_setup(d, d.media[i]), Setup::actpass);
    }
    const Group* bundle = d.find_group("BUNDLE");
    ASSERT_NE(bundle, nullptr);
    EXPECT_EQ(bundle->mids, f.bundle);
    EXPECT_EQ(d.media[0].candidates.size(), f.candidates_first_m_line);
    for (const auto& c : d.media[0].candidates) {
      if (c.type == "host") {
        EXPECT_EQ(c.is_mdns(), f.mdns) << c.address;
      }
    }
    EXPECT_EQ(d.transport.ice_ufrag.has_value(), f.session_level_credentials);
    EXPECT_EQ(d.extmap_allow_mixed, f.extmap_allow_mixed);
  }
}

TEST(SdpParser, ReadsChromiumVideoSectionInDetail) {
  const auto parsed = parse_sdp(read_vector(kChromium));
  ASSERT_TRUE(parsed);
  const MediaDescription& video = parsed->media[0];
  EXPECT_EQ(video.proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(video.direction, Direction::sendonly);
  EXPECT_TRUE(video.rtcp_mux);
  EXPECT_TRUE(video.rtcp_rsize);
  ASSERT_NE(video.find_rtpmap(96), nullptr);
  EXPECT_EQ(video.find_rtpmap(96)->encoding, "VP8");
  EXPECT_EQ(video.find_rtpmap(96)->clock_rate, 90000u);
  ASSERT_NE(video.find_fmtp(97), nullptr);
  EXPECT_EQ(video.find_fmtp(97)->parameters, "apt=96");
  const auto vp8_feedback = std::count_if(video.rtcp_feedback.begin(), video.rtcp_feedback.end(),
                                          [](const RtcpFeedback& fb) { return fb.payload_type == 96; });
  EXPECT_EQ(vp8_feedback, 5);
  ASSERT_FALSE(video.extmaps.empty());
  EXPECT_EQ(video.extmaps[0].id, 1);
  EXPECT_EQ(video.extmaps[0].uri, "urn:ietf:params:rtp-hdrext:toffset");
  ASSERT_EQ(video.ssrc_groups.size(), 1u);
  EXPECT_EQ(video.ssrc_groups[0].semantics, "FID");
  EXPECT_EQ(video.ssrc_groups[0].ssrcs, (std::vector<std::uint32_t>{2934705546u, 21456333u}));
  EXPECT_TRUE(video.end_of_candidates || !video.candidates.empty());
  ASSERT_EQ(video.transport.fingerprints.size(), 1u);
  EXPECT_EQ(video.transport.fingerprints[0].algorithm, "sha-256");
  EXPECT_EQ(parsed->media[2].proto, "UDP/DTLS/SCTP");
  EXPECT_EQ(parsed->media[2].formats, (std::vector<std::string>{"webrtc-datachannel"}));
}

TEST(SdpParser, GStreamerBundleOnlyAudioAndRtcpMuxOnly) {
  const auto parsed = parse_sdp(read_vector(kGstVp8));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->media[1].port, 0);
  EXPECT_TRUE(parsed->media[1].bundle_only);
  EXPECT_TRUE(parsed->media[0].rtcp_mux_only);
  const auto& candidates = parsed->media[0].candidates;
  EXPECT_TRUE(
      std::any_of(candidates.begin(), candidates.end(), [](const Candidate& c) { return c.tcptype == "passive"; }));
}

TEST(SdpParser, LfAndCrlfLineEndsGiveTheSameModel) {
  const std::string crlf = read_vector(kChromium);
  std::string lf;
  std::copy_if(crlf.begin(), crlf.end(), std::back_inserter(lf), [](char c) { return c != '\r'; });
  const auto a = parse_sdp(crlf);
  const auto b = parse_sdp(lf);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(a.value(), b.value());
}

TEST(SdpParser, FirefoxIdiomsAreTolerated) {
  // Session-level a=sendrecv beside a sendonly m-line, an extmap with a direction, rtcp-fb for a
  // payload type the m-line does not list, an unknown attribute and an unknown line type.
  const std::string offer = std::string(kMinimalOffer) +
                            "a=extmap:4/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level\r\n"
                            "a=rtcp-fb:120 nack\r\n"
                            "a=x-unknown-thing:42\r\n"
                            "k=prompt\r\n";
  const std::string with_session_direction = std::string(offer).insert(offer.find("a=group"), "a=sendrecv\r\n");
  const auto parsed = parse_sdp(with_session_direction);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->direction, Direction::sendrecv);
  EXPECT_EQ(effective_direction(parsed.value(), parsed->media[0]), Direction::sendonly);
  ASSERT_EQ(parsed->media[0].extmaps.size(), 1u);
  EXPECT_EQ(parsed->media[0].extmaps[0].direction, Direction::recvonly);
  EXPECT_EQ(parsed->media[0].extmaps[0].id, 4);
  ASSERT_EQ(parsed->media[0].rtcp_feedback.size(), 1u);
  EXPECT_EQ(parsed->media[0].rtcp_feedback[0].payload_type, 120);
}

TEST(SdpParser, MediaLevelOverridesSessionLevel) {
  std::string offer = kMinimalOffer;
  offer += "a=fingerprint:sha-512 01:02\r\na=setup:passive\r\n";
  const auto parsed = parse_sdp(offer);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(effective_fingerprints(parsed.value(), parsed->media[0])[0].algorithm, "sha-512");
  EXPECT_EQ(effective_setup(parsed.value(), parsed->media[0]), Setup::passive);
  ASSERT_EQ(parsed->transport.fingerprints.size(), 1u);
  EXPECT_EQ(parsed->transport.fingerprints[0].algorithm, "sha-256");
}

struct MalformedCase {
  const char* name;
  std::string body;
  ErrorCode code;
  std::size_t line;  // 0: not tied to a line
};

std::string replace_line(const std::string& prefix, const std::string& replacement) {
  std::string offer = kMinimalOffer;
  const auto at = offer.find(prefix);
  const auto end = offer.find("\r\n", at);
  return offer.replace(at, end - at, replacement);
}

std::string with_lines(const std::string& line, std::size_t count) {
  std::string offer = kMinimalOffer;
  for (std::size_t i = 0; i < count; ++i) offer += line;
  return offer;
}

TEST(SdpParser, MalformedInputsNameTheLineAndTheProblem) {
  const MalformedCase cases[] = {
      {"empty", "", ErrorCode::missing_field, 0},
      {"not sdp", "hello world", ErrorCode::malformed_line, 1},
      {"wrong version", replace_line("v=0", "v=1"), ErrorCode::malformed_line, 1},
      {"no origin", replace_line("o=", "i=info"), ErrorCode::missing_field, 0},
      {"short origin", replace_line("o=", "o=- 1"), ErrorCode::malformed_line, 2},
      {"truncated line", replace_line("a=mid", "a"), ErrorCode::malformed_line, 9},
      {"rtpmap without clock", replace_line("a=rtpmap", "a=rtpmap:96 VP8"), ErrorCode::bad_attribute, 15},
      {"rtpmap pt out of range", replace_line("a=rtpmap", "a=rtpmap:300 VP8/90000"), ErrorCode::bad_attribute, 15},
      {"rtpmap pt not a number", replace_line("a=rtpmap", "a=rtpmap:x VP8/90000"), ErrorCode::bad_attribute, 15},
      {"rtpmap zero clock", replace_line("a=rtpmap", "a=rtpmap:96 VP8/0"), ErrorCode::bad_attribute, 15},
      {"m-line too short", replace_line("m=video", "m=video 9"), ErrorCode::malformed_line, 7},
      {"m-line bad port", replace_line("m=video", "m=video 70000 UDP/TLS/RTP/SAVPF 96"), ErrorCode::malformed_line, 7},
      {"bad fingerprint", replace_line("a=fingerprint", "a=fingerprint:sha-256 ZZ:11"), ErrorCode::bad_attribute, 6},
      {"bad setup", replace_line("a=setup", "a=setup:sideways"), ErrorCode::bad_attribute, 12},
      {"empty ufrag", replace_line("a=ice-ufrag", "a=ice-ufrag:"), ErrorCode::bad_attribute, 10},
      {"bad candidate", with_lines("a=candidate:1 1 udp 5 10.0.0.1\r\n", 1), ErrorCode::bad_attribute, 16},
      {"extmap id 0", with_lines("a=extmap:0 urn:x\r\n", 1), ErrorCode::bad_attribute, 16},
      {"extmap bad direction", with_lines("a=extmap:3/upward urn:x\r\n", 1), ErrorCode::bad_attribute, 16},
      {"ssrc not a number", with_lines("a=ssrc:abc cname:x\r\n", 1), ErrorCode::bad_attribute, 16},
      {"duplicate mid", with_lines("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n", 1), ErrorCode::bad_attribute, 17},
      {"control character", replace_line("s=-", std::string("s=a\0b", 5)), ErrorCode::malformed_line, 3},
      {"huge input", std::string(kMaxSdpSize + 1, 'a'), ErrorCode::too_large, 0},
      {"too many lines", with_lines("a=x\n", kMaxSdpLines), ErrorCode::too_many_lines, kMaxSdpLines + 1},
      {"line too long", with_lines("a=x-long:" + std::string(kMaxLineLength, 'y') + "\r\n", 1),
       ErrorCode::line_too_long, 16},
      {"too many candidates", with_lines("a=candidate:1 1 udp 5 10.0.0.1 5000 typ host\r\n", kMaxCandidates + 1),
       ErrorCode::too_many_items, 16 + kMaxCandidates},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto parsed = parse_sdp(c.body);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, c.code) << parsed.error().message;
    EXPECT_EQ(parsed.error().line, c.line) << parsed.error().message;
    if (c.line != 0) {
      EXPECT_EQ(parsed.error().message.rfind("line " + std::to_string(c.line) + ": ", 0), 0u) << parsed.error().message;
    }
    EXPECT_LT(parsed.error().message.size(), 200u);
    EXPECT_EQ(http_status(c.code), c.code == ErrorCode::too_large ? 413 : 400);
  }
}

TEST(SdpParser, TheMinimalOfferItselfParses) {
  const auto parsed = parse_sdp(kMinimalOffer);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->media[0].payload_types(), (std::vector<std::uint8_t>{96}));
}

}  // namespace
}  // namespace presentd::sdp

namespace presentd::sdp {
namespace {

TEST(SdpParser, ByteSpanOverloadReadsTheHttpBodyAsIs) {
  const std::string text = testing::read_vector(testing::kGstVp8);
  const std::vector<std::uint8_t> bytes(text.begin(), text.end());
  const auto from_bytes = parse_sdp(std::span<const std::uint8_t>(bytes));
  const auto from_text = parse_sdp(text);
  ASSERT_TRUE(from_bytes);
  ASSERT_TRUE(from_text);
  EXPECT_EQ(from_bytes.value(), from_text.value());
}

}  // namespace
}  // namespace presentd::sdp

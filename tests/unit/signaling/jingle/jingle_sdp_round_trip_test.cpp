// SPDX-License-Identifier: Apache-2.0
// SDP offers captured from real senders → Jingle (as text on the wire) → SDP must keep everything
// a session negotiates from; the XEP-shaped stanzas → SDP → Jingle must come back identical.
#include <algorithm>

#include <gtest/gtest.h>

#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/sdp/sdp_writer.hpp"
#include "presentd/sdp/text.hpp"
#include "signaling/jingle/jingle_to_sdp.hpp"
#include "signaling/jingle/sdp_to_jingle.hpp"
#include "support/sdp/sdp_fixtures.hpp"
#include "unit/signaling/jingle/jingle_test_support.hpp"

namespace presentd::signaling::jingle {
namespace {

using sdp::testing::read_vector;
using testing::parse_or_die;
using testing::read_jingle_vector;

const JingleHeader kInitiate{"session-initiate", "sid1", "presenter@example.net/gst", ""};

// What survives the trip: the candidate extensions XEP-0176 has attributes for.
sdp::Candidate mappable(sdp::Candidate candidate) {
  std::erase_if(candidate.extensions, [](const auto& e) { return e.first != "generation" && e.first != "network-id"; });
  if (std::none_of(candidate.extensions.begin(), candidate.extensions.end(),
                   [](const auto& e) { return e.first == "generation"; })) {
    candidate.extensions.insert(candidate.extensions.begin(), {"generation", "0"});
  }
  return candidate;
}

std::vector<std::string> fmtp_items(const sdp::MediaDescription& m, std::uint8_t pt) {
  std::vector<std::string> items;
  const auto* fmtp = m.find_fmtp(pt);
  if (!fmtp) return items;
  std::string_view rest = fmtp->parameters;
  while (!rest.empty()) {
    const auto end = rest.find(';');
    const auto item = sdp::text::trim(rest.substr(0, end));
    if (!item.empty()) items.emplace_back(item);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  return items;
}

sdp::SessionDescription through_jingle(const sdp::SessionDescription& offer) {
  const auto wire = xml::serialize(sdp_to_jingle(offer, kInitiate, Party::initiator));
  auto back = jingle_to_sdp(parse_or_die(wire), {Party::initiator});
  EXPECT_TRUE(back) << back.error().message;
  // What the session machinery gets is SDP text: it must parse as an offer.
  auto reparsed = sdp::parse_sdp(sdp::write_sdp(back.value()));
  EXPECT_TRUE(reparsed) << reparsed.error().message;
  EXPECT_EQ(reparsed.value(), back.value());
  return back.value();
}

class RealOffer : public ::testing::TestWithParam<const char*> {};

TEST_P(RealOffer, SurvivesJingleWithEverythingNegotiated) {
  const auto original = sdp::parse_sdp(read_vector(GetParam()));
  ASSERT_TRUE(original) << original.error().message;
  const auto& offer = original.value();
  const auto back = through_jingle(offer);

  std::size_t compared = 0;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const auto& m = offer.media[i];
    if (m.proto.find("RTP/") == std::string::npos || (m.port == 0 && !m.bundle_only)) continue;
    const auto name = m.mid.value_or(std::to_string(i));
    const auto it = std::find_if(back.media.begin(), back.media.end(), [&](const auto& b) { return b.mid == name; });
    ASSERT_NE(it, back.media.end()) << "m-line " << name << " lost";
    const auto& b = *it;
    SCOPED_TRACE(GetParam() + std::string(" m-line ") + name);
    ++compared;
    EXPECT_EQ(b.media, m.media);
    EXPECT_EQ(b.formats, m.formats);
    EXPECT_EQ(b.rtpmaps.size(), m.rtpmaps.size());
    for (const auto pt : m.payload_types()) {
      const auto* original_map = m.find_rtpmap(pt);
      const auto* mapped_map = b.find_rtpmap(pt);
      ASSERT_EQ(original_map == nullptr, mapped_map == nullptr) << "rtpmap " << int(pt);
      if (original_map) {
        EXPECT_EQ(*mapped_map, *original_map);
      }
      EXPECT_EQ(fmtp_items(b, pt), fmtp_items(m, pt)) << "fmtp " << int(pt);
      std::vector<sdp::RtcpFeedback> fb_original, fb_mapped;
      std::copy_if(m.rtcp_feedback.begin(), m.rtcp_feedback.end(), std::back_inserter(fb_original),
                   [&](const auto& fb) { return fb.payload_type == pt; });
      std::copy_if(b.rtcp_feedback.begin(), b.rtcp_feedback.end(), std::back_inserter(fb_mapped),
                   [&](const auto& fb) { return fb.payload_type == pt; });
      EXPECT_EQ(fb_mapped, fb_original) << "rtcp-fb " << int(pt);
    }
    EXPECT_EQ(b.extmaps, m.extmaps);
    EXPECT_EQ(b.ssrcs, m.ssrcs);
    EXPECT_EQ(b.ssrc_groups, m.ssrc_groups);
    EXPECT_EQ(b.rtcp_mux, m.rtcp_mux);
    EXPECT_EQ(b.bandwidths, m.bandwidths);
    EXPECT_EQ(sdp::effective_direction(back, b), sdp::effective_direction(offer, m));
    EXPECT_EQ(sdp::effective_ice_ufrag(back, b), sdp::effective_ice_ufrag(offer, m));
    EXPECT_EQ(sdp::effective_ice_pwd(back, b), sdp::effective_ice_pwd(offer, m));
    EXPECT_EQ(sdp::effective_fingerprints(back, b), sdp::effective_fingerprints(offer, m));
    EXPECT_EQ(sdp::effective_setup(back, b), sdp::effective_setup(offer, m));
    ASSERT_EQ(b.candidates.size(), m.candidates.size());
    for (std::size_t c = 0; c < m.candidates.size(); ++c) EXPECT_EQ(b.candidates[c], mappable(m.candidates[c]));
  }
  EXPECT_GT(compared, 0u);
  EXPECT_EQ(back.extmap_allow_mixed, offer.extmap_allow_mixed);
  if (const auto* bundle = offer.find_group("BUNDLE")) {
    const auto* mapped = back.find_group("BUNDLE");
    ASSERT_NE(mapped, nullptr);
    std::vector<std::string> expected;
    for (const auto& mid : bundle->mids) {
      if (std::any_of(back.media.begin(), back.media.end(), [&](const auto& b) { return b.mid == mid; }))
        expected.push_back(mid);
    }
    EXPECT_EQ(mapped->mids, expected);
  }

  // The strongest check: presentd answers the mapped offer exactly as it answers the original.
  sdp::AnswerConfig config;
  config.ice_ufrag = "boxu";
  config.ice_pwd = "boxpasswordboxpassword";
  config.fingerprint = sdp::Fingerprint{"sha-256", "AB:CD"};
  const auto direct = sdp::build_answer(offer, config);
  const auto mapped = sdp::build_answer(back, config);
  ASSERT_TRUE(direct) << direct.error().message;
  ASSERT_TRUE(mapped) << mapped.error().message;
  const auto& d = direct->negotiated;
  const auto& j = mapped->negotiated;
  ASSERT_EQ(j.video.size(), d.video.size());
  for (std::size_t v = 0; v < d.video.size(); ++v) {
    EXPECT_EQ(j.video[v].mid, d.video[v].mid);
    EXPECT_EQ(j.video[v].primary_payload_type, d.video[v].primary_payload_type);
    EXPECT_EQ(j.video[v].payload_types, d.video[v].payload_types);
    EXPECT_EQ(j.video[v].rtx_payload_types, d.video[v].rtx_payload_types);
    EXPECT_EQ(j.video[v].media_ssrc, d.video[v].media_ssrc);
    EXPECT_EQ(j.video[v].rtx_ssrc, d.video[v].rtx_ssrc);
    EXPECT_EQ(j.video[v].nack_pli, d.video[v].nack_pli);
    EXPECT_EQ(j.video[v].transport_cc_extension_id, d.video[v].transport_cc_extension_id);
  }
  EXPECT_EQ(j.audio.has_value(), d.audio.has_value());
  EXPECT_EQ(j.remote_ice_ufrag, d.remote_ice_ufrag);
  EXPECT_EQ(j.remote_ice_pwd, d.remote_ice_pwd);
  EXPECT_EQ(j.remote_fingerprints, d.remote_fingerprints);
  EXPECT_EQ(j.local_setup, d.local_setup);
  EXPECT_EQ(j.remote_candidates.size(), d.remote_candidates.size());
}

INSTANTIATE_TEST_SUITE_P(Captured, RealOffer,
                         ::testing::Values(sdp::testing::kChromium, sdp::testing::kFirefox, sdp::testing::kGstVp8,
                                           sdp::testing::kGstH264, sdp::testing::kAiortc, sdp::testing::kObs));

TEST(JingleRoundTrip, XepShapedInitiateComesBackIdentical) {
  const auto original = parse_or_die(read_jingle_vector("audio_video_initiate.xml"));
  const auto offer = jingle_to_sdp(original, {Party::initiator});
  ASSERT_TRUE(offer) << offer.error().message;
  const auto text = sdp::write_sdp(offer.value());
  // Spot checks of the SDP itself, line by line as a WebRTC stack reads it.
  for (const char* line :
       {"a=group:BUNDLE voice webcam\r\n", "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\n", "a=rtpmap:111 opus/48000/2\r\n",
        "a=fmtp:111 minptime=10;useinbandfec=1\r\n", "a=rtcp-fb:111 transport-cc\r\n", "a=rtcp-fb:* transport-cc\r\n",
        "a=extmap:5/recvonly http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n",
        "a=ssrc-group:FID 3001245518 1409921177\r\n", "a=ssrc:2210399861 msid:stream-a track-audio\r\n",
        "a=ice-ufrag:Xq2m\r\n", "a=setup:actpass\r\n", "a=sendonly\r\n", "a=rtcp-mux\r\n", "b=AS:2500\r\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " missing from\n" << text;
  }
  EXPECT_NE(text.find("a=candidate:2 1 udp 1686052607 203.0.113.40 52031 typ srflx raddr 198.51.100.17 rport 40122"),
            std::string::npos);
  EXPECT_NE(text.find("a=candidate:3 1 tcp 1518280447 198.51.100.17 9 typ host tcptype active"), std::string::npos);
  const auto reparsed = sdp::parse_sdp(text);
  ASSERT_TRUE(reparsed) << reparsed.error().message;

  JingleHeader header{"session-initiate", "f8a3c91b", "juliet@capulet.example/balcony", ""};
  const auto again = sdp_to_jingle(reparsed.value(), header, Party::initiator);
  EXPECT_EQ(xml::serialize(again), xml::serialize(original));
  EXPECT_EQ(again, original);
}

TEST(JingleRoundTrip, AnswerAsSessionAcceptRebuildsTheAnswerAgainstTheOffer) {
  const auto offer = sdp::parse_sdp(read_vector(sdp::testing::kChromium));
  ASSERT_TRUE(offer);
  sdp::AnswerConfig config;
  config.ice_ufrag = "boxu";
  config.ice_pwd = "boxpasswordboxpassword";
  config.fingerprint = sdp::Fingerprint{"sha-256", "AB:CD:EF"};
  config.candidates = {"candidate:1 1 udp 2130706431 192.0.2.10 50000 typ host"};
  const auto answer = sdp::build_answer(offer.value(), config);
  ASSERT_TRUE(answer) << answer.error().message;

  const JingleHeader accept{"session-accept", "sid1", "", "room@example.net/box"};
  const auto jingle = sdp_to_jingle(answer->description, accept, Party::responder);
  // The rejected data channel is not a content of the accept.
  EXPECT_EQ(jingle.children_named("content", "urn:xmpp:jingle:1").size(), 2u);
  for (const auto* content : jingle.children_named("content", "urn:xmpp:jingle:1")) {
    EXPECT_EQ(content->attribute_or("senders"), "initiator");  // recvonly in the responder's words
  }
  const auto back = jingle_to_sdp(parse_or_die(xml::serialize(jingle)), {Party::responder, &offer.value()});
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->media.size(), offer->media.size());
  EXPECT_EQ(back->media[2].port, 0);
  EXPECT_EQ(back->media[2].media, "application");
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& a = answer->description.media[i];
    const auto& b = back->media[i];
    EXPECT_EQ(b.mid, a.mid);
    EXPECT_EQ(b.formats, a.formats);
    EXPECT_EQ(b.rtpmaps, a.rtpmaps);
    EXPECT_EQ(b.extmaps, a.extmaps);
    EXPECT_EQ(sdp::effective_direction(back.value(), b), sdp::Direction::recvonly);
    EXPECT_EQ(sdp::effective_setup(back.value(), b), sdp::Setup::passive);
    EXPECT_EQ(sdp::effective_fingerprints(back.value(), b), sdp::effective_fingerprints(answer->description, a));
    EXPECT_EQ(b.bandwidths, a.bandwidths);
  }
  ASSERT_EQ(back->media[0].candidates.size(), 1u);
  EXPECT_EQ(back->media[0].candidates[0].address, "192.0.2.10");
  ASSERT_NE(back->find_group("BUNDLE"), nullptr);
  EXPECT_EQ(back->find_group("BUNDLE")->mids, (std::vector<std::string>{"0", "1"}));
}

// The fragment a transport-info becomes is the one WHIP's sdpfrag parser makes of the same
// trickle (the session core takes either as it is).
TEST(JingleRoundTrip, TransportInfoBecomesATrickleFragment) {
  const auto parsed = transport_info_to_fragment(parse_or_die(read_jingle_vector("transport_info.xml")));
  ASSERT_TRUE(parsed) << parsed.error().message;
  const auto as_text = sdp::parse_sdp_fragment(
      "a=ice-ufrag:Xq2m\r\na=ice-pwd:n7Bd0lEa91Kq3cRtZy8pWf4v\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:voice\r\na=" +
      sdp::format_candidate(parsed->candidates.at(0).candidate) + "\r\n");
  ASSERT_TRUE(as_text) << as_text.error().message;
  EXPECT_EQ(as_text->candidates, parsed->candidates);
  EXPECT_EQ(as_text->mids, parsed->mids);
  EXPECT_EQ(parsed->ice_ufrag, "Xq2m");
  EXPECT_EQ(parsed->ice_pwd, "n7Bd0lEa91Kq3cRtZy8pWf4v");
  ASSERT_EQ(parsed->candidates.size(), 1u);
  EXPECT_EQ(parsed->candidates[0].mid, "voice");
  EXPECT_EQ(parsed->candidates[0].candidate.type, "relay");
  EXPECT_EQ(parsed->candidates[0].candidate.related_port, 52031);
  EXPECT_FALSE(sdp::is_ice_restart(parsed.value(), "Xq2m", "n7Bd0lEa91Kq3cRtZy8pWf4v"));
}

}  // namespace
}  // namespace presentd::signaling::jingle

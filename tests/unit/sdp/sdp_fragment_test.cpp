// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/sdp_fragment.hpp"

#include <gtest/gtest.h>

#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "support/sdp/sdp_fixtures.hpp"

namespace presentd::sdp {
namespace {

// The trickle example of RFC 8840 §4.4 (reformatted), as a WHIP client PATCHes it.
constexpr const char* kRfc8840Fragment =
    "a=ice-ufrag:EsAw\r\n"
    "a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\n"
    "m=audio 9 RTP/AVP 0\r\n"
    "a=mid:1\r\n"
    "a=candidate:1 1 UDP 2130706431 2001:db8:a0b:12f0::1 5000 typ host\r\n"
    "a=end-of-candidates\r\n";

TEST(SdpFragment, ParsesTheRfc8840Example) {
  const auto fragment = parse_sdp_fragment(kRfc8840Fragment);
  ASSERT_TRUE(fragment) << fragment.error().message;
  EXPECT_EQ(fragment->ice_ufrag, "EsAw");
  EXPECT_EQ(fragment->ice_pwd, "P2uYro0UCOQ4zxjKXaWCBui1");
  EXPECT_EQ(fragment->mids, std::vector<std::string>{"1"});
  ASSERT_EQ(fragment->candidates.size(), 1u);
  EXPECT_EQ(fragment->candidates[0].mid, "1");
  EXPECT_EQ(fragment->candidates[0].m_line_index, 0u);
  EXPECT_EQ(fragment->candidates[0].candidate.address, "2001:db8:a0b:12f0::1");
  EXPECT_EQ(fragment->candidates[0].candidate.port, 5000);
  EXPECT_TRUE(fragment->end_of_candidates);
}

TEST(SdpFragment, CandidatesFollowTheirMLineEvenWhenTheMidComesLater) {
  const auto fragment = parse_sdp_fragment(
      "a=ice-options:trickle ice2\n"
      "a=group:BUNDLE 0 1\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96\n"
      "a=candidate:1 1 udp 2113937151 4f0c.local 5000 typ host\n"
      "a=mid:0\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\n"
      "a=mid:1\n"
      "a=candidate:2 1 tcp 1518280447 10.0.0.2 9 typ host tcptype active\n");
  ASSERT_TRUE(fragment) << fragment.error().message;
  EXPECT_FALSE(fragment->ice_ufrag);
  EXPECT_EQ(fragment->ice_options, (std::vector<std::string>{"trickle", "ice2"}));
  ASSERT_EQ(fragment->candidates.size(), 2u);
  EXPECT_EQ(fragment->candidates[0].mid, "0");
  EXPECT_TRUE(fragment->candidates[0].candidate.is_mdns());
  EXPECT_EQ(fragment->candidates[1].mid, "1");
  EXPECT_EQ(fragment->candidates[1].candidate.tcptype, "active");
  EXPECT_FALSE(fragment->end_of_candidates);
}

TEST(SdpFragment, BareCandidatesWithoutAnMLineHaveNoMid) {
  const auto fragment = parse_sdp_fragment("a=candidate:1 1 udp 1 10.0.0.1 5000 typ host\r\na=end-of-candidates\r\n");
  ASSERT_TRUE(fragment);
  ASSERT_EQ(fragment->candidates.size(), 1u);
  EXPECT_FALSE(fragment->candidates[0].mid);
  EXPECT_FALSE(fragment->candidates[0].m_line_index);
  EXPECT_TRUE(fragment->end_of_candidates);
}

TEST(SdpFragment, IceRestartIsNewCredentials) {
  const struct {
    const char* body;
    bool restart;
  } cases[] = {
      {kRfc8840Fragment, false},                                            // the same credentials: trickle
      {"a=candidate:1 1 udp 1 10.0.0.1 5000 typ host\r\n", false},          // none: trickle
      {"a=ice-ufrag:NewU\r\na=ice-pwd:NewPasswordNewPassword1\r\n", true},  // both new
      {"a=ice-ufrag:EsAw\r\na=ice-pwd:NewPasswordNewPassword1\r\n", true},  // a new password alone
      {"a=ice-ufrag:Other\r\n", true},
  };
  for (const auto& c : cases) {
    const auto fragment = parse_sdp_fragment(c.body);
    ASSERT_TRUE(fragment) << c.body;
    EXPECT_EQ(is_ice_restart(fragment.value(), "EsAw", "P2uYro0UCOQ4zxjKXaWCBui1"), c.restart) << c.body;
  }
}

TEST(SdpFragment, MalformedFragmentsAreErrorsWithTheLine) {
  const struct {
    std::string body;
    ErrorCode code;
    std::size_t line;
  } cases[] = {
      {"a=candidate:1 1 udp\r\n", ErrorCode::bad_attribute, 1},
      {"a=ice-ufrag:EsAw\r\na=ice-pwd:\r\n", ErrorCode::bad_attribute, 2},
      {"m=audio 9\r\n", ErrorCode::malformed_line, 1},
      {"garbage\r\n", ErrorCode::malformed_line, 1},
      {"m=audio 9 RTP/AVP 0\r\na=mid:\r\n", ErrorCode::bad_attribute, 2},
      {std::string(70000, 'a'), ErrorCode::too_large, 0},
  };
  for (const auto& c : cases) {
    const auto fragment = parse_sdp_fragment(c.body);
    ASSERT_FALSE(fragment) << c.body.substr(0, 40);
    EXPECT_EQ(fragment.error().code, c.code) << fragment.error().message;
    EXPECT_EQ(fragment.error().line, c.line) << fragment.error().message;
  }
  std::string many;
  for (int i = 0; i < 200; ++i) many += "a=candidate:1 1 udp 1 10.0.0.1 5000 typ host\r\n";
  const auto fragment = parse_sdp_fragment(many);
  ASSERT_FALSE(fragment);
  EXPECT_EQ(fragment.error().code, ErrorCode::too_many_items);
}

TEST(SdpFragment, OurIceRestartAnswerNamesTheTaggedMLineAndReadsBack) {
  // GStreamer's offer: video (mid video0) and audio (mid audio1) bundled; our restart answer
  // names the first accepted m-line only, with every candidate and end-of-candidates.
  const auto offer = parse_sdp(testing::read_vector(testing::kGstVp8));
  ASSERT_TRUE(offer) << offer.error().message;
  AnswerConfig config;
  config.ice_ufrag = "old1";
  config.ice_pwd = "old-password-old-password";
  config.fingerprint = {"sha-256", "AA:BB"};
  const auto answer = build_answer(offer.value(), config);
  ASSERT_TRUE(answer) << answer.error().message;
  const std::vector<std::string> candidates{
      "candidate:1 1 UDP 2015363327 10.200.0.1 50556 typ host",
      "candidate:3 1 TCP 1010827519 10.200.0.1 50027 typ host tcptype passive",
      "candidate:garbage",  // left out, not fatal
  };
  const auto text = write_restart_fragment(answer->description, "new1", "new-password-new-password", candidates);
  const auto fragment = parse_sdp_fragment(text);
  ASSERT_TRUE(fragment) << fragment.error().message << "\n" << text;
  EXPECT_EQ(fragment->ice_ufrag, "new1");
  EXPECT_EQ(fragment->ice_pwd, "new-password-new-password");
  EXPECT_EQ(fragment->mids, std::vector<std::string>{"video0"});
  ASSERT_EQ(fragment->candidates.size(), 2u) << text;
  EXPECT_EQ(fragment->candidates[0].mid, "video0");
  EXPECT_EQ(fragment->candidates[1].candidate.tcptype, "passive");
  EXPECT_TRUE(fragment->end_of_candidates);
  EXPECT_NE(text.find("a=group:BUNDLE video0 audio1\r\n"), std::string::npos) << text;
  EXPECT_TRUE(is_ice_restart(*fragment, "old1", "old-password-old-password"));
}

}  // namespace
}  // namespace presentd::sdp

// SPDX-License-Identifier: Apache-2.0
// RTX (RFC 4588 §4) payload splitting and the SDP-negotiated PT/SSRC associations.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "presentd/rtp/rtx/rtx.hpp"

namespace presentd::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(RtxPayloadTest, SplitsOsnFromOriginalPayload) {
  // Seeded random OSNs, including both sides of the 16-bit wrap.
  std::mt19937 rng(4588);
  std::vector<std::uint16_t> osns = {0xffff, 0x0000, 0x8000};
  for (int i = 0; i < 8; ++i) osns.push_back(static_cast<std::uint16_t>(rng()));
  for (const std::uint16_t osn : osns) {
    const Bytes payload = {static_cast<std::uint8_t>(osn >> 8), static_cast<std::uint8_t>(osn), 0x90, 0x80, 0x11};
    const auto rtx = parse_rtx_payload(payload);
    ASSERT_TRUE(rtx.has_value());
    EXPECT_EQ(rtx->original_sequence_number, osn);
    EXPECT_EQ(Bytes(rtx->original_payload.begin(), rtx->original_payload.end()), (Bytes{0x90, 0x80, 0x11}));
    EXPECT_EQ(rtx->original_payload.data(), payload.data() + 2);  // a view, not a copy
    EXPECT_FALSE(rtx->is_padding_only());
  }
}

TEST(RtxPayloadTest, OsnWithNothingAfterItIsAPaddingProbe) {
  const Bytes payload = {0x12, 0x34};
  const auto rtx = parse_rtx_payload(payload);
  ASSERT_TRUE(rtx.has_value());
  EXPECT_EQ(rtx->original_sequence_number, 0x1234);
  EXPECT_TRUE(rtx->is_padding_only());
}

TEST(RtxPayloadTest, RejectsTruncatedOsn) {
  EXPECT_FALSE(parse_rtx_payload(Bytes{}).has_value());
  EXPECT_FALSE(parse_rtx_payload(Bytes{0x12}).has_value());
}

TEST(RtxMapTest, MapsNegotiatedPayloadTypesAndSsrcs) {
  RtxMap map;
  ASSERT_TRUE(map.add_payload_type(97, 96));  // a=fmtp:97 apt=96
  ASSERT_TRUE(map.add_payload_type(99, 98));
  ASSERT_TRUE(map.add_ssrc(0xdeadbeef, 0x12345678));  // a=ssrc-group:FID 0x12345678 0xdeadbeef
  EXPECT_EQ(map.associated_payload_type(97), 96);
  EXPECT_EQ(map.associated_payload_type(99), 98);
  EXPECT_EQ(map.media_ssrc(0xdeadbeef), 0x12345678u);
  const auto original = map.resolve(99, 0xdeadbeef);
  ASSERT_TRUE(original.has_value());
  EXPECT_EQ(original->payload_type, 98);
  EXPECT_EQ(original->ssrc, 0x12345678u);
}

TEST(RtxMapTest, RejectsUnknownPayloadTypesAndSsrcs) {
  RtxMap map;
  ASSERT_TRUE(map.add_payload_type(97, 96));
  ASSERT_TRUE(map.add_ssrc(1000, 2000));
  EXPECT_FALSE(map.associated_payload_type(96).has_value());  // media PT is not an RTX PT
  EXPECT_FALSE(map.associated_payload_type(200).has_value());
  EXPECT_FALSE(map.media_ssrc(2000).has_value());
  EXPECT_FALSE(map.resolve(98, 1000).has_value());
  EXPECT_FALSE(map.resolve(97, 1001).has_value());
}

TEST(RtxMapTest, RejectsInvalidOrConflictingAssociations) {
  RtxMap map;
  EXPECT_FALSE(map.add_payload_type(128, 96));
  EXPECT_FALSE(map.add_payload_type(97, 128));
  EXPECT_FALSE(map.add_payload_type(96, 96));
  ASSERT_TRUE(map.add_payload_type(97, 96));
  EXPECT_TRUE(map.add_payload_type(97, 96));    // repeating the same association is fine
  EXPECT_FALSE(map.add_payload_type(97, 100));  // but not changing it
  EXPECT_EQ(map.associated_payload_type(97), 96);

  EXPECT_FALSE(map.add_ssrc(5, 5));
  ASSERT_TRUE(map.add_ssrc(5, 6));
  EXPECT_TRUE(map.add_ssrc(5, 6));
  EXPECT_FALSE(map.add_ssrc(5, 7));
  EXPECT_EQ(map.media_ssrc(5), 6u);
}

}  // namespace
}  // namespace presentd::rtp

// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtp_packet.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "support/rtp/wrap_test_support.hpp"

namespace presentd::rtp {
namespace {

// A VP8 packet as Chrome sends it: V=2, X=1, CC=0, M=1, PT=96, seq 0x1234, ts 0x11223344,
// SSRC 0xDEADBEEF, one-byte extensions (0xBEDE, 2 words): ID 3 (transport-wide seq) = 0x0102,
// ID 2 (abs-send-time) = 0xABCDEF, then one padding byte to the word boundary; payload 3 bytes.
const std::vector<std::uint8_t> kChromeLikePacket = {
    0x90, 0xE0, 0x12, 0x34,  // V=2 P=0 X=1 CC=0 | M=1 PT=96 | seq
    0x11, 0x22, 0x33, 0x44,  // timestamp
    0xDE, 0xAD, 0xBE, 0xEF,  // SSRC
    0xBE, 0xDE, 0x00, 0x02,  // one-byte profile, length 2 words
    0x31, 0x01, 0x02,        // ID 3, L=1 (2 bytes)
    0x22, 0xAB, 0xCD, 0xEF,  // ID 2, L=2 (3 bytes)
    0x00,                    // padding
    0x10, 0x02, 0x03,        // payload
};

TEST(RtpPacket, ParsesHeaderFieldsAndOneByteExtensions) {
  const auto packet = RtpPacket::parse(kChromeLikePacket);
  ASSERT_TRUE(packet);
  EXPECT_TRUE(packet->marker());
  EXPECT_EQ(packet->payload_type(), 96);
  EXPECT_EQ(packet->sequence_number(), 0x1234);
  EXPECT_EQ(packet->timestamp(), 0x11223344u);
  EXPECT_EQ(packet->ssrc(), 0xDEADBEEFu);
  EXPECT_TRUE(packet->csrcs().empty());
  EXPECT_EQ(packet->header_size(), 24u);
  EXPECT_EQ(packet->padding_size(), 0u);
  ASSERT_EQ(packet->payload().size(), 3u);
  EXPECT_EQ(packet->payload()[0], 0x10);
  EXPECT_EQ(packet->extension_profile(), kOneByteExtensionProfile);

  const auto twcc = packet->find_extension(3);
  ASSERT_TRUE(twcc);
  EXPECT_EQ(parse_transport_sequence_number(*twcc), 0x0102);
  const auto abs = packet->find_extension(2);
  ASSERT_TRUE(abs);
  EXPECT_EQ(parse_abs_send_time(*abs), 0xABCDEFu);
  EXPECT_FALSE(packet->find_extension(4));
  EXPECT_FALSE(packet->find_extension(0));
}

// RFC 3550 §5.1 with CSRCs and padding: CC=2, P=1, 4 padding bytes (last one = 4).
TEST(RtpPacket, ParsesCsrcsAndStripsPadding) {
  const std::vector<std::uint8_t> bytes = {
      0xA2, 0x08, 0x00, 0x01,  // V=2 P=1 X=0 CC=2 | M=0 PT=8 (PCMA) | seq 1
      0x00, 0x00, 0x00, 0xA0,  // timestamp 160
      0x01, 0x02, 0x03, 0x04,  // SSRC
      0x0A, 0x0A, 0x0A, 0x0A,  // CSRC 1
      0x0B, 0x0B, 0x0B, 0x0B,  // CSRC 2
      0xD5, 0xD5,              // payload
      0x00, 0x00, 0x00, 0x04,  // padding, count 4
  };
  const auto packet = RtpPacket::parse(bytes);
  ASSERT_TRUE(packet);
  EXPECT_FALSE(packet->marker());
  EXPECT_EQ(packet->payload_type(), 8);
  ASSERT_EQ(packet->csrcs().size(), 2u);
  EXPECT_EQ(packet->csrcs()[0], 0x0A0A0A0Au);
  EXPECT_EQ(packet->csrcs()[1], 0x0B0B0B0Bu);
  EXPECT_EQ(packet->header_size(), 20u);
  EXPECT_EQ(packet->padding_size(), 4u);
  EXPECT_EQ(packet->payload().size(), 2u);
  EXPECT_FALSE(packet->has_extension());
}

// RFC 8285 §4.3 two-byte form (profile 0x1000, appbits 0): an element of length 0, padding between
// elements, and an element with ID > 14 that the one-byte form cannot carry.
TEST(RtpPacket, ParsesTwoByteExtensionsWithPaddingAndEmptyElement) {
  const std::vector<std::uint8_t> bytes = {
      0x90, 0x60, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01,
      0x00, 0x00, 0x00, 0x02, 0x10, 0x00, 0x00, 0x03,  // two-byte profile, 3 words
      0x05, 0x00,                                      // ID 5, length 0
      0x00, 0x00,                                      // padding bytes between elements
      0x20, 0x03, 0xAA, 0xBB, 0xCC,                    // ID 32, length 3
      0x00, 0x00, 0x00,                                // padding to the word boundary
      0x42,                                            // payload
  };
  const auto packet = RtpPacket::parse(bytes);
  ASSERT_TRUE(packet);
  const auto empty = packet->find_extension(5);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  const auto big_id = packet->find_extension(32);
  ASSERT_TRUE(big_id);
  EXPECT_EQ(std::vector<std::uint8_t>(big_id->begin(), big_id->end()), (std::vector<std::uint8_t>{0xAA, 0xBB, 0xCC}));
  ASSERT_EQ(packet->payload().size(), 1u);

  HeaderExtensionReader reader = packet->extensions();
  std::vector<std::uint8_t> ids;
  while (const auto element = reader.next()) ids.push_back(element->id);
  EXPECT_EQ(ids, (std::vector<std::uint8_t>{5, 32}));
  EXPECT_FALSE(reader.error());
}

// An unknown profile is kept opaque: the packet is valid, find_extension finds nothing.
TEST(RtpPacket, KeepsUnknownExtensionProfileOpaque) {
  const std::vector<std::uint8_t> bytes = {0x90, 0x60, 0x00, 0x01, 0,    0,    0,    1,    0,    0,   0,
                                           2,    0xAB, 0xCD, 0x00, 0x01, 0x13, 0x37, 0x13, 0x37, 0x99};
  const auto packet = RtpPacket::parse(bytes);
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->extension_block().size(), 4u);
  EXPECT_FALSE(packet->find_extension(1));
  EXPECT_EQ(packet->payload().size(), 1u);
}

struct MalformedCase {
  const char* name;
  std::vector<std::uint8_t> bytes;
};

class RtpPacketMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(RtpPacketMalformed, IsRejected) { EXPECT_FALSE(RtpPacket::parse(GetParam().bytes)); }

INSTANTIATE_TEST_SUITE_P(
    All, RtpPacketMalformed,
    ::testing::Values(
        MalformedCase{"empty", {}},
        MalformedCase{"truncated_fixed_header", {0x80, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0}},
        MalformedCase{"version_1", {0x40, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2, 0xAA}},
        MalformedCase{"version_0", {0x00, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2, 0xAA}},
        MalformedCase{"csrc_past_end", {0x83, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4}},
        MalformedCase{"padding_longer_than_packet", {0xA0, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2, 0xAA, 0x05}},
        MalformedCase{"padding_count_zero", {0xA0, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2, 0xAA, 0x00}},
        MalformedCase{"padding_without_bytes", {0xA0, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2}},
        MalformedCase{"extension_header_truncated", {0x90, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2, 0xBE, 0xDE}},
        MalformedCase{"extension_length_past_end",
                      {0x90, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2, 0xBE, 0xDE, 0x00, 0x02, 0x10, 0xAA, 0, 0}},
        MalformedCase{"one_byte_element_past_block",
                      {0x90, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2, 0xBE, 0xDE, 0x00, 0x01, 0x13, 0xAA, 0xBB, 0xCC}},
        MalformedCase{"two_byte_element_past_block",
                      {0x90, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2, 0x10, 0x00, 0x00, 0x01, 0x01, 0x05, 0xAA, 0xBB}},
        MalformedCase{"two_byte_header_split",
                      {0x90, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07}},
        MalformedCase{"padding_eats_extension", {0xB0, 0x60, 0x00, 0x01, 0,    0,    0,    1, 0, 0,   0,
                                                 2,    0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAA, 0, 0, 0x02}}),
    [](const ::testing::TestParamInfo<MalformedCase>& param_info) { return std::string(param_info.param.name); });

// One-byte ID 15 means "stop parsing" (RFC 8285 §4.2): later bytes are not read, even if garbage.
TEST(RtpPacket, OneByteId15StopsTheWalk) {
  const std::vector<std::uint8_t> bytes = {0x90, 0x60, 0x00, 0x01, 0,    0,    0,    1,    0,    0,   0,
                                           2,    0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAA, 0xF0, 0x3F, 0x99};
  const auto packet = RtpPacket::parse(bytes);
  ASSERT_TRUE(packet);
  EXPECT_TRUE(packet->find_extension(1));
  EXPECT_FALSE(packet->find_extension(3));
}

TEST(RtpPacketBuilder, RoundTripsOneByteExtensionsAcrossTheWrap) {
  std::uint16_t seq = test::start_near_wrap(1);
  const std::array<std::uint8_t, 5> payload = {1, 2, 3, 4, 5};
  const std::array<std::uint32_t, 2> csrcs = {7, 8};
  for (int i = 0; i < 50; ++i, ++seq) {
    const auto twcc = write_transport_sequence_number(static_cast<std::uint16_t>(seq + 1000));
    const auto abs = write_abs_send_time(0x123456);
    const auto bytes = RtpPacketBuilder()
                           .marker(i % 2 == 0)
                           .payload_type(111)
                           .sequence_number(seq)
                           .timestamp(0xFFFFFF00u + static_cast<std::uint32_t>(i) * 960)
                           .ssrc(0xCAFEBABE)
                           .csrcs(csrcs)
                           .add_extension(3, twcc)
                           .add_extension(2, abs)
                           .payload(payload)
                           .padding(static_cast<std::uint8_t>(i % 4))
                           .build();
    EXPECT_EQ(bytes.size() % 4, (payload.size() + static_cast<std::size_t>(i % 4)) % 4);
    const auto packet = RtpPacket::parse(bytes);
    ASSERT_TRUE(packet);
    EXPECT_EQ(packet->marker(), i % 2 == 0);
    EXPECT_EQ(packet->payload_type(), 111);
    EXPECT_EQ(packet->sequence_number(), seq);
    EXPECT_EQ(packet->timestamp(), 0xFFFFFF00u + static_cast<std::uint32_t>(i) * 960);
    EXPECT_EQ(packet->ssrc(), 0xCAFEBABEu);
    ASSERT_EQ(packet->csrcs().size(), 2u);
    EXPECT_EQ(packet->csrcs()[1], 8u);
    EXPECT_EQ(packet->extension_profile(), kOneByteExtensionProfile);
    EXPECT_EQ(parse_transport_sequence_number(*packet->find_extension(3)), static_cast<std::uint16_t>(seq + 1000));
    EXPECT_EQ(parse_abs_send_time(*packet->find_extension(2)), 0x123456u);
    EXPECT_EQ(std::vector<std::uint8_t>(packet->payload().begin(), packet->payload().end()),
              std::vector<std::uint8_t>(payload.begin(), payload.end()));
    EXPECT_EQ(packet->padding_size(), static_cast<std::size_t>(i % 4));
  }
}

TEST(RtpPacketBuilder, FallsBackToTwoByteFormForLargeIdsOrLongData) {
  const std::array<std::uint8_t, 20> long_value{};
  const std::array<std::uint8_t, 1> one = {9};
  const auto bytes = RtpPacketBuilder().add_extension(1, one).add_extension(200, long_value).build();
  const auto packet = RtpPacket::parse(bytes);
  ASSERT_TRUE(packet);
  EXPECT_EQ(extension_format(packet->extension_profile()), ExtensionFormat::two_byte);
  EXPECT_EQ(packet->find_extension(200)->size(), 20u);
  EXPECT_EQ((*packet->find_extension(1))[0], 9);
  EXPECT_EQ(packet->extension_block().size() % 4, 0u);
  EXPECT_TRUE(packet->payload().empty());
}

// The RTX recovery pattern (RFC 4588 §4): the retransmission carries the original sequence number
// (OSN) in its first two payload bytes; rebuilding with the original SSRC/PT/seq yields the
// original packet, extensions included.
TEST(RtpPacketBuilder, FromPacketRebuildsForRtxRecovery) {
  const std::uint16_t original_seq = test::start_near_wrap(2);
  const std::vector<std::uint8_t> rtx_payload = {static_cast<std::uint8_t>(original_seq >> 8),
                                                 static_cast<std::uint8_t>(original_seq), 0xAA, 0xBB};
  const auto twcc = write_transport_sequence_number(77);
  const auto rtx_bytes = RtpPacketBuilder()
                             .payload_type(97)
                             .sequence_number(5)
                             .timestamp(9000)
                             .ssrc(0x2222)
                             .marker(true)
                             .add_extension(3, twcc)
                             .payload(rtx_payload)
                             .padding(3)
                             .build();
  const auto rtx = RtpPacket::parse(rtx_bytes);
  ASSERT_TRUE(rtx);
  const auto recovered_bytes =
      RtpPacketBuilder::from_packet(*rtx)
          .ssrc(0x1111)
          .payload_type(96)
          .sequence_number(static_cast<std::uint16_t>(rtx->payload()[0] << 8 | rtx->payload()[1]))
          .payload(rtx->payload().subspan(2))
          .build();
  const auto recovered = RtpPacket::parse(recovered_bytes);
  ASSERT_TRUE(recovered);
  EXPECT_EQ(recovered->ssrc(), 0x1111u);
  EXPECT_EQ(recovered->payload_type(), 96);
  EXPECT_EQ(recovered->sequence_number(), original_seq);
  EXPECT_EQ(recovered->timestamp(), 9000u);
  EXPECT_TRUE(recovered->marker());
  EXPECT_EQ(recovered->padding_size(), 0u);
  EXPECT_EQ(parse_transport_sequence_number(*recovered->find_extension(3)), 77);
  EXPECT_EQ(std::vector<std::uint8_t>(recovered->payload().begin(), recovered->payload().end()),
            (std::vector<std::uint8_t>{0xAA, 0xBB}));
}

}  // namespace
}  // namespace presentd::rtp

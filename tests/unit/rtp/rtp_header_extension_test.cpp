// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtp_header_extension.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace presentd::rtp {
namespace {

TEST(ExtensionFormat, RecognisesProfiles) {
  EXPECT_EQ(extension_format(0xBEDE), ExtensionFormat::one_byte);
  // RFC 8285 §4.3: 0x100 followed by any four appbits.
  EXPECT_EQ(extension_format(0x1000), ExtensionFormat::two_byte);
  EXPECT_EQ(extension_format(0x100F), ExtensionFormat::two_byte);
  EXPECT_EQ(extension_format(0x1010), ExtensionFormat::other);
  EXPECT_EQ(extension_format(0xBEDF), ExtensionFormat::other);
}

// The example layout of RFC 8285 §4.2: ID 1 with 1 byte, ID 2 with 2 bytes, padding, ID 3 with
// 4 bytes, and trailing padding.
TEST(HeaderExtensionReader, WalksRfc8285OneByteExample) {
  const std::vector<std::uint8_t> block = {0x10, 0xAA, 0x21, 0xBB, 0xBB, 0x00, 0x00, 0x33,
                                           0xCC, 0xCC, 0xCC, 0xCC, 0x00, 0x00, 0x00, 0x00};
  HeaderExtensionReader reader(ExtensionFormat::one_byte, block);
  const auto first = reader.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, 1);
  EXPECT_EQ(first->data.size(), 1u);
  const auto second = reader.next();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, 2);
  EXPECT_EQ(second->data.size(), 2u);
  const auto third = reader.next();
  ASSERT_TRUE(third);
  EXPECT_EQ(third->id, 3);
  EXPECT_EQ(third->data.size(), 4u);
  EXPECT_EQ(third->data[3], 0xCC);
  EXPECT_FALSE(reader.next());
  EXPECT_FALSE(reader.error());
  EXPECT_TRUE(validate_extension_block(ExtensionFormat::one_byte, block));
}

TEST(HeaderExtensionReader, ReportsOverrunAsError) {
  const std::vector<std::uint8_t> block = {0x10, 0xAA, 0x2F, 0xBB};  // ID 2 claims 16 bytes
  HeaderExtensionReader reader(ExtensionFormat::one_byte, block);
  EXPECT_TRUE(reader.next());
  EXPECT_FALSE(reader.next());
  EXPECT_TRUE(reader.error());
  EXPECT_FALSE(reader.next());  // stays failed
  EXPECT_FALSE(validate_extension_block(ExtensionFormat::one_byte, block));
}

TEST(TransportSequenceNumber, ParsesAndWritesBigEndian) {
  const std::vector<std::uint8_t> data = {0xFF, 0xFE};
  EXPECT_EQ(parse_transport_sequence_number(data), 0xFFFE);
  const auto written = write_transport_sequence_number(0xFFFE);
  EXPECT_EQ(std::vector<std::uint8_t>(written.begin(), written.end()), data);
  EXPECT_FALSE(parse_transport_sequence_number(std::vector<std::uint8_t>{0x01}));
  EXPECT_FALSE(parse_transport_sequence_number(std::vector<std::uint8_t>{0x01, 0x02, 0x03}));
}

// abs-send-time is 6.18 fixed point: 0x040000 is exactly one second.
TEST(AbsSendTime, ParsesSixPointEighteenSeconds) {
  const std::vector<std::uint8_t> one_second = {0x04, 0x00, 0x00};
  EXPECT_EQ(parse_abs_send_time(one_second), 1u << 18);
  const auto written = write_abs_send_time(0xFEDCBA);
  EXPECT_EQ(parse_abs_send_time(written), 0xFEDCBAu);
  EXPECT_FALSE(parse_abs_send_time(std::vector<std::uint8_t>{0x04, 0x00}));
}

// 0x00A 0x064: min 10 units (100 ms), max 100 units (1000 ms).
TEST(PlayoutDelay, ParsesTwelveBitFieldsInTenMsUnits) {
  const std::vector<std::uint8_t> data = {0x00, 0xA0, 0x64};
  const auto delay = parse_playout_delay(data);
  ASSERT_TRUE(delay);
  EXPECT_EQ(delay->min_ms, 100u);
  EXPECT_EQ(delay->max_ms, 1000u);
  const auto written = write_playout_delay({100, 1000});
  EXPECT_EQ(std::vector<std::uint8_t>(written.begin(), written.end()), data);
}

TEST(PlayoutDelay, WriterRoundsDownAndClamps) {
  EXPECT_EQ(parse_playout_delay(write_playout_delay({19, 100000})), (PlayoutDelay{10, kPlayoutDelayMaxMs}));
  EXPECT_EQ(parse_playout_delay(write_playout_delay({0, 0})), (PlayoutDelay{0, 0}));
  EXPECT_FALSE(parse_playout_delay(std::vector<std::uint8_t>{0x00, 0xA0, 0x64, 0x00}));
}

}  // namespace
}  // namespace presentd::rtp

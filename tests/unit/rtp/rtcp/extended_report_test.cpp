// SPDX-License-Identifier: Apache-2.0
// RFC 3611 extended reports: the RRTR and DLRR blocks laid out byte by byte as §4.4/§4.5 draw
// them, unknown blocks skipped by length, and malformed lengths refused.
#include "presentd/rtp/rtcp/extended_report.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "presentd/rtp/rtcp/compound.hpp"
#include "rtcp_test_support.hpp"

namespace presentd::rtp::rtcp {
namespace {

using test::parse_bytes;
using test::round_trip;

TEST(ExtendedReport, ReceiverReferenceTimeBlockAsWeSendIt) {
  const ExtendedReport report{0x11223344, 0xE1234567'89ABCDEFull, {}};
  std::vector<std::uint8_t> written;
  report.write(written);
  EXPECT_EQ(written, (std::vector<std::uint8_t>{
                         0x80, 0xCF, 0x00, 0x04,  // V=2, PT=207, length 4 (20 bytes)
                         0x11, 0x22, 0x33, 0x44,  // SSRC
                         0x04, 0x00, 0x00, 0x02,  // BT=4, reserved, block length 2
                         0xE1, 0x23, 0x45, 0x67,  // NTP, most significant word
                         0x89, 0xAB, 0xCD, 0xEF,  // NTP, least significant word
                     }));
  EXPECT_EQ(round_trip(report), report);
}

TEST(ExtendedReport, DlrrSubBlocksAndUnknownBlocksSkipped) {
  const std::vector<std::uint8_t> bytes = {
      0x80, 0xCF, 0x00, 0x0A,  // XR, length 10 (44 bytes)
      0x00, 0x00, 0x00, 0x07,  // SSRC of the sender
      0x06, 0x00, 0x00, 0x01,  // BT=6 (statistics summary), length 1: not ours, skipped
      0xAA, 0xBB, 0xCC, 0xDD,  //
      0x05, 0x00, 0x00, 0x06,  // BT=5 DLRR, length 6: two sub-blocks
      0x00, 0x00, 0x00, 0x09,  // SSRC_1
      0x45, 0x67, 0x89, 0xAB,  // LRR
      0x00, 0x01, 0x80, 0x00,  // DLRR 1.5 s (0x18000 / 65536)
      0x00, 0x00, 0x00, 0x0A,  // SSRC_2
      0x00, 0x00, 0x00, 0x00,  // LRR 0: no RRTR received from this one yet
      0x00, 0x00, 0x00, 0x00,  // DLRR
  };
  const auto report = parse_bytes<ExtendedReport>(bytes);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->sender_ssrc, 7u);
  EXPECT_FALSE(report->rrtr_ntp);
  EXPECT_EQ(report->dlrr, (std::vector<DlrrItem>{{9, 0x456789AB, 0x18000}, {10, 0, 0}}));
  EXPECT_EQ(round_trip(*report), *report);
  // And through the compound parser, which now types XR instead of leaving it unknown.
  const auto compound = parse_compound(bytes);
  ASSERT_TRUE(compound);
  ASSERT_EQ(compound->messages.size(), 1u);
  EXPECT_EQ(std::get<ExtendedReport>(compound->messages[0]), *report);
}

TEST(ExtendedReport, MalformedBlocksAreRefused) {
  const std::vector<std::vector<std::uint8_t>> cases{
      {0x80, 0xCF, 0x00, 0x00},                                                              // no SSRC
      {0x80, 0xCF, 0x00, 0x02, 0, 0, 0, 1, 0x04, 0x00, 0x00, 0x02},                          // RRTR past the end
      {0x80, 0xCF, 0x00, 0x03, 0, 0, 0, 1, 0x04, 0x00, 0x00, 0x01, 0, 0, 0, 0},              // RRTR of 1 word
      {0x80, 0xCF, 0x00, 0x04, 0, 0, 0, 1, 0x05, 0x00, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2},  // DLRR of 2 words
      {0x80, 0xCF, 0x00, 0x02, 0, 0, 0, 1, 0x04, 0x00},                                      // block header cut short
  };
  for (const auto& bytes : cases) {
    const auto view = parse_packet(bytes);
    if (!view) continue;  // framing already refuses it
    EXPECT_FALSE(ExtendedReport::parse(*view)) << bytes.size();
  }
}

}  // namespace
}  // namespace presentd::rtp::rtcp

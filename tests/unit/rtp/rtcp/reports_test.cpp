// SPDX-License-Identifier: Apache-2.0
// Sender report, receiver report, SDES and BYE: hand-built packets, round trips, malformed input.
#include <gtest/gtest.h>

#include <vector>

#include "presentd/rtp/rtcp/bye.hpp"
#include "presentd/rtp/rtcp/receiver_report.hpp"
#include "presentd/rtp/rtcp/sdes.hpp"
#include "presentd/rtp/rtcp/sender_report.hpp"
#include "rtcp_test_support.hpp"

namespace presentd::rtp::rtcp {
namespace {

using test::parse_bytes;
using test::round_trip;

// SR with one report block whose cumulative loss is negative (-2, duplicates), RFC 3550 §6.4.1.
const std::vector<std::uint8_t> kSenderReport = {
    0x81, 0xC8, 0x00, 0x0C,  // V=2 P=0 RC=1, PT=200, length 12 (52 bytes)
    0x11, 0x22, 0x33, 0x44,  // sender SSRC
    0xE9, 0x4B, 0x3A, 0x10,  // NTP seconds
    0x80, 0x00, 0x00, 0x00,  // NTP fraction (0.5 s)
    0x00, 0x01, 0x5F, 0x90,  // RTP timestamp 90000
    0x00, 0x00, 0x00, 0x64,  // packet count 100
    0x00, 0x01, 0x86, 0xA0,  // octet count 100000
    0xAA, 0xBB, 0xCC, 0xDD,  // block: source SSRC
    0x40, 0xFF, 0xFF, 0xFE,  // fraction 64/256, cumulative lost -2
    0x00, 0x01, 0x00, 0x05,  // extended highest seq: 1 cycle, seq 5
    0x00, 0x00, 0x01, 0x2C,  // jitter 300
    0x3A, 0x10, 0x80, 0x00,  // LSR
    0x00, 0x01, 0x00, 0x00,  // DLSR: 1 s
};

TEST(SenderReport, ParsesHandBuiltPacket) {
  const auto sr = parse_bytes<SenderReport>(kSenderReport);
  ASSERT_TRUE(sr);
  EXPECT_EQ(sr->sender_ssrc, 0x11223344u);
  EXPECT_EQ(sr->ntp_timestamp, 0xE94B3A1080000000ull);
  EXPECT_EQ(sr->compact_ntp(), 0x3A108000u);
  EXPECT_EQ(sr->rtp_timestamp, 90000u);
  EXPECT_EQ(sr->packet_count, 100u);
  EXPECT_EQ(sr->octet_count, 100000u);
  ASSERT_EQ(sr->report_blocks.size(), 1u);
  const ReportBlock& block = sr->report_blocks[0];
  EXPECT_EQ(block.source_ssrc, 0xAABBCCDDu);
  EXPECT_EQ(block.fraction_lost, 64);
  EXPECT_EQ(block.cumulative_lost, -2);
  EXPECT_EQ(block.extended_highest_sequence, 0x00010005u);
  EXPECT_EQ(block.jitter, 300u);
  EXPECT_EQ(block.last_sr, 0x3A108000u);
  EXPECT_EQ(block.delay_since_last_sr, 65536u);

  std::vector<std::uint8_t> written;
  sr->write(written);
  EXPECT_EQ(written, kSenderReport);
}

TEST(SenderReport, RejectsReportCountBeyondLength) {
  auto bytes = kSenderReport;
  bytes[0] = 0x82;  // RC=2 but only one block present
  EXPECT_FALSE(parse_bytes<SenderReport>(bytes));
  const std::vector<std::uint8_t> too_short = {0x80, 0xC8, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 2};
  EXPECT_FALSE(parse_bytes<SenderReport>(too_short));
}

TEST(ReportBlock, ClampsCumulativeLossTo24Bits) {
  ReceiverReport rr{1, {ReportBlock{2, 0, 10'000'000, 0, 0, 0, 0}, ReportBlock{3, 0, -10'000'000, 0, 0, 0, 0}}};
  const auto parsed = round_trip(rr);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->report_blocks[0].cumulative_lost, kMaxCumulativeLost);
  EXPECT_EQ(parsed->report_blocks[1].cumulative_lost, kMinCumulativeLost);
}

TEST(ReceiverReport, RoundTripsEmptyAndFullReports) {
  ReceiverReport empty{0xFEEDFACE, {}};
  EXPECT_EQ(round_trip(empty), empty);
  ReceiverReport full{7, {}};
  for (std::uint32_t i = 0; i < 31; ++i) {
    full.report_blocks.push_back(
        {i, static_cast<std::uint8_t>(i), -static_cast<std::int32_t>(i), i << 16, i * 3, i, i});
  }
  EXPECT_EQ(round_trip(full), full);
}

TEST(ReceiverReport, IgnoresProfileSpecificExtension) {
  // RR with RC=0 followed by one word of profile-specific extension.
  const std::vector<std::uint8_t> bytes = {0x80, 0xC9, 0x00, 0x02, 0, 0, 0, 9, 0xDE, 0xAD, 0xBE, 0xEF};
  const auto rr = parse_bytes<ReceiverReport>(bytes);
  ASSERT_TRUE(rr);
  EXPECT_EQ(rr->sender_ssrc, 9u);
  EXPECT_TRUE(rr->report_blocks.empty());
}

// SDES as browsers send it: one chunk with a CNAME of 16 characters, then the end item and padding.
TEST(Sdes, ParsesCnameAndSkipsOtherItems) {
  const std::vector<std::uint8_t> bytes = {
      0x82, 0xCA, 0x00, 0x0A,  // V=2 SC=2 PT=202 length 10 (44 bytes)
      0x00, 0x00, 0x00, 0x01,  // chunk 1 SSRC
      0x01, 0x10,              // CNAME, 16 bytes
      'q',  'Y',  'x',  '3',  'Z', 'p', '4', 'W',  'L',
      'k',  'm',  'N',  'o',  'p', 'Q', 'r', 0x00, 0x00,  // end item + padding to 32 bits
      0x00, 0x00, 0x00, 0x02,                             // chunk 2 SSRC
      0x06, 0x03, 'a',  'b',  'c',                        // TOOL item: skipped
      0x01, 0x01, 'z',                                    // CNAME "z"
      0x00, 0x00, 0x00, 0x00,                             // end item + padding
  };
  const auto sdes = parse_bytes<Sdes>(bytes);
  ASSERT_TRUE(sdes);
  ASSERT_EQ(sdes->chunks.size(), 2u);
  EXPECT_EQ(sdes->chunks[0].ssrc, 1u);
  EXPECT_EQ(sdes->chunks[0].cname, "qYx3Zp4WLkmNopQr");
  EXPECT_EQ(sdes->chunks[1].ssrc, 2u);
  EXPECT_EQ(sdes->chunks[1].cname, "z");
}

TEST(Sdes, RoundTripsChunksOfEveryPaddingLength) {
  Sdes sdes;
  for (std::uint32_t i = 0; i < 6; ++i) sdes.chunks.push_back({i + 100, std::string(i, 'c')});
  EXPECT_EQ(round_trip(sdes), sdes);
}

TEST(Sdes, RejectsItemPastEndAndMissingEndItem) {
  const std::vector<std::uint8_t> item_past_end = {0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x09, 'a', 'b'};
  EXPECT_FALSE(parse_bytes<Sdes>(item_past_end));
  const std::vector<std::uint8_t> no_end_item = {0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 'a', 'b'};
  EXPECT_FALSE(parse_bytes<Sdes>(no_end_item));
}

TEST(Bye, ParsesSsrcsAndReason) {
  const std::vector<std::uint8_t> bytes = {
      0x82, 0xCB, 0x00, 0x04,                                               // SC=2 PT=203 length 4
      0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x0B, 0x03, 'b', 'y', 'e',  // reason "bye"
      0x00, 0x00, 0x00, 0x00,
  };
  const auto bye = parse_bytes<Bye>(bytes);
  ASSERT_TRUE(bye);
  EXPECT_EQ(bye->ssrcs, (std::vector<std::uint32_t>{10, 11}));
  EXPECT_EQ(bye->reason, "bye");
}

TEST(Bye, RoundTripsAndRejectsTruncation) {
  const Bye with_reason{{1, 2, 3}, "screen share stopped"};
  EXPECT_EQ(round_trip(with_reason), with_reason);
  const Bye without{{0xFFFFFFFF}, ""};
  EXPECT_EQ(round_trip(without), without);
  const std::vector<std::uint8_t> reason_past_end = {0x81, 0xCB, 0x00, 0x02, 0, 0, 0, 1, 0x09, 'a', 'b', 'c'};
  EXPECT_FALSE(parse_bytes<Bye>(reason_past_end));
  const std::vector<std::uint8_t> ssrc_missing = {0x82, 0xCB, 0x00, 0x01, 0, 0, 0, 1};
  EXPECT_FALSE(parse_bytes<Bye>(ssrc_missing));
}

}  // namespace
}  // namespace presentd::rtp::rtcp

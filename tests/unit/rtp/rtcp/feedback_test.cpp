// SPDX-License-Identifier: Apache-2.0
// Generic NACK, PLI, FIR and REMB: hand-built packets, round trips, malformed input.
#include <gtest/gtest.h>

#include <vector>

#include "presentd/rtp/rtcp/fir.hpp"
#include "presentd/rtp/rtcp/nack.hpp"
#include "presentd/rtp/rtcp/pli.hpp"
#include "presentd/rtp/rtcp/remb.hpp"
#include "rtcp_test_support.hpp"
#include "support/rtp/wrap_test_support.hpp"

namespace presentd::rtp::rtcp {
namespace {

using test::parse_bytes;
using test::round_trip;

// RFC 4585 §6.2.1: PID 0xFFFE with BLP bits 0 and 2 set names 0xFFFE, 0xFFFF and 1 (the wrap).
TEST(Nack, ParsesPidAndBitmaskAcrossTheWrap) {
  const std::vector<std::uint8_t> bytes = {
      0x81, 0xCD, 0x00, 0x03,  // FMT=1 PT=205 length 3
      0x00, 0x00, 0x00, 0x01,  // sender SSRC
      0x00, 0x00, 0x00, 0x02,  // media SSRC
      0xFF, 0xFE, 0x00, 0x05,  // PID 65534, BLP 0b101
  };
  const auto nack = parse_bytes<Nack>(bytes);
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->sender_ssrc, 1u);
  EXPECT_EQ(nack->media_ssrc, 2u);
  EXPECT_EQ(nack->sequence_numbers(), (std::vector<std::uint16_t>{65534, 65535, 1}));
  std::vector<std::uint8_t> written;
  nack->write(written);
  EXPECT_EQ(written, bytes);
}

struct NackItemsCase {
  const char* name;
  std::vector<std::uint16_t> lost;                             // offsets from a start just below the wrap
  std::vector<std::pair<std::uint16_t, std::uint16_t>> items;  // PID offset, BLP
};

class NackItems : public ::testing::TestWithParam<NackItemsCase> {};

TEST_P(NackItems, AreMinimalAndRoundTrip) {
  const std::uint16_t start = rtp::test::start_near_wrap(7, 10);
  std::vector<std::uint16_t> lost;
  for (const std::uint16_t offset : GetParam().lost) lost.push_back(static_cast<std::uint16_t>(start + offset));
  const Nack nack = Nack::for_packets(10, 20, lost);
  ASSERT_EQ(nack.items.size(), GetParam().items.size());
  for (std::size_t i = 0; i < nack.items.size(); ++i) {
    EXPECT_EQ(nack.items[i].pid, static_cast<std::uint16_t>(start + GetParam().items[i].first));
    EXPECT_EQ(nack.items[i].blp, GetParam().items[i].second);
  }
  const auto parsed = round_trip(nack);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->sequence_numbers(), lost);
}

INSTANTIATE_TEST_SUITE_P(Table, NackItems,
                         ::testing::Values(NackItemsCase{"single", {0}, {{0, 0x0000}}},
                                           NackItemsCase{"consecutive_17_fill_one_item",
                                                         {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
                                                         {{0, 0xFFFF}}},
                                           NackItemsCase{"eighteenth_needs_second_item",
                                                         {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17},
                                                         {{0, 0xFFFF}, {17, 0x0000}}},
                                           NackItemsCase{"sparse_within_span", {0, 3, 16}, {{0, 0x8004}}},
                                           NackItemsCase{"gap_of_17_splits", {0, 17, 18}, {{0, 0x0000}, {17, 0x0001}}},
                                           NackItemsCase{"far_apart", {0, 100, 1000}, {{0, 0}, {100, 0}, {1000, 0}}}),
                         [](const ::testing::TestParamInfo<NackItemsCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(Nack, RejectsMissingOrPartialFci) {
  const std::vector<std::uint8_t> no_fci = {0x81, 0xCD, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  EXPECT_FALSE(parse_bytes<Nack>(no_fci));
  const std::vector<std::uint8_t> short_header = {0x81, 0xCD, 0x00, 0x01, 0, 0, 0, 1};
  EXPECT_FALSE(parse_bytes<Nack>(short_header));
}

// RFC 4585 §6.3.1: a PLI is exactly the 12-byte feedback header.
TEST(Pli, ParsesAndWritesTwelveBytes) {
  const std::vector<std::uint8_t> bytes = {0x81, 0xCE, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78};
  const auto pli = parse_bytes<Pli>(bytes);
  ASSERT_TRUE(pli);
  EXPECT_EQ(pli->sender_ssrc, 1u);
  EXPECT_EQ(pli->media_ssrc, 0x12345678u);
  std::vector<std::uint8_t> written;
  pli->write(written);
  EXPECT_EQ(written, bytes);
  EXPECT_FALSE(parse_bytes<Pli>(std::vector<std::uint8_t>{0x81, 0xCE, 0x00, 0x01, 0, 0, 0, 1}));
  // A PSFB with another FMT (SLI = 2) is not a PLI.
  EXPECT_FALSE(parse_bytes<Pli>(std::vector<std::uint8_t>{0x82, 0xCE, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2}));
}

// RFC 5104 §4.3.1: FIR with one entry, command sequence number 7.
TEST(Fir, ParsesEntriesWithSequenceNumbers) {
  const std::vector<std::uint8_t> bytes = {
      0x84, 0xCE, 0x00, 0x04,  // FMT=4 PT=206 length 4
      0x00, 0x00, 0x00, 0x01,  // sender SSRC
      0x00, 0x00, 0x00, 0x00,  // media SSRC: unused, zero
      0xAB, 0xCD, 0xEF, 0x01,  // FCI: SSRC
      0x07, 0x00, 0x00, 0x00,  // seq nr 7, reserved
  };
  const auto fir = parse_bytes<Fir>(bytes);
  ASSERT_TRUE(fir);
  EXPECT_EQ(fir->sender_ssrc, 1u);
  ASSERT_EQ(fir->entries.size(), 1u);
  EXPECT_EQ(fir->entries[0], (FirEntry{0xABCDEF01, 7}));
  std::vector<std::uint8_t> written;
  fir->write(written);
  EXPECT_EQ(written, bytes);
  const Fir two{9, {{1, 255}, {2, 0}}};
  EXPECT_EQ(round_trip(two), two);
  auto partial = bytes;
  partial.resize(16);
  partial[3] = 0x03;
  EXPECT_FALSE(parse_bytes<Fir>(partial));
}

// draft-alvestrand-rmcat-remb-03: exponent 3, mantissa 0x3D090 (250000) = 2 Mbit/s, two SSRCs.
TEST(Remb, ParsesMantissaAndExponent) {
  const std::vector<std::uint8_t> bytes = {
      0x8F, 0xCE, 0x00, 0x06,                          // FMT=15 PT=206 length 6
      0x00, 0x00, 0x00, 0x01,                          // sender SSRC
      0x00, 0x00, 0x00, 0x00,                          // media SSRC 0
      'R',  'E',  'M',  'B',  0x02, 0x0F, 0xD0, 0x90,  // num SSRC 2 | exp 3 (000011) | mantissa 0x3D090
      0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x0B,
  };
  const auto remb = parse_bytes<Remb>(bytes);
  ASSERT_TRUE(remb);
  EXPECT_EQ(remb->bitrate_bps, 2'000'000u);
  EXPECT_EQ(remb->ssrcs, (std::vector<std::uint32_t>{10, 11}));
  // The writer picks the smallest exponent: 2 Mbit/s is 0x1E8480, which needs exponent 3.
  std::vector<std::uint8_t> written;
  remb->write(written);
  EXPECT_EQ(written, bytes);
}

TEST(Remb, RoundsDownLargeBitratesAndRejectsOtherAppMessages) {
  const Remb big{5, 1'234'567'891, {42}};
  const auto parsed = round_trip(big);
  ASSERT_TRUE(parsed);
  EXPECT_LE(parsed->bitrate_bps, big.bitrate_bps);
  EXPECT_GT(parsed->bitrate_bps, big.bitrate_bps - (big.bitrate_bps >> 17));  // 18-bit precision
  const Remb exact{5, 262143, {}};                                            // the largest value with exponent 0
  EXPECT_EQ(round_trip(exact), exact);

  const std::vector<std::uint8_t> not_remb = {0x8F, 0xCE, 0x00, 0x04, 0,   0,   0,    1,    0,    0,
                                              0,    0,    'A',  'B',  'C', 'D', 0x00, 0x00, 0x00, 0x00};
  EXPECT_FALSE(parse_bytes<Remb>(not_remb));
  auto ssrc_past_end = std::vector<std::uint8_t>{0x8F, 0xCE, 0x00, 0x04, 0,   0,   0,    1,    0,    0,
                                                 0,    0,    'R',  'E',  'M', 'B', 0x03, 0x00, 0x00, 0x01};
  EXPECT_FALSE(parse_bytes<Remb>(ssrc_past_end));
  // Exponent 63 cannot be represented; it saturates instead of overflowing.
  auto huge = std::vector<std::uint8_t>{0x8F, 0xCE, 0x00, 0x04, 0,   0,   0,    1,    0,    0,
                                        0,    0,    'R',  'E',  'M', 'B', 0x00, 0xFF, 0xFF, 0xFF};
  const auto saturated = parse_bytes<Remb>(huge);
  ASSERT_TRUE(saturated);
  EXPECT_EQ(saturated->bitrate_bps, UINT64_MAX);
}

}  // namespace
}  // namespace presentd::rtp::rtcp

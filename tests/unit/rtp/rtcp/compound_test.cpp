// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/compound.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace presentd::rtp::rtcp {
namespace {

// A compound as a sender emits it (RFC 3550 §6.1): SR without blocks, SDES with CNAME, then a
// reduced-size feedback packet (PLI) and an APP packet we do not interpret.
const std::vector<std::uint8_t> kCompound = {
    0x80, 0xC8, 0x00, 0x06,  // SR, RC=0, length 6
    0x00, 0x00, 0x00, 0x05, 0xE9, 0x4B, 0x3A, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x0B, 0xB8, 0x81, 0xCA, 0x00, 0x03,  // SDES, SC=1, length 3
    0x00, 0x00, 0x00, 0x05, 0x01, 0x03, 'a',  'b',  'c',  0x00, 0x00, 0x00, 0x81, 0xCE, 0x00, 0x02,  // PLI
    0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x06, 0x80, 0xCC, 0x00, 0x02,  // APP (204), name "test"
    0x00, 0x00, 0x00, 0x05, 't',  'e',  's',  't',
};

TEST(CompoundReader, WalksPacketsByLength) {
  CompoundReader reader(kCompound);
  std::vector<std::uint8_t> types;
  std::vector<std::size_t> sizes;
  while (const auto packet = reader.next()) {
    types.push_back(packet->type);
    sizes.push_back(packet->data.size());
  }
  EXPECT_FALSE(reader.error());
  EXPECT_EQ(types, (std::vector<std::uint8_t>{200, 202, 206, 204}));
  EXPECT_EQ(sizes, (std::vector<std::size_t>{28, 16, 12, 12}));
}

TEST(ParseCompound, YieldsTypedMessages) {
  const auto result = parse_compound(kCompound);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->malformed, 0u);
  ASSERT_EQ(result->messages.size(), 4u);
  const auto* sr = std::get_if<SenderReport>(&result->messages[0]);
  ASSERT_NE(sr, nullptr);
  EXPECT_EQ(sr->sender_ssrc, 5u);
  EXPECT_EQ(sr->octet_count, 3000u);
  const auto* sdes = std::get_if<Sdes>(&result->messages[1]);
  ASSERT_NE(sdes, nullptr);
  EXPECT_EQ(sdes->chunks.at(0).cname, "abc");
  const auto* pli = std::get_if<Pli>(&result->messages[2]);
  ASSERT_NE(pli, nullptr);
  EXPECT_EQ(pli->media_ssrc, 6u);
  EXPECT_EQ(std::get<UnknownPacket>(result->messages[3]), (UnknownPacket{204, 0}));
}

// 44 bytes of transport-wide feedback announcing 65535 statuses (nine run-length chunks of
// "not received"): expanded, that is 65535 TransportFeedback::Packet entries.
std::vector<std::uint8_t> feedback_announcing_65535_statuses() {
  std::vector<std::uint8_t> packet = {0x8F, 205,  0x00, 0x0A,  // RTPFB FMT 15, length 10
                                      0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
                                      0x00, 0x02, 0x12, 0x34, 0xFF, 0xFF,             // base 0x1234, 65535 statuses
                                      0x00, 0x00, 0x01, 0x00};                        // reference time, fb count
  for (int chunk = 0; chunk < 9; ++chunk) packet.insert(packet.end(), {0x1F, 0xFF});  // 8191 x "not received"
  packet.insert(packet.end(), {0x00, 0x00, 0x00, 0x00, 0x00, 0x00});                  // padding
  return packet;
}

TEST(ParseCompound, TransportFeedbackIsLeftUnexpandedWhenTheReceiverDoesNotReadIt) {
  const auto bytes = feedback_announcing_65535_statuses();
  const auto expanded = parse_compound(bytes);
  ASSERT_TRUE(expanded);
  ASSERT_EQ(expanded->messages.size(), 1u);
  EXPECT_EQ(std::get<TransportFeedback>(expanded->messages[0]).packets.size(), 65535u);
  // The receive pipeline's options: framed, counted as a packet, nothing allocated per status.
  const auto framed = parse_compound(bytes, {.transport_feedback = false});
  ASSERT_TRUE(framed);
  EXPECT_EQ(framed->malformed, 0u);
  ASSERT_EQ(framed->messages.size(), 1u);
  EXPECT_EQ(std::get<UnknownPacket>(framed->messages[0]), (UnknownPacket{205, 15}));
}

struct BrokenCase {
  const char* name;
  std::vector<std::uint8_t> bytes;
};

class ParseCompoundBroken : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(ParseCompoundBroken, IsRejected) { EXPECT_FALSE(parse_compound(GetParam().bytes)); }

std::vector<std::uint8_t> with_trailer(std::vector<std::uint8_t> trailer) {
  std::vector<std::uint8_t> out = kCompound;
  out.resize(28);  // keep the SR
  for (const std::uint8_t byte : trailer) out.push_back(byte);
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    All, ParseCompoundBroken,
    ::testing::Values(BrokenCase{"empty", {}}, BrokenCase{"shorter_than_header", {0x80, 0xC9, 0x00}},
                      BrokenCase{"bad_version", {0x40, 0xC9, 0x00, 0x01, 0, 0, 0, 1}},
                      BrokenCase{"length_past_end", {0x80, 0xC9, 0x00, 0x02, 0, 0, 0, 1}},
                      BrokenCase{"second_length_past_end", with_trailer({0x81, 0xCE, 0x00, 0x09, 0, 0, 0, 1})},
                      BrokenCase{"trailing_bytes", with_trailer({0x81, 0xCE})},
                      BrokenCase{"padding_count_zero", {0xA0, 0xC9, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0}},
                      BrokenCase{"padding_past_body", {0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 9}}),
    [](const ::testing::TestParamInfo<BrokenCase>& param_info) { return std::string(param_info.param.name); });

TEST(ParseCompound, CountsMalformedBodiesAndKeepsTheRest) {
  // A NACK with no FCI is well framed but malformed; the RR after it is still delivered.
  const std::vector<std::uint8_t> bytes = {0x81, 0xCD, 0x00, 0x02, 0,    0,    0, 1, 0, 0,
                                           0,    2,    0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 3};
  const auto result = parse_compound(bytes);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->malformed, 1u);
  ASSERT_EQ(result->messages.size(), 1u);
  EXPECT_EQ(std::get<ReceiverReport>(result->messages[0]).sender_ssrc, 3u);
}

TEST(WriteCompound, RoundTripsEveryMessageType) {
  TransportFeedback feedback =
      build_transport_feedback(1, 2, std::vector<PacketArrival>{{65535, 64'000}, {0, std::nullopt}, {1, 70'000}}, 3)
          .at(0);
  const std::vector<Message> messages = {
      SenderReport{1, 0x0123456789ABCDEFull, 2, 3, 4, {ReportBlock{5, 6, -7, 8, 9, 10, 11}}},
      ReceiverReport{1, {ReportBlock{12, 13, 14, 15, 16, 17, 18}}},
      Sdes{{{1, "presentd"}}},
      Bye{{1}, "done"},
      Nack::for_packets(1, 2, std::vector<std::uint16_t>{65530, 65535, 3}),
      Pli{1, 2},
      Fir{1, {{2, 3}}},
      Remb{1, 1'500'000, {2}},
      feedback,
  };
  const std::vector<std::uint8_t> bytes = write_compound(messages);
  EXPECT_EQ(bytes.size() % 4, 0u);
  const auto result = parse_compound(bytes);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->malformed, 0u);
  EXPECT_EQ(result->messages, messages);
}

}  // namespace
}  // namespace presentd::rtp::rtcp

// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/packet_classifier.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace presentd::rtp {
namespace {

struct ClassifyCase {
  std::vector<std::uint8_t> bytes;
  PacketKind expected;
};

class ClassifyPacket : public ::testing::TestWithParam<ClassifyCase> {};

TEST_P(ClassifyPacket, FollowsRfc7983AndRfc5761) {
  EXPECT_EQ(classify_packet(GetParam().bytes), GetParam().expected) << to_string(GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Boundaries, ClassifyPacket,
    ::testing::Values(ClassifyCase{{}, PacketKind::unknown},
                      // STUN binding request (0x0001) and the top of the STUN range.
                      ClassifyCase{{0x00, 0x01, 0x00, 0x00}, PacketKind::stun},
                      ClassifyCase{{0x03, 0x00}, PacketKind::stun}, ClassifyCase{{0x04, 0x00}, PacketKind::unknown},
                      ClassifyCase{{0x13, 0x00}, PacketKind::unknown},  // ZRTP range, not supported
                      // DTLS handshake (22) and the range ends.
                      ClassifyCase{{0x16, 0xFE, 0xFD}, PacketKind::dtls}, ClassifyCase{{0x14}, PacketKind::dtls},
                      ClassifyCase{{0x3F}, PacketKind::dtls},
                      ClassifyCase{{0x40, 0x00}, PacketKind::unknown},  // TURN channel
                      ClassifyCase{{0x7F, 0x00}, PacketKind::unknown},
                      // RTP: PT 96 with and without marker; PT 63 and 96 border the RTCP range.
                      ClassifyCase{{0x80, 0x60}, PacketKind::rtp}, ClassifyCase{{0x80, 0xE0}, PacketKind::rtp},
                      ClassifyCase{{0x80, 0x3F}, PacketKind::rtp},
                      ClassifyCase{{0x80, 0xBF}, PacketKind::rtp},  // M=1 PT=63
                      // RTCP: SR 200 (0xC8), RR 201, RTPFB 205, PSFB 206, and the range ends 192 and 223.
                      ClassifyCase{{0x80, 0xC8}, PacketKind::rtcp}, ClassifyCase{{0x81, 0xC9}, PacketKind::rtcp},
                      ClassifyCase{{0x8F, 0xCD}, PacketKind::rtcp}, ClassifyCase{{0x81, 0xCE}, PacketKind::rtcp},
                      ClassifyCase{{0x80, 0xC0}, PacketKind::rtcp}, ClassifyCase{{0x80, 0xDF}, PacketKind::rtcp},
                      ClassifyCase{{0xBF, 0x40}, PacketKind::rtcp},  // PT field 64 without the marker: RTCP 192
                      ClassifyCase{{0x80}, PacketKind::unknown},     // cannot tell RTP from RTCP
                      ClassifyCase{{0xC0, 0x60}, PacketKind::unknown}));

}  // namespace
}  // namespace presentd::rtp

// SPDX-License-Identifier: Apache-2.0
#pragma once
// Demultiplexing of everything that arrives on the one bundled port.
// RFC 7983 §7 decides by the first byte:
//   [0..3] STUN   [16..19] ZRTP   [20..63] DTLS   [64..79] TURN channel   [128..191] RTP/RTCP
// RFC 5761 §4 then separates RTCP from RTP: RTCP packet types 192..223 appear, with the marker bit
// position masked off, as payload types 64..95, which RTP payload types must avoid.
// Thread: none; a pure function.
#include <cstdint>
#include <span>

namespace presentd::rtp {

enum class PacketKind { stun, dtls, rtp, rtcp, unknown };

[[nodiscard]] PacketKind classify_packet(std::span<const std::uint8_t> packet);

const char* to_string(PacketKind kind);

}  // namespace presentd::rtp

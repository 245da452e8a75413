// SPDX-License-Identifier: Apache-2.0
#pragma once
// Packets of a synthetic video stream for the jitter-buffer tests, fuzzer and benchmark: frames of
// a fixed packet count, a keyframe every `keyframe_interval` frames, 90 kHz timestamps at 30 fps,
// frame starts and markers set as a VP8 depacketizer would report them. Each payload starts with
// the packet's index (big-endian) so a frame's bitstream shows which packets went into it.
#include <cstddef>
#include <cstdint>

#include "presentd/media/jitter/frame_assembler.hpp"

namespace presentd::media::testing {

struct SyntheticStream {
  int packets_per_frame = 8;
  int keyframe_interval = 60;
  std::uint16_t first_seq = 0;
  std::uint32_t first_ts = 0;
  std::size_t payload_bytes = 2;
};

inline MediaPacket synthetic_packet(const SyntheticStream& stream, int index) {
  const int frame = index / stream.packets_per_frame;
  const int position = index % stream.packets_per_frame;
  MediaPacket packet;
  packet.sequence_number = static_cast<std::uint16_t>(stream.first_seq + index);
  packet.rtp_timestamp = stream.first_ts + static_cast<std::uint32_t>(frame) * 3000u;
  packet.marker = position == stream.packets_per_frame - 1;
  packet.info.frame_start = position == 0;
  packet.info.keyframe = position == 0 && frame % stream.keyframe_interval == 0;
  packet.payload.assign(stream.payload_bytes, static_cast<std::uint8_t>(index));
  if (stream.payload_bytes >= 2) {
    packet.payload[0] = static_cast<std::uint8_t>(index >> 8);
    packet.payload[1] = static_cast<std::uint8_t>(index);
  }
  return packet;
}

}  // namespace presentd::media::testing

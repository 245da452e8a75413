// SPDX-License-Identifier: Apache-2.0
#pragma once
// VP8 RTP depacketizer (RFC 7741). Thread: event loop, one instance per video stream.
#include <cstdint>
#include <optional>
#include <span>

#include "presentd/rtp/depacketizer/depacketizer.hpp"

namespace presentd::rtp {

// The fields of an RFC 7741 §4.2 payload descriptor. Optional fields are present only when the
// descriptor carries them; payload_offset is where the VP8 bitstream starts inside the payload.
struct Vp8Descriptor {
  bool non_reference = false;               // N
  bool start_of_partition = false;          // S
  std::uint8_t partition_index = 0;         // PID
  std::optional<std::uint16_t> picture_id;  // 7- or 15-bit, by picture_id_15bit
  bool picture_id_15bit = false;            // M
  std::optional<std::uint8_t> tl0_pic_idx;  // L
  std::optional<std::uint8_t> temporal_id;  // T: TID
  bool layer_sync = false;                  // T: Y
  std::optional<std::uint8_t> key_idx;      // K: KEYIDX
  std::size_t payload_offset = 0;

  bool starts_frame() const { return start_of_partition && partition_index == 0; }
};

// Parses the descriptor; nullopt when it is truncated or no VP8 data follows it.
[[nodiscard]] std::optional<Vp8Descriptor> parse_vp8_descriptor(std::span<const std::uint8_t> payload);

// What the first bytes of a VP8 frame say (RFC 6386 §9.1): keyframe, the size of the first
// partition and, for keyframes, the picture size.
struct Vp8FrameHeader {
  bool keyframe = false;
  std::uint32_t first_partition_size = 0;
  std::uint16_t width = 0;
  std::uint16_t height = 0;

  // Bytes a frame needs at least: its uncompressed header, then the whole first partition.
  // Decoders refuse anything shorter (FFmpeg: "Header size larger than data provided").
  std::size_t minimum_frame_size() const;
};
// Frame tag (3 bytes), start code (3) and the two sizes (2 + 2) of a keyframe.
inline constexpr std::size_t kVp8FrameTagSize = 3;
inline constexpr std::size_t kVp8KeyframeHeaderSize = 10;
// nullopt when the frame tag or a keyframe header is truncated, or a keyframe lacks the 9d 01 2a
// start code.
[[nodiscard]] std::optional<Vp8FrameHeader> parse_vp8_frame_header(std::span<const std::uint8_t> frame);

class Vp8Depacketizer final : public Depacketizer {
public:
  // Stateless, so that inspect_payload() (depacketizer.hpp) can call it without an instance.
  [[nodiscard]] static std::optional<PayloadInfo> inspect_payload(std::span<const std::uint8_t> payload);
  std::optional<PayloadInfo> inspect(std::span<const std::uint8_t> payload) override {
    return inspect_payload(payload);
  }
  std::optional<AssembledFrame> assemble(std::span<const std::span<const std::uint8_t>> payloads) override;
};

}  // namespace presentd::rtp

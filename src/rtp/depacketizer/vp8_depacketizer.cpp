// SPDX-License-Identifier: Apache-2.0
#include "rtp/depacketizer/vp8_depacketizer.hpp"

#include "presentd/common/byte_reader.hpp"
#include "rtp/depacketizer/payload_bytes.hpp"
#include "rtp/depacketizer/picture_id.hpp"

namespace presentd::rtp {

// RFC 7741 §4.2, VP8 payload descriptor:
//        0 1 2 3 4 5 6 7
//       +-+-+-+-+-+-+-+-+
//       |X|R|N|S|R| PID | (REQUIRED)
//       +-+-+-+-+-+-+-+-+
//  X:   |I|L|T|K| RSV   | (OPTIONAL)
//       +-+-+-+-+-+-+-+-+
//  I:   |M| PictureID   | (OPTIONAL)
//       +-+-+-+-+-+-+-+-+
//  M:   |   PictureID   | (second byte only when M=1: 15-bit picture ID)
//       +-+-+-+-+-+-+-+-+
//  L:   |   TL0PICIDX   | (OPTIONAL)
//       +-+-+-+-+-+-+-+-+
//  T/K: |TID|Y| KEYIDX  | (OPTIONAL, present when T or K is set)
//       +-+-+-+-+-+-+-+-+
std::optional<Vp8Descriptor> parse_vp8_descriptor(std::span<const std::uint8_t> payload) {
  ByteReader reader(payload);
  const auto first = reader.u8();
  if (!first) return std::nullopt;
  Vp8Descriptor d;
  d.non_reference = (*first & 0x20) != 0;
  d.start_of_partition = (*first & 0x10) != 0;
  d.partition_index = *first & 0x07;
  if ((*first & 0x80) != 0) {
    const auto ext = reader.u8();
    if (!ext) return std::nullopt;
    if ((*ext & 0x80) != 0) {
      const auto id = read_picture_id(reader);
      if (!id) return std::nullopt;
      d.picture_id = id->value;
      d.picture_id_15bit = id->is_15bit;
    }
    if ((*ext & 0x40) != 0) {
      d.tl0_pic_idx = reader.u8();
      if (!d.tl0_pic_idx) return std::nullopt;
    }
    const bool has_tid = (*ext & 0x20) != 0;
    const bool has_keyidx = (*ext & 0x10) != 0;
    if (has_tid || has_keyidx) {
      const auto tk = reader.u8();
      if (!tk) return std::nullopt;
      if (has_tid) {
        d.temporal_id = static_cast<std::uint8_t>(*tk >> 6);
        d.layer_sync = (*tk & 0x20) != 0;
      }
      if (has_keyidx) d.key_idx = static_cast<std::uint8_t>(*tk & 0x1f);
    }
  }
  // A descriptor with no VP8 data behind it carries nothing a decoder could use.
  if (reader.empty()) return std::nullopt;
  d.payload_offset = reader.offset();
  return d;
}

// RFC 7741 §4.3 / RFC 6386 §9.1, the start of every VP8 frame:
//        0 1 2 3 4 5 6 7
//       +-+-+-+-+-+-+-+-+
//       |Size0|H| VER |P|   P = 0: keyframe
//       +-+-+-+-+-+-+-+-+
//       |     Size1     |
//       +-+-+-+-+-+-+-+-+
//       |     Size2     |
//       +-+-+-+-+-+-+-+-+
// The first partition's size is the 19-bit little-endian Size0 | Size1 << 3 | Size2 << 11.
// Keyframes continue with the start code 9d 01 2a, then 16-bit little-endian width and height
// whose top two bits are a scaling mode, not part of the size.
std::optional<Vp8FrameHeader> parse_vp8_frame_header(std::span<const std::uint8_t> frame) {
  ByteReader reader(frame);
  const auto tag = reader.bytes(kVp8FrameTagSize);
  if (!tag) return std::nullopt;
  const auto& t = *tag;
  Vp8FrameHeader header;
  header.keyframe = (t[0] & 0x01) == 0;
  header.first_partition_size = static_cast<std::uint32_t>((t[0] >> 5) | (t[1] << 3) | (t[2] << 11));
  if (!header.keyframe) return header;
  const auto start_code = reader.u24();
  if (!start_code || *start_code != 0x9d012a) return std::nullopt;
  const auto size = reader.bytes(4);
  if (!size) return std::nullopt;
  const auto& s = *size;
  header.width = static_cast<std::uint16_t>(((s[1] << 8) | s[0]) & 0x3fff);
  header.height = static_cast<std::uint16_t>(((s[3] << 8) | s[2]) & 0x3fff);
  return header;
}

std::size_t Vp8FrameHeader::minimum_frame_size() const {
  return (keyframe ? kVp8KeyframeHeaderSize : kVp8FrameTagSize) + first_partition_size;
}

std::optional<PayloadInfo> Vp8Depacketizer::inspect_payload(std::span<const std::uint8_t> payload) {
  const auto descriptor = parse_vp8_descriptor(payload);
  if (!descriptor) return std::nullopt;
  PayloadInfo info;
  info.frame_start = descriptor->starts_frame();
  // Only the first packet of partition 0 holds the frame header.
  if (!info.frame_start) return info;
  const auto data = payload.subspan(descriptor->payload_offset);
  info.keyframe = (data[0] & 0x01) == 0;  // the descriptor parser checked data is not empty
  // A payloader may split even the 10-byte keyframe header across packets (tiny MTUs): then the
  // size is unknown here but the packet is fine. A complete header must be a valid one.
  if (info.keyframe && data.size() >= kVp8KeyframeHeaderSize) {
    const auto header = parse_vp8_frame_header(data);
    if (!header) return std::nullopt;
    info.width = header->width;
    info.height = header->height;
  }
  return info;
}

std::optional<AssembledFrame> Vp8Depacketizer::assemble(std::span<const std::span<const std::uint8_t>> payloads) {
  AssembledFrame frame;
  frame.bitstream.reserve(total_payload_bytes(payloads));
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    const auto descriptor = parse_vp8_descriptor(payloads[i]);
    if (!descriptor) return std::nullopt;
    // A frame that does not open with partition 0 lost its first packet: the decoder cannot use it.
    if (i == 0 && !descriptor->starts_frame()) return std::nullopt;
    // A second frame start inside one frame means two frames were merged.
    if (i != 0 && descriptor->starts_frame()) return std::nullopt;
    const auto data = payloads[i].subspan(descriptor->payload_offset);
    frame.bitstream.insert(frame.bitstream.end(), data.begin(), data.end());
  }
  if (frame.bitstream.empty()) return std::nullopt;
  const auto header = parse_vp8_frame_header(frame.bitstream);
  if (!header) return std::nullopt;
  // Shorter than its own first partition: packets are missing at the end (a sender that cut the
  // frame short). The decoder would refuse it; refusing it here asks for a keyframe at once.
  if (frame.bitstream.size() < header->minimum_frame_size()) return std::nullopt;
  frame.keyframe = header->keyframe;
  return frame;
}

}  // namespace presentd::rtp

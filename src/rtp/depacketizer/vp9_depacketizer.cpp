// SPDX-License-Identifier: Apache-2.0
#include "rtp/depacketizer/vp9_depacketizer.hpp"

#include "presentd/common/byte_reader.hpp"
#include "rtp/depacketizer/payload_bytes.hpp"
#include "rtp/depacketizer/picture_id.hpp"

namespace presentd::rtp {
namespace {

bool bit(std::uint8_t byte, int index_from_msb) { return ((byte >> (7 - index_from_msb)) & 1) != 0; }

// RFC 9628 §4.2.1, scalability structure:
//       +-+-+-+-+-+-+-+-+
//  V:   | N_S |Y|G|-|-|-|
//       +-+-+-+-+-+-+-+-+              -.
//  Y:   |     WIDTH     | (16 bits)     . - N_S + 1 times
//       |     HEIGHT    | (16 bits)     .
//       +-+-+-+-+-+-+-+-+              -/
//  G:   |      N_G      |
//       +-+-+-+-+-+-+-+-+                           -.
//  N_G: |  TID |U| R |-|-|                           . - N_G times
//       +-+-+-+-+-+-+-+-+              -.           .
//       |    P_DIFF     |               . - R times .
//       +-+-+-+-+-+-+-+-+              -/           -/
std::optional<Vp9ScalabilityStructure> parse_scalability(ByteReader& reader) {
  const auto header = reader.u8();
  if (!header) return std::nullopt;
  Vp9ScalabilityStructure ss;
  ss.spatial_layers = static_cast<std::uint8_t>((*header >> 5) + 1);
  ss.has_resolutions = bit(*header, 3);
  if (ss.has_resolutions) {
    for (std::uint8_t i = 0; i < ss.spatial_layers; ++i) {
      const auto width = reader.u16();
      const auto height = reader.u16();
      if (!width || !height) return std::nullopt;
      ss.resolutions[i] = {*width, *height};
    }
  }
  if (bit(*header, 4)) {
    ss.pictures_in_group = reader.u8();
    if (!ss.pictures_in_group) return std::nullopt;
    for (std::uint8_t g = 0; g < *ss.pictures_in_group; ++g) {
      const auto group = reader.u8();
      if (!group) return std::nullopt;
      const std::uint8_t references = (*group >> 2) & 0x03;
      if (!reader.skip(references)) return std::nullopt;
    }
  }
  return ss;
}

}  // namespace

// RFC 9628 §4.2, payload descriptor:
//       +-+-+-+-+-+-+-+-+
//       |I|P|L|F|B|E|V|Z| (REQUIRED)
//       +-+-+-+-+-+-+-+-+
//  I:   |M| PICTURE ID  |
//  M:   | EXTENDED PID  | (15-bit picture ID when M=1)
//  L:   | TID |U| SID |D|
//       |   TL0PICIDX   | (non-flexible mode, F=0, only)
//  P,F: | P_DIFF      |N| (flexible mode with P=1, up to 3 times while N=1)
//  V:   | SS            | (see parse_scalability)
//       +-+-+-+-+-+-+-+-+
std::optional<Vp9Descriptor> parse_vp9_descriptor(std::span<const std::uint8_t> payload) {
  ByteReader reader(payload);
  const auto first = reader.u8();
  if (!first) return std::nullopt;
  Vp9Descriptor d;
  d.inter_picture_predicted = bit(*first, 1);
  d.flexible_mode = bit(*first, 3);
  d.beginning_of_frame = bit(*first, 4);
  d.end_of_frame = bit(*first, 5);
  d.not_upswitch_reference = bit(*first, 7);
  if (bit(*first, 0)) {
    const auto id = read_picture_id(reader);
    if (!id) return std::nullopt;
    d.picture_id = id->value;
    d.picture_id_15bit = id->is_15bit;
  }
  if (bit(*first, 2)) {
    const auto layers = reader.u8();
    if (!layers) return std::nullopt;
    d.temporal_id = static_cast<std::uint8_t>(*layers >> 5);
    d.switching_up_point = bit(*layers, 3);
    d.spatial_id = static_cast<std::uint8_t>((*layers >> 1) & 0x07);
    d.inter_layer_dependency = bit(*layers, 7);
    if (!d.flexible_mode) {
      d.tl0_pic_idx = reader.u8();
      if (!d.tl0_pic_idx) return std::nullopt;
    }
  }
  if (d.flexible_mode && d.inter_picture_predicted) {
    bool more = true;
    while (more) {
      if (d.reference_count == Vp9Descriptor::kMaxReferences) return std::nullopt;
      const auto diff = reader.u8();
      if (!diff) return std::nullopt;
      d.reference_diffs[d.reference_count++] = static_cast<std::uint8_t>(*diff >> 1);
      more = (*diff & 0x01) != 0;
    }
  }
  if (bit(*first, 6)) {
    d.scalability = parse_scalability(reader);
    if (!d.scalability) return std::nullopt;
  }
  if (reader.empty()) return std::nullopt;
  d.payload_offset = reader.offset();
  return d;
}

std::optional<PayloadInfo> Vp9Depacketizer::inspect_payload(std::span<const std::uint8_t> payload) {
  const auto d = parse_vp9_descriptor(payload);
  if (!d) return std::nullopt;
  PayloadInfo info;
  info.frame_start = d->starts_frame();
  info.keyframe = d->keyframe();
  if (d->scalability && d->scalability->has_resolutions) {
    // The decoder outputs the highest spatial layer, so that is the picture size to report.
    const auto& top = d->scalability->resolutions[d->scalability->spatial_layers - 1];
    info.width = top.width;
    info.height = top.height;
  }
  return info;
}

std::optional<AssembledFrame> Vp9Depacketizer::assemble(std::span<const std::span<const std::uint8_t>> payloads) {
  AssembledFrame frame;
  frame.bitstream.reserve(total_payload_bytes(payloads));
  // Each layer frame inside the picture must run from a B packet to an E packet with nothing
  // missing in between; inside_layer_frame tracks whether we are between the two.
  bool inside_layer_frame = false;
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    const auto d = parse_vp9_descriptor(payloads[i]);
    if (!d) return std::nullopt;
    if (i == 0) {
      if (!d->starts_frame()) return std::nullopt;
      frame.keyframe = d->keyframe();
    }
    if (d->beginning_of_frame == inside_layer_frame) return std::nullopt;
    inside_layer_frame = !d->end_of_frame;
    const auto data = payloads[i].subspan(d->payload_offset);
    frame.bitstream.insert(frame.bitstream.end(), data.begin(), data.end());
  }
  if (payloads.empty() || inside_layer_frame) return std::nullopt;
  return frame;
}

}  // namespace presentd::rtp

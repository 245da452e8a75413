// SPDX-License-Identifier: Apache-2.0
#include "media/forward/viewer_extensions.hpp"

#include <algorithm>
#include <array>

#include "presentd/common/byte_writer.hpp"
#include "presentd/rtp/rtp_header_extension.hpp"

namespace presentd::media {
namespace {

// RFC 8285 §4.2 one-byte form: ID 1..14, 1..16 bytes. §4.3 two-byte form: ID 1..255, 0..255 bytes.
bool fits_one_byte(std::uint8_t id, std::size_t size) { return id >= 1 && id <= 14 && size >= 1 && size <= 16; }
bool fits_two_byte(std::uint8_t id, std::size_t size) { return id >= 1 && size <= 255; }

constexpr std::array<std::uint8_t, 3> kZeros{};

// Calls visit(viewer_id, data, placeholder) for every element the viewer gets, in output order;
// `placeholder` marks the elements the sender fills in (0: none, 1: transport-cc, 2: abs-send-time).
template <class Visit>
void for_each_viewer_element(const rtp::RtpPacket& packet, const ViewerExtensionIds& ids, Visit&& visit) {
  if (packet.has_extension()) {
    auto reader = packet.extensions();
    while (const auto element = reader.next()) {
      const std::uint8_t viewer_id = (*ids.source_to_viewer)[element->id];
      if (viewer_id != 0) visit(viewer_id, element->data, 0);
    }
  }
  if (ids.mid != 0 && !ids.mid_value.empty()) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(ids.mid_value.data());
    visit(ids.mid, std::span<const std::uint8_t>(bytes, ids.mid_value.size()), 0);
  }
  if (ids.transport_cc != 0) visit(ids.transport_cc, std::span<const std::uint8_t>(kZeros).first(2), 1);
  if (ids.abs_send_time != 0) visit(ids.abs_send_time, std::span<const std::uint8_t>(kZeros), 2);
}

}  // namespace

ViewerExtensionOffsets append_viewer_extensions(const rtp::RtpPacket& packet, const ViewerExtensionIds& ids,
                                                std::vector<std::uint8_t>& out) {
  // First pass: the one-byte form if every element fits it, which all browsers read.
  bool any = false;
  bool one_byte = true;
  for_each_viewer_element(packet, ids, [&](std::uint8_t id, std::span<const std::uint8_t> data, int) {
    any = any || fits_two_byte(id, data.size());
    one_byte = one_byte && fits_one_byte(id, data.size());
  });
  ViewerExtensionOffsets offsets;
  if (!any) return offsets;
  const bool two_byte = !one_byte && ids.two_byte_allowed;
  ByteWriter writer(out);
  const std::size_t header = out.size();
  writer.u16(two_byte ? rtp::kTwoByteExtensionProfile : rtp::kOneByteExtensionProfile);
  writer.u16(0);  // length in 32-bit words, patched below
  for_each_viewer_element(packet, ids, [&](std::uint8_t id, std::span<const std::uint8_t> data, int placeholder) {
    if (two_byte ? !fits_two_byte(id, data.size()) : !fits_one_byte(id, data.size())) return;
    if (two_byte) {
      writer.u8(id);
      writer.u8(static_cast<std::uint8_t>(data.size()));
    } else {
      writer.u8(static_cast<std::uint8_t>((id << 4) | (data.size() - 1)));
    }
    if (placeholder == 1) offsets.transport_sequence_number = out.size();
    if (placeholder == 2) offsets.abs_send_time = out.size();
    writer.bytes(data);
    offsets.written = true;
  });
  if (!offsets.written) {
    // Only elements the one-byte form cannot carry, and the viewer reads no other.
    out.resize(header);
    return offsets;
  }
  writer.zeros((4 - (out.size() - header) % 4) % 4);
  writer.patch_u16(header + 2, static_cast<std::uint16_t>((out.size() - header - 4) / 4));
  return offsets;
}

}  // namespace presentd::media

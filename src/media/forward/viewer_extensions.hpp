// SPDX-License-Identifier: Apache-2.0
#pragma once
// The viewer's RTP header-extension block (RFC 8285) for one forwarded packet: the source's
// elements under the viewer's IDs, then the elements the box writes itself. Private to
// OutgoingStreamRewriter, which states the rules.
//
// Thread: event loop.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "presentd/rtp/rtp_packet.hpp"

namespace presentd::media {

struct ViewerExtensionIds {
  // Source ID -> viewer ID; 0 removes the element.
  const std::array<std::uint8_t, 256>* source_to_viewer = nullptr;
  std::uint8_t mid = 0;  // 0 for each: not negotiated by the viewer
  std::uint8_t transport_cc = 0;
  std::uint8_t abs_send_time = 0;
  std::string_view mid_value;
  bool two_byte_allowed = false;
};

struct ViewerExtensionOffsets {
  bool written = false;  // false: no element at all, the packet has no extension block
  std::optional<std::size_t> transport_sequence_number;
  std::optional<std::size_t> abs_send_time;
};

// Appends the block (its 4-byte header, elements, zero padding to 32 bits) to `out`.
ViewerExtensionOffsets append_viewer_extensions(const rtp::RtpPacket& packet, const ViewerExtensionIds& ids,
                                                std::vector<std::uint8_t>& out);

}  // namespace presentd::media

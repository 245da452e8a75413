// SPDX-License-Identifier: Apache-2.0
#pragma once
// The picture ID field VP8 (RFC 7741 §4.2) and VP9 (RFC 9628 §4.2) descriptors share:
//       +-+-+-+-+-+-+-+-+
//       |M| PictureID   |
//       +-+-+-+-+-+-+-+-+
//       |   PictureID   | (only when M=1: the ID is 15 bits, high bits first)
//       +-+-+-+-+-+-+-+-+
#include <cstdint>
#include <optional>

#include "presentd/common/byte_reader.hpp"

namespace presentd::rtp {

struct PictureId {
  std::uint16_t value = 0;
  bool is_15bit = false;
};

[[nodiscard]] inline std::optional<PictureId> read_picture_id(ByteReader& reader) {
  const auto high = reader.u8();
  if (!high) return std::nullopt;
  PictureId id{static_cast<std::uint16_t>(*high & 0x7f), (*high & 0x80) != 0};
  if (id.is_15bit) {
    const auto low = reader.u8();
    if (!low) return std::nullopt;
    id.value = static_cast<std::uint16_t>((id.value << 8) | *low);
  }
  return id;
}

}  // namespace presentd::rtp

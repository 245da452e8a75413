// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtp_header_extension.hpp"

#include <algorithm>

#include "presentd/common/byte_reader.hpp"

namespace presentd::rtp {
namespace {
std::array<std::uint8_t, 3> to_u24_bytes(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}
}  // namespace

ExtensionFormat extension_format(std::uint16_t profile) {
  if (profile == kOneByteExtensionProfile) return ExtensionFormat::one_byte;
  if ((profile & kTwoByteExtensionProfileMask) == kTwoByteExtensionProfile) return ExtensionFormat::two_byte;
  return ExtensionFormat::other;
}

// RFC 8285 §4.2, one-byte elements (length field L = data bytes - 1, so 1..16 bytes):
//   0 1 2 3 4 5 6 7
//  |  ID   |  len  |  data (len+1 bytes) ...
// RFC 8285 §4.3, two-byte elements (length field = data bytes, 0..255):
//  |      ID       |    length     |  data (length bytes) ...
// In both forms a zero byte where an ID is expected is padding.
std::optional<HeaderExtensionElement> HeaderExtensionReader::next() {
  if (error_ || format_ == ExtensionFormat::other) return std::nullopt;
  while (offset_ < block_.size()) {
    const std::uint8_t first = block_[offset_];
    if (first == 0) {
      ++offset_;
      continue;
    }
    std::uint8_t id = 0;
    std::size_t length = 0;
    std::size_t header = 0;
    if (format_ == ExtensionFormat::one_byte) {
      id = static_cast<std::uint8_t>(first >> 4);
      // ID 15 is reserved; RFC 8285 says to stop parsing the block (not to reject the packet).
      if (id == 15) {
        offset_ = block_.size();
        return std::nullopt;
      }
      length = static_cast<std::size_t>(first & 0x0F) + 1;
      header = 1;
    } else {
      if (offset_ + 2 > block_.size()) {
        error_ = true;
        return std::nullopt;
      }
      id = first;
      length = block_[offset_ + 1];
      header = 2;
    }
    if (block_.size() - offset_ - header < length) {
      error_ = true;
      return std::nullopt;
    }
    HeaderExtensionElement element{id, block_.subspan(offset_ + header, length)};
    offset_ += header + length;
    return element;
  }
  return std::nullopt;
}

bool validate_extension_block(ExtensionFormat format, std::span<const std::uint8_t> block) {
  HeaderExtensionReader reader(format, block);
  while (reader.next()) {
  }
  return !reader.error();
}

std::optional<std::uint16_t> parse_transport_sequence_number(std::span<const std::uint8_t> data) {
  if (data.size() != 2) return std::nullopt;
  return ByteReader(data).u16();
}

std::array<std::uint8_t, 2> write_transport_sequence_number(std::uint16_t seq) {
  return {static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq)};
}

std::optional<std::uint32_t> parse_abs_send_time(std::span<const std::uint8_t> data) {
  if (data.size() != 3) return std::nullopt;
  return ByteReader(data).u24();
}

std::array<std::uint8_t, 3> write_abs_send_time(std::uint32_t value_24bit) { return to_u24_bytes(value_24bit); }

std::optional<PlayoutDelay> parse_playout_delay(std::span<const std::uint8_t> data) {
  if (data.size() != 3) return std::nullopt;
  const std::uint32_t raw = *ByteReader(data).u24();
  const std::uint32_t min_units = raw >> 12;
  const std::uint32_t max_units = raw & 0xFFF;
  return PlayoutDelay{min_units * kPlayoutDelayUnitMs, max_units * kPlayoutDelayUnitMs};
}

std::array<std::uint8_t, 3> write_playout_delay(PlayoutDelay delay) {
  const std::uint32_t min_units = std::min(delay.min_ms, kPlayoutDelayMaxMs) / kPlayoutDelayUnitMs;
  const std::uint32_t max_units = std::min(delay.max_ms, kPlayoutDelayMaxMs) / kPlayoutDelayUnitMs;
  return to_u24_bytes((min_units << 12) | max_units);
}

}  // namespace presentd::rtp

// SPDX-License-Identifier: Apache-2.0
#pragma once
// Big-endian writer that appends to a growable buffer; the counterpart of ByteReader for
// building RTCP and other wire formats.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace presentd {

class ByteWriter {
public:
  explicit ByteWriter(std::vector<std::uint8_t>& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { write_be(v, 2); }
  void u24(std::uint32_t v) { write_be(v, 3); }
  void u32(std::uint32_t v) { write_be(v, 4); }
  void u64(std::uint64_t v) { write_be(v, 8); }
  void bytes(std::span<const std::uint8_t> data) { out_.insert(out_.end(), data.begin(), data.end()); }
  void zeros(std::size_t count) { out_.insert(out_.end(), count, 0); }
  std::size_t size() const { return out_.size(); }

  // Overwrites a 16-bit field written earlier (e.g. an RTCP length once the body is known).
  void patch_u16(std::size_t offset, std::uint16_t v) {
    out_.at(offset) = static_cast<std::uint8_t>(v >> 8);
    out_.at(offset + 1) = static_cast<std::uint8_t>(v);
  }

private:
  void write_be(std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::vector<std::uint8_t>& out_;
};

}  // namespace presentd

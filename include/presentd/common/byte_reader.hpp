// SPDX-License-Identifier: Apache-2.0
#pragma once
// Bounds-checked big-endian reader over a byte span. Every read reports failure instead of
// reading past the end, so parsers never trust a length field they have not checked.
// Thread: none of its own; a value type used by whichever thread parses.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace presentd {

class ByteReader {
public:
  explicit ByteReader(std::span<const std::uint8_t> data) : data_(data) {}

  std::size_t remaining() const { return data_.size() - offset_; }
  std::size_t offset() const { return offset_; }
  bool empty() const { return remaining() == 0; }

  std::optional<std::uint8_t> u8() {
    if (remaining() < 1) return std::nullopt;
    return data_[offset_++];
  }
  std::optional<std::uint16_t> u16() { return read_be<std::uint16_t, 2>(); }
  std::optional<std::uint32_t> u24() { return read_be<std::uint32_t, 3>(); }
  std::optional<std::uint32_t> u32() { return read_be<std::uint32_t, 4>(); }
  std::optional<std::uint64_t> u64() { return read_be<std::uint64_t, 8>(); }

  // Returns the next `count` bytes and advances, or nullopt (and does not advance).
  std::optional<std::span<const std::uint8_t>> bytes(std::size_t count) {
    if (remaining() < count) return std::nullopt;
    auto out = data_.subspan(offset_, count);
    offset_ += count;
    return out;
  }
  bool skip(std::size_t count) { return bytes(count).has_value(); }
  std::span<const std::uint8_t> rest() const { return data_.subspan(offset_); }

private:
  template <class T, std::size_t N>
  std::optional<T> read_be() {
    if (remaining() < N) return std::nullopt;
    T value = 0;
    for (std::size_t i = 0; i < N; ++i) value = static_cast<T>((value << 8) | data_[offset_ + i]);
    offset_ += N;
    return value;
  }

  std::span<const std::uint8_t> data_;
  std::size_t offset_ = 0;
};

}  // namespace presentd

// SPDX-License-Identifier: Apache-2.0
#pragma once
// Wrap-aware comparison of RTP sequence numbers and timestamps (RFC 3550 §A.1 reasoning):
// `a` is newer than `b` when the forward distance from b to a is less than half the range.
#include <cstdint>
#include <type_traits>

namespace presentd {

template <class T>
requires std::is_unsigned_v<T>
constexpr bool is_newer(T a, T b) {
  constexpr T kHalf = static_cast<T>(T(~T(0)) / 2 + 1);
  if (a == b) return false;
  const T forward = static_cast<T>(a - b);
  // Exactly half-way is ambiguous; break the tie by value so the relation stays antisymmetric.
  if (forward == kHalf) return a > b;
  return forward < kHalf;
}

// Forward distance from `from` to `to`, modulo the type's range.
template <class T>
requires std::is_unsigned_v<T>
constexpr T forward_distance(T from, T to) { return static_cast<T>(to - from); }

// Extends 16-bit sequence numbers to a monotonic 64-bit space so buffers can index by it.
class SequenceUnwrapper {
public:
  std::int64_t unwrap(std::uint16_t seq) {
    if (!started_) {
      started_ = true;
      newest_ = seq;
      return newest_;
    }
    const auto delta = static_cast<std::int16_t>(static_cast<std::uint16_t>(seq - static_cast<std::uint16_t>(newest_)));
    const std::int64_t result = newest_ + delta;
    // Only the newest value moves the reference, so a late packet cannot drag it back.
    if (delta > 0) newest_ = result;
    return result;
  }

private:
  bool started_ = false;
  std::int64_t newest_ = 0;
};

}  // namespace presentd

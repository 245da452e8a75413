// SPDX-License-Identifier: Apache-2.0
#include "presentd/common/random.hpp"

#include <array>
#include <stdexcept>
#include <vector>

#include <openssl/rand.h>

namespace presentd {
namespace {
void fill(unsigned char* data, std::size_t size) {
  if (RAND_bytes(data, static_cast<int>(size)) != 1) throw std::runtime_error("the system CSPRNG failed");
}
}  // namespace

std::string random_hex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::vector<unsigned char> buffer(bytes);
  fill(buffer.data(), buffer.size());
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char b : buffer) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

std::string random_digits(std::size_t count) {
  std::string out;
  while (out.size() < count) {
    unsigned char b = 0;
    fill(&b, 1);
    if (b < 250) out += static_cast<char>('0' + b % 10);  // 250 = 25 × 10: no bias
  }
  return out;
}

std::uint32_t random_u32() {
  std::array<unsigned char, 4> b{};
  fill(b.data(), b.size());
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

}  // namespace presentd

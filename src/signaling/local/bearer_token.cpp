// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/local/bearer_token.hpp"

#include <cctype>

namespace presentd::signaling {

std::optional<std::string_view> bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {  // the scheme is case-insensitive
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return std::nullopt;
  }
  auto token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

bool tokens_equal(std::string_view presented, std::string_view expected) {
  // Every byte of `expected` is compared whatever the presented length, so timing reveals
  // neither a matching prefix nor the expected length.
  unsigned difference = presented.size() == expected.size() ? 0u : 1u;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const unsigned char p = i < presented.size() ? static_cast<unsigned char>(presented[i]) : 0;
    difference |= p ^ static_cast<unsigned char>(expected[i]);
  }
  return difference == 0;
}

}  // namespace presentd::signaling

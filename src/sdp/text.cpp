// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/text.hpp"

#include <algorithm>

namespace presentd::sdp::text {
namespace {
bool is_space(char c) { return c == ' ' || c == '\t'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

std::vector<std::string_view> split_fields(std::string_view line, std::size_t max_fields, bool* overflow) {
  std::vector<std::string_view> fields;
  if (overflow) *overflow = false;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size()) break;
    const std::size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (fields.size() == max_fields) {
      if (overflow) *overflow = true;
      break;
    }
    fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

std::pair<std::string_view, std::string_view> split_first(std::string_view text) {
  const auto space = text.find_first_of(" \t");
  if (space == std::string_view::npos) return {text, {}};
  return {text.substr(0, space), trim(text.substr(space))};
}

std::optional<std::uint64_t> parse_uint(std::string_view digits, std::uint64_t max) {
  // 20 digits overflow uint64; anything that long is out of every range we use anyway.
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > max) return std::nullopt;
  return value;
}

bool is_token(std::string_view value) {
  if (value.empty()) return false;
  return std::all_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
  });
}

std::string to_lower(std::string_view value) {
  std::string out(value);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim(std::string_view value) {
  while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
  while (!value.empty() && is_space(value.back())) value.remove_suffix(1);
  return value;
}

}  // namespace presentd::sdp::text

// SPDX-License-Identifier: Apache-2.0
#include "presentd/common/display_name.hpp"

#include <cstdint>
#include <optional>

namespace presentd {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one UTF-8 sequence at `text[at]` (RFC 3629 §4 table); nullopt when it is not a
// well-formed one. `length` is set to the bytes it took.
std::optional<char32_t> decode(std::string_view text, std::size_t at, std::size_t& length) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[at + i]); };
  const auto lead = byte(0);
  length = 1;
  if (lead < 0x80) return lead;
  std::size_t extra = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    extra = 1, value = lead & 0x1F, minimum = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    extra = 2, value = lead & 0x0F, minimum = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    extra = 3, value = lead & 0x07, minimum = 0x10000;
  } else {
    return std::nullopt;  // a continuation byte, an overlong lead (C0, C1) or beyond F4
  }
  if (at + extra >= text.size()) return std::nullopt;  // truncated
  for (std::size_t i = 1; i <= extra; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return std::nullopt;
    value = (value << 6) | (byte(i) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return std::nullopt;
  length = extra + 1;
  return value;
}

bool removed(char32_t c) {
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return true;  // C0, DEL, C1
  if (c >= 0x202A && c <= 0x202E) return true;            // LRE RLE PDF LRO RLO
  if (c >= 0x2066 && c <= 0x2069) return true;            // LRI RLI FSI PDI
  return c == 0x200E || c == 0x200F || c == 0x061C;       // LRM RLM ALM
}

bool blank(char32_t c) { return c == ' ' || c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200B); }

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace

std::string sanitize_display_name(std::string_view raw, std::size_t max_code_points) {
  std::u32string kept;
  for (std::size_t at = 0; at < raw.size();) {
    std::size_t length = 1;
    const auto decoded = decode(raw, at, length);
    at += length;
    const char32_t c = decoded.value_or(kReplacement);
    if (removed(c)) continue;
    if (kept.empty() && blank(c)) continue;  // leading blanks
    kept.push_back(c);
    if (kept.size() == max_code_points) break;  // the input may be long; the name never is
  }
  while (!kept.empty() && blank(kept.back())) kept.pop_back();
  std::string out;
  for (const auto c : kept) append_utf8(out, c);
  return out;
}

}  // namespace presentd

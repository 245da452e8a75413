// SPDX-License-Identifier: Apache-2.0
#pragma once
// Splits an SDP body into "<type>=<value>" lines (RFC 8866 §5) under hard limits, shared by the
// offer parser and the trickle-ICE fragment parser. Lines end in CRLF or a bare LF (senders and
// hand-written test offers use both); a trailing CR is dropped, blank lines are skipped, and
// trailing spaces are trimmed because some senders leave them.
// Thread: none; pure functions.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "presentd/sdp/sdp_error.hpp"

namespace presentd::sdp {

// Real offers are 2–12 KiB (Chrome with every codec and simulcast ~10 KiB); these bounds are
// generous for them and keep a hostile body from costing more than a few hundred microseconds.
constexpr std::size_t kMaxSdpSize = std::size_t{64} * 1024;
constexpr std::size_t kMaxSdpLines = 2048;
constexpr std::size_t kMaxLineLength = 4096;

struct SdpLine {
  std::size_t number = 0;  // 1-based, counting blank lines too, so it matches an editor
  char type = 0;           // 'v', 'o', 'm', 'a' ...
  std::string_view value;  // everything after '='
};

[[nodiscard]] Result<std::vector<SdpLine>> split_sdp_lines(std::string_view body);

// Views bytes as the characters they are (no copy): SDP parsing works on text.
std::string_view as_text(std::span<const std::uint8_t> bytes);

// "name:value" → {name, value}; "name" → {name, ""}.
struct AttributeView {
  std::string_view name;
  std::string_view value;
  bool has_value = false;
};
AttributeView split_attribute(std::string_view attribute);

}  // namespace presentd::sdp

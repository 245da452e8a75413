// SPDX-License-Identifier: Apache-2.0
#pragma once
// Small text helpers shared by the SDP parsers: whitespace splitting, strict decimal numbers and
// token checks. SDP is ASCII text, so nothing here is locale dependent.
// Thread: none; pure functions.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace presentd::sdp::text {

// Splits at runs of spaces/tabs; never more than `max_fields` fields (the rest are dropped and
// `overflow` set) so a hostile line cannot make a huge vector.
std::vector<std::string_view> split_fields(std::string_view line, std::size_t max_fields, bool* overflow = nullptr);

// The part before the first space and the (left-trimmed) rest.
std::pair<std::string_view, std::string_view> split_first(std::string_view text);

// Decimal digits only (no sign, no spaces), value ≤ max.
std::optional<std::uint64_t> parse_uint(std::string_view digits, std::uint64_t max);

// RFC 8866 token characters (no spaces or controls).
bool is_token(std::string_view value);

std::string to_lower(std::string_view value);
bool iequals(std::string_view a, std::string_view b);
std::string_view trim(std::string_view value);

}  // namespace presentd::sdp::text

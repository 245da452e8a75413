// SPDX-License-Identifier: Apache-2.0
// Fuzzes the trickle-ICE fragment parser (WHIP PATCH bodies): every candidate it returns points at
// an m-line it saw, and prints and parses back unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "presentd/sdp/sdp_fragment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace presentd::sdp;
  const std::span<const std::uint8_t> body(data, size);
  const auto fragment = parse_sdp_fragment(body);
  if (!fragment) return 0;
  for (const auto& c : fragment->candidates) {
    if (c.m_line_index && *c.m_line_index >= fragment->mids.size()) std::abort();
    const auto again = parse_candidate(format_candidate(c.candidate));
    if (!again || !(*again == c.candidate)) std::abort();
  }
  static_cast<void>(is_ice_restart(fragment.value(), "ufrag", "password"));
  return 0;
}

// SPDX-License-Identifier: Apache-2.0
// Fuzzes the TURN URI parser (configuration and, later, XEP-0215 answers): whatever it accepts
// formats to a URI that parses back to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "presentd/config/turn_url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace presentd::config;
  const auto url = parse_turn_url(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!url) return 0;
  if (url->host.empty() || url->port == 0) std::abort();
  const auto again = parse_turn_url(format_turn_url(*url));
  if (!again || !(*again == *url)) std::abort();
  return 0;
}

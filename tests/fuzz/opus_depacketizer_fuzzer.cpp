// SPDX-License-Identifier: Apache-2.0
// Fuzzes the Opus depacketizer: inspect() on pseudo-packets, assemble() on the frames they form.
#include "depacketizer_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return presentd::rtp::fuzz::fuzz_depacketizer(presentd::rtp::PayloadFormat::opus, data, size);
}

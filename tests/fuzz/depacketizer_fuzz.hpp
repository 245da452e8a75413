// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared driver for the depacketizer fuzz targets. The input is a sequence of pseudo-packets, each
// a 2-byte big-endian length and that many payload bytes; a zero length ends the current frame.
// Every payload goes through inspect(); those it accepts (the jitter buffer drops the others) form
// the frame, and every frame goes through assemble() on one depacketizer, so state carried between
// frames (H.264 SPS/PPS) is fuzzed too. Frame boundaries are the input's to choose, not
// inspect()'s, so seeds made from captured frames assemble exactly those frames.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "presentd/common/byte_reader.hpp"
#include "presentd/rtp/depacketizer/depacketizer.hpp"

namespace presentd::rtp::fuzz {

inline void assemble_and_check(Depacketizer& depacketizer, std::vector<std::span<const std::uint8_t>>& frame) {
  if (frame.empty()) return;
  const auto assembled = depacketizer.assemble(frame);
  // A frame that assembles always has bytes for the decoder.
  if (assembled && assembled->bitstream.empty()) std::abort();
  frame.clear();
}

inline int fuzz_depacketizer(PayloadFormat format, const std::uint8_t* data, std::size_t size) {
  auto depacketizer = make_depacketizer(format);
  ByteReader reader(std::span<const std::uint8_t>(data, size));
  std::vector<std::span<const std::uint8_t>> frame;
  while (!reader.empty()) {
    const auto length = reader.u16();
    if (!length) break;  // one stray byte left
    if (*length == 0) {
      assemble_and_check(*depacketizer, frame);
      continue;
    }
    // A length past the end takes what is left, so short inputs still reach the parsers.
    auto payload = reader.bytes(*length);
    if (!payload) {
      payload = reader.rest();
      reader.skip(payload->size());
    }
    if (depacketizer->inspect(*payload)) frame.push_back(*payload);
  }
  assemble_and_check(*depacketizer, frame);
  return 0;
}

}  // namespace presentd::rtp::fuzz

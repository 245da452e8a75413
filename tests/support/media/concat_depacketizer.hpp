// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test double for a payload format, shared by the jitter-buffer unit tests, fuzzer and benchmark.
// The real depacketizers (VP8, H.264, ...) come from another branch; the unit under test here is
// the buffer, so the "format" is trivial: a frame's bitstream is its payloads concatenated in
// order, and an empty payload is malformed (assemble() fails), which lets tests exercise the
// buffer's reaction to a frame that cannot be built. Frame boundaries and keyframes are given to
// the buffer directly in MediaPacket::info, so inspect() only reports an empty payload as bad.
#include <cstdint>
#include <optional>
#include <span>

#include "presentd/rtp/depacketizer/depacketizer.hpp"

namespace presentd::media::testing {

class ConcatDepacketizer final : public rtp::Depacketizer {
public:
  std::optional<rtp::PayloadInfo> inspect(std::span<const std::uint8_t> payload) override {
    if (payload.empty()) return std::nullopt;
    return rtp::PayloadInfo{};
  }

  std::optional<rtp::AssembledFrame> assemble(std::span<const std::span<const std::uint8_t>> payloads) override {
    ++assembled_frames;
    rtp::AssembledFrame frame;
    for (const auto payload : payloads) {
      if (payload.empty()) return std::nullopt;
      frame.bitstream.insert(frame.bitstream.end(), payload.begin(), payload.end());
    }
    return frame;
  }

  int assembled_frames = 0;
};

}  // namespace presentd::media::testing

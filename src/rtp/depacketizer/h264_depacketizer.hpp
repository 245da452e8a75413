// SPDX-License-Identifier: Apache-2.0
#pragma once
// H.264 RTP depacketizer (RFC 6184, packetization-mode 1: single NAL unit, STAP-A and FU-A).
// Thread: event loop, one instance per video stream.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "presentd/rtp/depacketizer/depacketizer.hpp"

namespace presentd::rtp {

// H.264 nal_unit_type values this depacketizer acts on (ITU-T H.264 Table 7-1, RFC 6184 §5.4).
enum H264NalType : std::uint8_t {
  kH264Slice = 1,
  kH264Idr = 5,
  kH264Sei = 6,
  kH264Sps = 7,
  kH264Pps = 8,
  kH264Aud = 9,
  kH264StapA = 24,
  kH264FuA = 28,
};

class H264Depacketizer final : public Depacketizer {
public:
  // Stateless, so that inspect_payload() (depacketizer.hpp) can call it without an instance.
  [[nodiscard]] static std::optional<PayloadInfo> inspect_payload(std::span<const std::uint8_t> payload);
  std::optional<PayloadInfo> inspect(std::span<const std::uint8_t> payload) override {
    return inspect_payload(payload);
  }
  // Emits an Annex B access unit. An IDR frame that carries no SPS or PPS gets the latest ones
  // seen in earlier assembled frames inserted before its first slice, so a decoder that starts
  // (or restarts) there can still decode it; frames are assembled in decode order, so "latest"
  // is well defined, unlike in inspect() where packets may arrive reordered.
  std::optional<AssembledFrame> assemble(std::span<const std::span<const std::uint8_t>> payloads) override;

private:
  std::vector<std::uint8_t> last_sps_;
  std::vector<std::uint8_t> last_pps_;
};

}  // namespace presentd::rtp

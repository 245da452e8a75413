// SPDX-License-Identifier: Apache-2.0
#pragma once
// Opus RTP depacketizer (RFC 7587). Thread: event loop, one instance per audio stream.
#include "presentd/rtp/depacketizer/depacketizer.hpp"

namespace presentd::rtp {

// RFC 7587 §4.2: each RTP payload is exactly one Opus packet, with no payload header and no
// fragmentation, so every packet is a whole, independently decodable "frame".
class OpusDepacketizer final : public Depacketizer {
public:
  // Stateless, so that inspect_payload() (depacketizer.hpp) can call it without an instance.
  [[nodiscard]] static std::optional<PayloadInfo> inspect_payload(std::span<const std::uint8_t> payload);
  std::optional<PayloadInfo> inspect(std::span<const std::uint8_t> payload) override {
    return inspect_payload(payload);
  }
  std::optional<AssembledFrame> assemble(std::span<const std::span<const std::uint8_t>> payloads) override;
};

}  // namespace presentd::rtp

// SPDX-License-Identifier: Apache-2.0
#pragma once
// RTP retransmission payload format (RFC 4588) in session-multiplexed mode, as WebRTC uses it:
// retransmissions travel on their own SSRC and payload type. This file covers the RTX payload and
// the PT/SSRC associations from SDP; rewriting the RTP header back to the original stream is the
// caller's job. Thread: event loop.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace presentd::rtp {

struct RtxRecovered {
  std::uint16_t original_sequence_number = 0;
  std::span<const std::uint8_t> original_payload;

  // Senders probe bandwidth with RTX packets that carry an OSN and nothing else (plus RTP
  // padding): valid, but there is no media to restore.
  bool is_padding_only() const { return original_payload.empty(); }
};

// Splits an RTX payload (RTP padding already removed) into OSN and original payload.
// nullopt when fewer than the two OSN bytes are present. (libwebrtc's probes carry no OSN at all,
// only RTP padding: the caller sees the P bit and an empty payload and never gets here.)
[[nodiscard]] std::optional<RtxRecovered> parse_rtx_payload(std::span<const std::uint8_t> rtx_payload);

// The associations negotiated in SDP: RTX payload type → media payload type (a=fmtp:<rtx> apt=<pt>)
// and RTX SSRC → media SSRC (a=ssrc-group:FID <media> <rtx>). Lookups of unknown values fail, so a
// packet on an RTX payload type or SSRC the session never negotiated is dropped.
class RtxMap {
public:
  // false (and no change) for payload types outside 0-127, an RTX PT equal to its apt, or an RTX
  // PT already mapped to a different apt.
  [[nodiscard]] bool add_payload_type(std::uint8_t rtx_payload_type, std::uint8_t associated_payload_type);
  // false (and no change) when rtx_ssrc == media_ssrc or rtx_ssrc is already mapped elsewhere.
  [[nodiscard]] bool add_ssrc(std::uint32_t rtx_ssrc, std::uint32_t media_ssrc);

  [[nodiscard]] std::optional<std::uint8_t> associated_payload_type(std::uint8_t rtx_payload_type) const;
  [[nodiscard]] std::optional<std::uint32_t> media_ssrc(std::uint32_t rtx_ssrc) const;

  // Both lookups for one RTX packet; nullopt unless its PT and its SSRC are known.
  struct Original {
    std::uint8_t payload_type = 0;
    std::uint32_t ssrc = 0;
  };
  [[nodiscard]] std::optional<Original> resolve(std::uint8_t rtx_payload_type, std::uint32_t rtx_ssrc) const;

private:
  static constexpr std::size_t kPayloadTypes = 128;
  std::array<std::optional<std::uint8_t>, kPayloadTypes> apt_{};
  // A session has a handful of video streams; a flat vector beats a map at that size.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ssrcs_;
};

}  // namespace presentd::rtp

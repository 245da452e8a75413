// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/depacketizer/depacketizer.hpp"

#include "rtp/depacketizer/h264_depacketizer.hpp"
#include "rtp/depacketizer/opus_depacketizer.hpp"
#include "rtp/depacketizer/vp8_depacketizer.hpp"
#include "rtp/depacketizer/vp9_depacketizer.hpp"

namespace presentd::rtp {

std::unique_ptr<Depacketizer> make_depacketizer(PayloadFormat format) {
  switch (format) {
    case PayloadFormat::vp8: return std::make_unique<Vp8Depacketizer>();
    case PayloadFormat::vp9: return std::make_unique<Vp9Depacketizer>();
    case PayloadFormat::h264: return std::make_unique<H264Depacketizer>();
    case PayloadFormat::opus: return std::make_unique<OpusDepacketizer>();
  }
  return nullptr;
}

std::optional<PayloadInfo> inspect_payload(PayloadFormat format, std::span<const std::uint8_t> payload) {
  switch (format) {
    case PayloadFormat::vp8: return Vp8Depacketizer::inspect_payload(payload);
    case PayloadFormat::vp9: return Vp9Depacketizer::inspect_payload(payload);
    case PayloadFormat::h264: return H264Depacketizer::inspect_payload(payload);
    case PayloadFormat::opus: return OpusDepacketizer::inspect_payload(payload);
  }
  return std::nullopt;
}

bool starts_keyframe(PayloadFormat format, std::span<const std::uint8_t> payload) {
  // Each format sets keyframe only on a packet holding (part of) a keyframe; frame_start narrows
  // that to its first packet, so an FU-A middle of an IDR does not open anything.
  const auto info = inspect_payload(format, payload);
  return info && info->frame_start && info->keyframe;
}

}  // namespace presentd::rtp

// SPDX-License-Identifier: Apache-2.0
#pragma once
// The picture size an H.264 sequence parameter set announces (ITU-T H.264 §7.3.2.1.1, §7.4.2.1.1),
// read before anything is decoded: a keyframe announcing more than the box decodes is dropped
// undecoded, as a VP8 keyframe header's size is (media/decode/decode_worker.cpp).
// Thread: any (a pure function).
#include <cstdint>
#include <optional>
#include <span>

namespace presentd::rtp {

struct PictureSize {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// `sps` is the NAL unit's payload after its one-byte header, emulation prevention bytes
// included. The size is after frame cropping; nullopt when the SPS is cut short or malformed.
std::optional<PictureSize> h264_sps_picture_size(std::span<const std::uint8_t> sps);

}  // namespace presentd::rtp

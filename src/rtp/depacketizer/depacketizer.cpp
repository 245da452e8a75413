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

}  // namespace presentd::rtp

// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/decode/video_decoder.hpp"

#include "media/decode/avcodec_video_decoder.hpp"
#include "media/decode/vpx_video_decoder.hpp"

namespace presentd::media {

std::unique_ptr<VideoDecoder> make_video_decoder(rtp::PayloadFormat format, VideoDecoderOptions options) {
  const bool use_libavcodec = options.backend == VideoDecoderBackend::libavcodec;
  switch (format) {
    case rtp::PayloadFormat::vp8:
      if (use_libavcodec) return std::make_unique<AvcodecVideoDecoder>(AV_CODEC_ID_VP8, options.slice_threads);
      return std::make_unique<VpxVideoDecoder>(VpxVideoDecoder::Codec::vp8);
    case rtp::PayloadFormat::vp9:
      if (use_libavcodec) return std::make_unique<AvcodecVideoDecoder>(AV_CODEC_ID_VP9, options.slice_threads);
      return std::make_unique<VpxVideoDecoder>(VpxVideoDecoder::Codec::vp9);
    case rtp::PayloadFormat::h264:
      return std::make_unique<AvcodecVideoDecoder>(AV_CODEC_ID_H264, options.slice_threads);
    case rtp::PayloadFormat::opus: break;
  }
  throw DecoderSetupError("not a video payload format");
}

}  // namespace presentd::media

// SPDX-License-Identifier: Apache-2.0
#pragma once
// Decodes a bitstream the plain way, straight through libvpx or libavcodec, and returns the
// checksum of each picture taken at once (before the next decode call can touch the memory). The
// tests compare presentd's pictures against these.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>

#include "presentd/media/decode/av_handles.hpp"
#include "support/media/synthetic_video.hpp"

namespace presentd::media::testing {

inline std::uint64_t checksum_planes(PixelFormat format, int width, int height, std::array<PicturePlane, 3> planes) {
  return checksum(Picture(format, width, height, planes, nullptr));
}

class ReferenceVpxDecoder {
public:
  explicit ReferenceVpxDecoder(bool vp9) {
    if (vpx_codec_dec_init(&context_, vp9 ? vpx_codec_vp9_dx() : vpx_codec_vp8_dx(), nullptr, 0) != VPX_CODEC_OK) {
      throw std::runtime_error("vpx dec init");
    }
  }
  ~ReferenceVpxDecoder() { vpx_codec_destroy(&context_); }
  ReferenceVpxDecoder(const ReferenceVpxDecoder&) = delete;
  ReferenceVpxDecoder& operator=(const ReferenceVpxDecoder&) = delete;

  // Checksum of the shown picture; 0 when the frame was rejected or showed nothing.
  std::uint64_t decode(std::span<const std::uint8_t> frame) {
    if (vpx_codec_decode(&context_, frame.data(), static_cast<unsigned>(frame.size()), nullptr, 0) != VPX_CODEC_OK) {
      return 0;
    }
    vpx_codec_iter_t iter = nullptr;
    std::uint64_t sum = 0;
    while (const vpx_image_t* img = vpx_codec_get_frame(&context_, &iter)) {
      sum = checksum_planes(PixelFormat::i420, static_cast<int>(img->d_w), static_cast<int>(img->d_h),
                            {PicturePlane{img->planes[0], img->stride[0]}, PicturePlane{img->planes[1], img->stride[1]},
                             PicturePlane{img->planes[2], img->stride[2]}});
    }
    return sum;
  }

private:
  vpx_codec_ctx_t context_{};
};

class ReferenceAvDecoder {
public:
  explicit ReferenceAvDecoder(AVCodecID id)
      : context_(open_codec_context(avcodec_find_decoder(id),
                                    [](AVCodecContext& c) {
                                      c.flags |= AV_CODEC_FLAG_LOW_DELAY;
                                      c.thread_count = 1;
                                    })),
        frame_(av_frame_alloc()) {
    if (!context_) throw std::runtime_error("avcodec open");
  }

  std::uint64_t decode(std::span<const std::uint8_t> data) {
    std::uint64_t sum = 0;
    if (avcodec_send_packet(context_.get(), packet_.fill(data)) < 0) return 0;
    while (avcodec_receive_frame(context_.get(), frame_.get()) == 0) {
      sum = checksum_planes(
          PixelFormat::i420, frame_->width, frame_->height,
          {PicturePlane{frame_->data[0], frame_->linesize[0]}, PicturePlane{frame_->data[1], frame_->linesize[1]},
           PicturePlane{frame_->data[2], frame_->linesize[2]}});
      av_frame_unref(frame_.get());
    }
    return sum;
  }

private:
  AvCodecContextPtr context_;
  PaddedPacket packet_;
  AvFramePtr frame_;
};

}  // namespace presentd::media::testing

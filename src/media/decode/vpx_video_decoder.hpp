// SPDX-License-Identifier: Apache-2.0
#pragma once
// VP8 and VP9 decoding with libvpx.
//
// Hand-over without copying: where the codec supports external frame buffers (VP9 does), libvpx
// decodes straight into buffers from our BufferPool, and a Picture keeps a reference to its buffer,
// so the pixels are never copied. libvpx holds its own reference while a buffer is a reference
// frame and drops it through the release callback; the buffer returns to the pool only once both
// libvpx and every Picture have let go.
// libvpx's VP8 decoder has no external-buffer support: its image is only valid until the next
// decode call, so it is copied once into a pooled buffer (~0.3 ms for 1080p). Use
// VideoDecoderBackend::libavcodec for copy-free VP8 through FFmpeg's decoder.
//
// Thread: the owning DecodeWorker's thread (see video_decoder.hpp).
#include <memory>

#include <vpx/vpx_decoder.h>

#include "media/decode/buffer_pool.hpp"
#include "presentd/media/decode/video_decoder.hpp"

namespace presentd::media {

class VpxVideoDecoder final : public VideoDecoder {
public:
  enum class Codec { vp8, vp9 };

  explicit VpxVideoDecoder(Codec codec);
  ~VpxVideoDecoder() override;
  VpxVideoDecoder(const VpxVideoDecoder&) = delete;
  VpxVideoDecoder& operator=(const VpxVideoDecoder&) = delete;

  DecodeResult decode(std::span<const std::uint8_t> bitstream) override;
  const char* name() const override { return codec_ == Codec::vp8 ? "libvpx-vp8" : "libvpx-vp9"; }

  // True when pictures reference the decoder's own buffers (no copy).
  bool zero_copy() const { return external_buffers_; }
  const BufferPool& pool() const { return *pool_; }

private:
  static int get_buffer(void* self, std::size_t min_size, vpx_codec_frame_buffer_t* fb);
  static int release_buffer(void* self, vpx_codec_frame_buffer_t* fb);
  std::shared_ptr<Picture> wrap(const vpx_image_t& image) const;
  std::shared_ptr<Picture> copy(const vpx_image_t& image) const;

  Codec codec_;
  vpx_codec_ctx_t context_{};
  bool external_buffers_ = false;
  std::shared_ptr<BufferPool> pool_ = BufferPool::create();
};

}  // namespace presentd::media

// SPDX-License-Identifier: Apache-2.0
#include "media/decode/vpx_video_decoder.hpp"

#include <cstring>
#include <string>

#include <vpx/vp8dx.h>

#include "presentd/common/log.hpp"

namespace presentd::media {
namespace {

// Each buffer libvpx holds is referenced through one heap-allocated shared_ptr in fb->priv; the
// release callback deletes it. Pictures copy the shared_ptr they find in vpx_image_t::fb_priv.
using BufferRef = std::shared_ptr<PooledBuffer>;

// Rows of copied pictures start on 32-byte boundaries, as SIMD converters downstream prefer.
constexpr int kCopyRowAlignment = 32;

int align_up(int value, int alignment) { return (value + alignment - 1) / alignment * alignment; }

}  // namespace

VpxVideoDecoder::VpxVideoDecoder(Codec codec) : codec_(codec) {
  vpx_codec_iface_t* iface = codec == Codec::vp8 ? vpx_codec_vp8_dx() : vpx_codec_vp9_dx();
  // One thread: decoding stays on the worker, and the box runs a worker per presenter.
  vpx_codec_dec_cfg_t config{};
  config.threads = 1;
  const vpx_codec_err_t err = vpx_codec_dec_init(&context_, iface, &config, 0);
  if (err != VPX_CODEC_OK) {
    throw DecoderSetupError(std::string("libvpx decoder init failed: ") + vpx_codec_err_to_string(err));
  }
  if ((vpx_codec_get_caps(iface) & VPX_CODEC_CAP_EXTERNAL_FRAME_BUFFER) != 0) {
    external_buffers_ =
        vpx_codec_set_frame_buffer_functions(&context_, &get_buffer, &release_buffer, this) == VPX_CODEC_OK;
  }
}

VpxVideoDecoder::~VpxVideoDecoder() {
  // Releases libvpx's references to pooled buffers; pictures still held elsewhere keep theirs.
  vpx_codec_destroy(&context_);
}

int VpxVideoDecoder::get_buffer(void* self, std::size_t min_size, vpx_codec_frame_buffer_t* fb) {
  auto* decoder = static_cast<VpxVideoDecoder*>(self);
  // libvpx asks for zeroed memory so it never reads uninitialised bytes; a recycled buffer holds
  // an earlier frame's pixels, which serves the same purpose without a 3 MB memset per frame.
  auto* ref = new BufferRef(decoder->pool_->acquire(min_size));
  fb->data = (*ref)->data.get();
  fb->size = (*ref)->size;
  fb->priv = ref;
  return 0;
}

int VpxVideoDecoder::release_buffer(void* /*self*/, vpx_codec_frame_buffer_t* fb) {
  delete static_cast<BufferRef*>(fb->priv);
  fb->priv = nullptr;
  return 0;
}

DecodeResult VpxVideoDecoder::decode(std::span<const std::uint8_t> bitstream) {
  // An empty buffer would mean "flush" to libvpx; for us it is a broken frame.
  if (bitstream.empty()) return {DecodeStatus::error, nullptr};
  if (vpx_codec_decode(&context_, bitstream.data(), static_cast<unsigned int>(bitstream.size()), nullptr, 0) !=
      VPX_CODEC_OK) {
    return {DecodeStatus::error, nullptr};
  }
  // libvpx conceals some damage instead of failing; a corrupted reference would smear every later
  // delta frame, so treat it like an error and wait for a keyframe.
  int corrupted = 0;
  if (vpx_codec_control(&context_, VP8D_GET_FRAME_CORRUPTED, &corrupted) == VPX_CODEC_OK && corrupted != 0) {
    return {DecodeStatus::error, nullptr};
  }
  vpx_codec_iter_t iter = nullptr;
  const vpx_image_t* shown = nullptr;
  // A VP9 superframe may carry hidden frames; only the last image is shown.
  while (const vpx_image_t* image = vpx_codec_get_frame(&context_, &iter)) shown = image;
  if (shown == nullptr) return {DecodeStatus::ok, nullptr};
  if (shown->fmt != VPX_IMG_FMT_I420) {
    PD_LOG(warning, "decode") << name() << ": unsupported image format " << static_cast<int>(shown->fmt);
    return {DecodeStatus::error, nullptr};
  }
  return {DecodeStatus::ok, external_buffers_ && shown->fb_priv != nullptr ? wrap(*shown) : copy(*shown)};
}

std::shared_ptr<Picture> VpxVideoDecoder::wrap(const vpx_image_t& image) const {
  std::shared_ptr<const void> storage = *static_cast<const BufferRef*>(image.fb_priv);
  return std::make_shared<Picture>(
      PixelFormat::i420, static_cast<int>(image.d_w), static_cast<int>(image.d_h),
      std::array<PicturePlane, 3>{PicturePlane{image.planes[VPX_PLANE_Y], image.stride[VPX_PLANE_Y]},
                                  PicturePlane{image.planes[VPX_PLANE_U], image.stride[VPX_PLANE_U]},
                                  PicturePlane{image.planes[VPX_PLANE_V], image.stride[VPX_PLANE_V]}},
      std::move(storage));
}

std::shared_ptr<Picture> VpxVideoDecoder::copy(const vpx_image_t& image) const {
  const int width = static_cast<int>(image.d_w);
  const int height = static_cast<int>(image.d_h);
  const int chroma_width = (width + 1) / 2;
  const int chroma_height = (height + 1) / 2;
  const int luma_stride = align_up(width, kCopyRowAlignment);
  const int chroma_stride = align_up(chroma_width, kCopyRowAlignment);
  const std::size_t luma_bytes = static_cast<std::size_t>(luma_stride) * static_cast<std::size_t>(height);
  const std::size_t chroma_bytes = static_cast<std::size_t>(chroma_stride) * static_cast<std::size_t>(chroma_height);
  std::shared_ptr<PooledBuffer> buffer = pool_->acquire(luma_bytes + 2 * chroma_bytes);

  std::uint8_t* destinations[3] = {buffer->data.get(), buffer->data.get() + luma_bytes,
                                   buffer->data.get() + luma_bytes + chroma_bytes};
  const int strides[3] = {luma_stride, chroma_stride, chroma_stride};
  const int row_bytes[3] = {width, chroma_width, chroma_width};
  const int rows[3] = {height, chroma_height, chroma_height};
  for (int p = 0; p < 3; ++p) {
    for (int y = 0; y < rows[p]; ++y) {
      std::memcpy(destinations[p] + static_cast<std::ptrdiff_t>(y) * strides[p],
                  image.planes[p] + static_cast<std::ptrdiff_t>(y) * image.stride[p],
                  static_cast<std::size_t>(row_bytes[p]));
    }
  }
  return std::make_shared<Picture>(
      PixelFormat::i420, width, height,
      std::array<PicturePlane, 3>{PicturePlane{destinations[0], strides[0]}, PicturePlane{destinations[1], strides[1]},
                                  PicturePlane{destinations[2], strides[2]}},
      std::move(buffer));
}

}  // namespace presentd::media

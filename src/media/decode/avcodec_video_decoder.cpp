// SPDX-License-Identifier: Apache-2.0
#include "media/decode/avcodec_video_decoder.hpp"

#include <string>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include "presentd/common/log.hpp"

namespace presentd::media {

AvcodecVideoDecoder::AvcodecVideoDecoder(AVCodecID codec_id, int slice_threads)
    : frame_(av_frame_alloc()), name_("libavcodec") {
  const AVCodec* codec = avcodec_find_decoder(codec_id);
  context_ = open_codec_context(codec, [slice_threads](AVCodecContext& context) {
    context.flags |= AV_CODEC_FLAG_LOW_DELAY;
    context.thread_type = FF_THREAD_SLICE;
    context.thread_count = slice_threads < 1 ? 1 : slice_threads;
    // Fail on damage instead of concealing it, so the worker asks for a keyframe at once rather
    // than showing smeared pictures until the next periodic one.
    context.err_recognition = AV_EF_EXPLODE | AV_EF_CRCCHECK | AV_EF_BITSTREAM;
    // H.264 states its size only in the SPS, which the worker does not parse: libavcodec itself
    // refuses a picture larger than the cap before allocating it (a decode error).
    context.max_pixels = kMaxDecodedPixels;
  });
  if (!context_ || !packet_.valid() || !frame_) {
    throw DecoderSetupError(std::string("libavcodec cannot open decoder ") + avcodec_get_name(codec_id));
  }
  name_ = codec->name;
}

DecodeResult AvcodecVideoDecoder::decode(std::span<const std::uint8_t> bitstream) {
  if (bitstream.empty()) return {DecodeStatus::error, nullptr};
  // The packet has no buffer reference, so send_packet copies whatever it keeps.
  if (avcodec_send_packet(context_.get(), packet_.fill(bitstream)) < 0) return {DecodeStatus::error, nullptr};

  DecodeResult result;
  // With LOW_DELAY and no frame threads each packet yields its picture now; drain all the same so
  // nothing is left behind for the next call.
  while (true) {
    const int received = avcodec_receive_frame(context_.get(), frame_.get());
    if (received == AVERROR(EAGAIN) || received == AVERROR_EOF) break;
    if (received < 0) return {DecodeStatus::error, nullptr};
    if (frame_->decode_error_flags != 0 || (frame_->flags & AV_FRAME_FLAG_CORRUPT) != 0) {
      av_frame_unref(frame_.get());
      return {DecodeStatus::error, nullptr};
    }
    result.picture = wrap();
    av_frame_unref(frame_.get());
    if (!result.picture) return {DecodeStatus::error, nullptr};
  }
  return result;
}

std::shared_ptr<Picture> AvcodecVideoDecoder::wrap() {
  PixelFormat format;
  switch (frame_->format) {
    case AV_PIX_FMT_YUV420P:
    case AV_PIX_FMT_YUVJ420P:  // full-range flag only; same layout
      format = PixelFormat::i420;
      break;
    case AV_PIX_FMT_NV12: format = PixelFormat::nv12; break;
    default:
      // 4:2:2/4:4:4 or high bit depth: not something a browser sends for screen sharing.
      PD_LOG(warning, "decode") << name_ << ": unsupported pixel format "
                                << av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame_->format));
      return nullptr;
  }
  // A new reference to the same buffers: no pixel is copied.
  std::shared_ptr<AVFrame> reference(av_frame_clone(frame_.get()), AvFrameDeleter{});
  if (!reference) return nullptr;
  std::array<PicturePlane, 3> planes{};
  for (int p = 0; p < (format == PixelFormat::i420 ? 3 : 2); ++p) {
    planes[static_cast<std::size_t>(p)] = {reference->data[p], reference->linesize[p]};
  }
  return std::make_shared<Picture>(format, reference->width, reference->height, planes, std::move(reference));
}

}  // namespace presentd::media

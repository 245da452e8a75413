// SPDX-License-Identifier: Apache-2.0
#include "presentd/render/png_writer.hpp"

#include <cstring>
#include <memory>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
}

namespace presentd::render {
namespace {

struct CodecContextFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};

}  // namespace

std::optional<std::vector<std::uint8_t>> encode_png(const Snapshot& snapshot) {
  if (snapshot.width <= 0 || snapshot.height <= 0 ||
      snapshot.rgb.size() != static_cast<std::size_t>(snapshot.width) * static_cast<std::size_t>(snapshot.height) * 3) {
    return std::nullopt;
  }
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
  if (codec == nullptr) return std::nullopt;
  std::unique_ptr<AVCodecContext, CodecContextFree> context(avcodec_alloc_context3(codec));
  std::unique_ptr<AVFrame, FrameFree> frame(av_frame_alloc());
  std::unique_ptr<AVPacket, PacketFree> packet(av_packet_alloc());
  if (!context || !frame || !packet) return std::nullopt;
  context->width = snapshot.width;
  context->height = snapshot.height;
  context->pix_fmt = AV_PIX_FMT_RGB24;
  context->time_base = AVRational{1, 1};
  if (avcodec_open2(context.get(), codec, nullptr) < 0) return std::nullopt;

  frame->format = AV_PIX_FMT_RGB24;
  frame->width = snapshot.width;
  frame->height = snapshot.height;
  if (av_frame_get_buffer(frame.get(), 0) < 0) return std::nullopt;
  const std::size_t row = static_cast<std::size_t>(snapshot.width) * 3;
  for (int y = 0; y < snapshot.height; ++y) {
    std::memcpy(frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0],
                snapshot.rgb.data() + static_cast<std::size_t>(y) * row, row);
  }
  if (avcodec_send_frame(context.get(), frame.get()) < 0) return std::nullopt;
  if (avcodec_receive_packet(context.get(), packet.get()) < 0) return std::nullopt;
  return std::vector<std::uint8_t>(packet->data, packet->data + packet->size);
}

}  // namespace presentd::render

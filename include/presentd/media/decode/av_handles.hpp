// SPDX-License-Identifier: Apache-2.0
#pragma once
// RAII owners for the libavcodec objects the decoders (and their tests) use.
// Thread: whichever thread owns the decoder holding them.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
}

namespace presentd::media {

struct AvCodecContextDeleter {
  void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct AvFrameDeleter {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct AvPacketDeleter {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};

using AvCodecContextPtr = std::unique_ptr<AVCodecContext, AvCodecContextDeleter>;
using AvFramePtr = std::unique_ptr<AVFrame, AvFrameDeleter>;
using AvPacketPtr = std::unique_ptr<AVPacket, AvPacketDeleter>;

// Opens a decoder (or encoder) context for `codec` after `configure` has set its fields; nullptr
// when the codec is missing or refuses to open (the caller says what failed).
// libavcodec's bitstream readers may read (never use) up to AV_INPUT_BUFFER_PADDING_SIZE bytes
// past the end of a packet, so a frame's bytes are copied into a reused, zero-padded buffer: a few
// kilobytes per frame, cheap next to decoding it, and the caller's buffers need no slack.
class PaddedPacket {
public:
  PaddedPacket() : packet_(av_packet_alloc()) {}
  bool valid() const { return packet_ != nullptr; }
  // The packet now refers to a padded copy of `data`, valid until the next fill().
  AVPacket* fill(std::span<const std::uint8_t> data) {
    bytes_.assign(data.begin(), data.end());
    bytes_.resize(data.size() + AV_INPUT_BUFFER_PADDING_SIZE, 0);
    packet_->data = bytes_.data();
    packet_->size = static_cast<int>(data.size());
    return packet_.get();
  }

private:
  AvPacketPtr packet_;
  std::vector<std::uint8_t> bytes_;
};

template <typename Configure>
AvCodecContextPtr open_codec_context(const AVCodec* codec, Configure&& configure) {
  if (codec == nullptr) return nullptr;
  AvCodecContextPtr context(avcodec_alloc_context3(codec));
  if (!context) return nullptr;
  configure(*context);
  if (avcodec_open2(context.get(), codec, nullptr) < 0) return nullptr;
  return context;
}

}  // namespace presentd::media

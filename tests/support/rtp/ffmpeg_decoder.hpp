// SPDX-License-Identifier: Apache-2.0
#pragma once
// A minimal libavcodec decoder for tests: feeds whole frames, counts decoded pictures/samples and
// failures. Independent of presentd's own decoder module so the depacketizer is checked against
// FFmpeg itself.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
}

namespace presentd::rtp::test {

class FfmpegDecoder {
public:
  explicit FfmpegDecoder(AVCodecID id) {
    const AVCodec* codec = avcodec_find_decoder(id);
    context_.reset(codec ? avcodec_alloc_context3(codec) : nullptr);
    if (!context_) return;
    if (id == AV_CODEC_ID_OPUS) {
      context_->sample_rate = 48000;
      av_channel_layout_default(&context_->ch_layout, 2);
    }
    // Report broken input as an error instead of concealing it.
    context_->err_recognition = AV_EF_EXPLODE | AV_EF_CRCCHECK | AV_EF_BITSTREAM;
    if (avcodec_open2(context_.get(), codec, nullptr) < 0) context_.reset();
  }
  bool ok() const { return context_ != nullptr; }

  // false when libavcodec rejects the frame.
  bool decode(std::span<const std::uint8_t> data) {
    // libavcodec may read up to AV_INPUT_BUFFER_PADDING_SIZE bytes past the end, so copy and pad.
    std::vector<std::uint8_t> padded(data.begin(), data.end());
    padded.resize(data.size() + AV_INPUT_BUFFER_PADDING_SIZE, 0);
    AVPacket* packet = av_packet_alloc();
    packet->data = padded.data();
    packet->size = static_cast<int>(data.size());
    const int sent = avcodec_send_packet(context_.get(), packet);
    av_packet_free(&packet);
    return sent >= 0 && drain();
  }
  bool flush() { return avcodec_send_packet(context_.get(), nullptr) >= 0 && drain(); }
  int frames_out() const { return frames_out_; }
  // Per decoded frame, whether libavcodec saw a keyframe (intra-only / IDR).
  const std::vector<bool>& keyframes() const { return keyframes_; }
  int width() const { return context_->width; }
  int height() const { return context_->height; }

private:
  bool drain() {
    AVFrame* frame = av_frame_alloc();
    int rc = 0;
    while ((rc = avcodec_receive_frame(context_.get(), frame)) >= 0) {
      if ((frame->decode_error_flags != 0) || (frame->flags & AV_FRAME_FLAG_CORRUPT) != 0) rc = AVERROR_INVALIDDATA;
      if (rc < 0) break;
      ++frames_out_;
      keyframes_.push_back(frame->key_frame != 0);
      av_frame_unref(frame);
    }
    av_frame_free(&frame);
    return rc == AVERROR(EAGAIN) || rc == AVERROR_EOF;
  }

  struct Free {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
  };
  std::unique_ptr<AVCodecContext, Free> context_;
  int frames_out_ = 0;
  std::vector<bool> keyframes_;
};

}  // namespace presentd::rtp::test

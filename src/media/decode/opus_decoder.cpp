// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/decode/opus_decoder.hpp"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
}

#include "presentd/media/decode/video_decoder.hpp"

namespace presentd::media {
namespace {

// One sample of channel `channel` at position `index`, as float, for the formats Opus decoders
// produce (FFmpeg's own: planar float; libopus wrapper: interleaved s16 or float).
float sample_at(const AVFrame& frame, int channels, int channel, int index) {
  const auto fmt = static_cast<AVSampleFormat>(frame.format);
  const bool planar = av_sample_fmt_is_planar(fmt) != 0;
  const int plane = planar ? channel : 0;
  const int offset = planar ? index : index * channels + channel;
  switch (fmt) {
    case AV_SAMPLE_FMT_FLT:
    case AV_SAMPLE_FMT_FLTP: return reinterpret_cast<const float*>(frame.extended_data[plane])[offset];
    case AV_SAMPLE_FMT_S16:
    case AV_SAMPLE_FMT_S16P:
      return static_cast<float>(reinterpret_cast<const std::int16_t*>(frame.extended_data[plane])[offset]) / 32768.0F;
    default: return 0.0F;
  }
}

bool supported(AVSampleFormat fmt) {
  return fmt == AV_SAMPLE_FMT_FLT || fmt == AV_SAMPLE_FMT_FLTP || fmt == AV_SAMPLE_FMT_S16 || fmt == AV_SAMPLE_FMT_S16P;
}

}  // namespace

OpusDecoder::OpusDecoder() : frame_(av_frame_alloc()) {
  context_ = open_codec_context(avcodec_find_decoder(AV_CODEC_ID_OPUS), [](AVCodecContext& context) {
    // RFC 7587 §7: the RTP clock is always 48 kHz and the SDP always says 2 channels.
    context.sample_rate = AudioBlock::kSampleRate;
    av_channel_layout_default(&context.ch_layout, AudioBlock::kChannels);
  });
  if (!context_ || !packet_.valid() || !frame_) throw DecoderSetupError("libavcodec cannot open the Opus decoder");
}

std::optional<AudioBlock> OpusDecoder::decode(std::span<const std::uint8_t> packet, std::uint32_t rtp_timestamp) {
  AudioBlock block;
  block.rtp_timestamp = rtp_timestamp;
  // An empty packet would mean "flush" to libavcodec; RFC 7587 payloads are never empty.
  bool ok = !packet.empty() && avcodec_send_packet(context_.get(), packet_.fill(packet)) >= 0;
  while (ok) {
    const int received = avcodec_receive_frame(context_.get(), frame_.get());
    if (received == AVERROR(EAGAIN) || received == AVERROR_EOF) break;
    ok = received >= 0 && append_frame(block);
    av_frame_unref(frame_.get());
  }
  if (!ok) {
    ++stats_.decode_errors;
    return std::nullopt;
  }
  ++stats_.packets_decoded;
  return block;
}

bool OpusDecoder::append_frame(AudioBlock& block) const {
  const int channels = frame_->ch_layout.nb_channels;
  if (channels < 1 || frame_->sample_rate != AudioBlock::kSampleRate ||
      !supported(static_cast<AVSampleFormat>(frame_->format))) {
    return false;
  }
  const std::size_t start = block.samples.size();
  block.samples.resize(start + static_cast<std::size_t>(frame_->nb_samples) * AudioBlock::kChannels);
  float* out = block.samples.data() + start;
  for (int i = 0; i < frame_->nb_samples; ++i) {
    // Mono goes to both sides; beyond stereo only the first two channels are kept.
    for (int c = 0; c < AudioBlock::kChannels; ++c) {
      *out++ = sample_at(*frame_, channels, c < channels ? c : 0, i);
    }
  }
  return true;
}

}  // namespace presentd::media

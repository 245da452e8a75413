// SPDX-License-Identifier: Apache-2.0
#pragma once
// Opus (RFC 7587 payloads, RFC 6716 packets) to 48 kHz interleaved stereo float PCM, with
// libavcodec's decoder.
//
// WebRTC always signals opus/48000/2; a mono sender's packets decode to mono and are duplicated
// to both channels here, so the audio device sees one format for every presenter.
//
// Thread: whichever thread feeds it (the event loop is fine: a 20 ms packet decodes in well under
// 0.1 ms). Not shared.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "presentd/media/decode/av_handles.hpp"

namespace presentd::media {

struct AudioBlock {
  static constexpr int kSampleRate = 48000;
  static constexpr int kChannels = 2;
  std::uint32_t rtp_timestamp = 0;
  // kChannels samples per frame, interleaved (L R L R ...), nominally in [-1, 1].
  std::vector<float> samples;

  std::size_t frames() const { return samples.size() / kChannels; }
};

struct OpusDecoderStats {
  std::uint64_t packets_decoded = 0;
  std::uint64_t decode_errors = 0;
};

class OpusDecoder {
public:
  // Throws DecoderSetupError when libavcodec has no Opus decoder.
  OpusDecoder();

  // nullopt: the packet was rejected (counted); the stream carries on with the next one.
  [[nodiscard]] std::optional<AudioBlock> decode(std::span<const std::uint8_t> packet, std::uint32_t rtp_timestamp);

  const OpusDecoderStats& stats() const { return stats_; }

private:
  bool append_frame(AudioBlock& block) const;

  AvCodecContextPtr context_;
  PaddedPacket packet_;
  AvFramePtr frame_;
  OpusDecoderStats stats_;
};

}  // namespace presentd::media

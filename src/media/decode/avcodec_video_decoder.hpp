// SPDX-License-Identifier: Apache-2.0
#pragma once
// Video decoding with FFmpeg's libavcodec: H.264 (and VP8/VP9 when that backend is chosen).
//
// Low latency over throughput: AV_CODEC_FLAG_LOW_DELAY, and no frame threading. Frame threads
// decode N frames in parallel and so hold each picture back by N-1 frames (33 ms each at 30 fps);
// on a presentation box a frame of latency is worse than the spare core it would use, and several
// presenters already get a worker thread each. Slice threads add no delay and are offered as an
// option (VideoDecoderOptions::slice_threads) for senders that emit several slices per frame.
//
// Hand-over without copying: the returned Picture keeps its own reference to the decoder's
// AVFrame buffers (av_frame_ref), so libavcodec will not reuse them until the picture is dropped.
//
// Damage detection: H.264 slices that fail to parse are errors (AV_EF_EXPLODE). FFmpeg's VP8
// decoder only notices broken headers and partition sizes: bytes garbled inside a partition decode
// into a wrong picture without an error (libvpx flags more of them as corrupt). The jitter buffer
// only hands over complete frames, so such damage would take a sender bug.
//
// Thread: the owning DecodeWorker's thread (see video_decoder.hpp).
#include "presentd/media/decode/av_handles.hpp"
#include "presentd/media/decode/video_decoder.hpp"

namespace presentd::media {

class AvcodecVideoDecoder final : public VideoDecoder {
public:
  // Throws DecoderSetupError when the codec is missing or does not open.
  AvcodecVideoDecoder(AVCodecID codec_id, int slice_threads);

  DecodeResult decode(std::span<const std::uint8_t> bitstream) override;
  const char* name() const override { return name_; }

private:
  std::shared_ptr<Picture> wrap();

  AvCodecContextPtr context_;
  PaddedPacket packet_;
  AvFramePtr frame_;
  const char* name_;
};

}  // namespace presentd::media

// SPDX-License-Identifier: Apache-2.0
#pragma once
// The seam between the decode worker and each video codec library.
//
// A VideoDecoder takes complete frames in decode order (from FrameAssembler, via DecodeWorker) and
// returns at most one picture per frame: every decoder here is configured for low delay, so a
// frame's picture comes out of the same call that took it in.
//
// Thread: a decoder belongs to exactly one thread (its DecodeWorker's) for its whole life after
// construction. Construction may happen elsewhere; nothing is shared.
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>

#include "presentd/media/picture.hpp"
#include "presentd/rtp/depacketizer/depacketizer.hpp"

namespace presentd::media {

// The largest picture a presenter may make the box decode: 4096x2304 (a 4K screen at 16:9).
// A keyframe announcing more (VP8/VP9 state their size in the keyframe; up to 16383x16383 in
// VP8) would make the decoder allocate and convert hundreds of megabytes per picture.
constexpr std::uint64_t kMaxDecodedPixels = std::uint64_t{4096} * 2304;

enum class DecodeStatus {
  ok,     // the frame was decoded (picture may still be null if the codec shows nothing)
  error,  // the bitstream was rejected or decoded with corruption: a keyframe is needed
};

struct [[nodiscard]] DecodeResult {
  DecodeStatus status = DecodeStatus::ok;
  // Not yet published: the worker stamps timing on it, then hands it out as PicturePtr.
  std::shared_ptr<Picture> picture;
};

// Thrown only while setting a decoder up (the library refused to open); never per frame.
class DecoderSetupError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class VideoDecoder {
public:
  virtual ~VideoDecoder() = default;
  virtual DecodeResult decode(std::span<const std::uint8_t> bitstream) = 0;
  // For logs and statistics, e.g. "libvpx-vp8".
  virtual const char* name() const = 0;
};

enum class VideoDecoderBackend {
  preferred,   // libvpx for VP8/VP9, libavcodec for H.264
  libavcodec,  // FFmpeg's own decoder for every format (its VP8 decoder is faster than libvpx's)
};

struct VideoDecoderOptions {
  VideoDecoderBackend backend = VideoDecoderBackend::preferred;
  // libavcodec slice threads (1 = decode on the worker thread alone). Slice threading adds no
  // latency but only helps when the sender splits frames into several slices.
  int slice_threads = 1;
};

// A decoder for a video payload format. Throws DecoderSetupError for opus (not video) or when the
// library cannot open the codec.
std::unique_ptr<VideoDecoder> make_video_decoder(rtp::PayloadFormat format, VideoDecoderOptions options = {});

}  // namespace presentd::media

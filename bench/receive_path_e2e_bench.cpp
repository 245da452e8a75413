// SPDX-License-Identifier: Apache-2.0
// Issue 3's end-to-end figure: the whole receive path, from an SRTP-protected datagram to a
// decoded Picture, in process CPU time per frame, as a ratio to bare FFmpeg (libavcodec) decoding
// of the same elementary stream, both measured in the same run and interleaved iteration by
// iteration so load from other processes hits both.
//
// Setup (not timed): 5 s of 1080p30 synthetic screen content (the decode benchmark's slide with
// scrolling text, a moving box and a video inset) is piped raw into GStreamer, which encodes it
// as Chrome does (libvpx VP8 realtime; OpenH264 constrained baseline in screen mode) and
// packetizes it with its own, independent payloaders (rtpvp8pay, RFC 7741 with 15-bit picture
// IDs; rtph264pay, RFC 6184 FU-A with SPS/PPS in a STAP-A), 1200-byte MTU and a transport-wide
// sequence number in every packet. GStreamer writes each encoded frame (the elementary stream
// for the baseline) and each RTP packet to files; the packets are then protected with libsrtp,
// AEAD_AES_128_GCM, with keys split from DTLS keying material as a client (Chrome) does.
//
// Timed, for each side:
//  - bare: open a libavcodec decoder, decode every frame, drop each picture;
//  - presentd: build a ReceivePipeline (SRTP unprotect → RTP parse → transport-wide CC record →
//    routing → NACK bookkeeping → depacketize → frame assembly) and a DecodeWorker (bounded queue,
//    worker thread, decoder wrapper, reference-counted Picture into a "latest wins" mailbox, as
//    the renderer takes it), feed every datagram, run the feedback tick every 20 ms of stream time
//    (receiver reports, transport-wide feedback, all SRTCP-protected), drain and stop.
// The pipeline's clock advances 1/30 s per frame. Two pacings:
//  - live (the figure for issue 3): after each frame's last packet the feeder waits (blocked, no
//    CPU) until its picture is out, as at 30 fps, where the worker is idle when the next frame
//    arrives; so every frame pays the thread hand-over and both wake-ups it pays live;
//  - burst: every datagram at once, the worker's queue as deep as the clip; the worker never
//    sleeps, which leaves presentd's own processing without the per-frame wake-ups.
// loop_us_per_frame is the feeding (event-loop) thread's CPU time, worker_ms_per_frame the rest
// of the path's (the decode thread's).
//
// The benchmark fails (SkipWithError) unless both sides produce the same number of pictures as
// GStreamer encoded frames.
//
// Needs gst-launch-1.0 with rawvideoparse, vp8enc, openh264enc, h264parse, rtpvp8pay, rtph264pay
// and rtphdrexttwcc (Debian: gstreamer1.0-tools, -plugins-base, -plugins-good, -plugins-bad).
//
// Run: nice build-bench/bench/receive_path_e2e_bench --benchmark_min_time=4 --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "bare_decode.hpp"
#include "presentd/media/decode/decode_worker.hpp"
#include "presentd/media/decode/video_decoder.hpp"
#include "presentd/media/receive/receive_pipeline.hpp"
#include "presentd/rtp/rtp_packet.hpp"
#include "presentd/rtp/srtp/srtp_keys.hpp"
#include "support/media/synthetic_video.hpp"
#include "support/temp_dir.hpp"

namespace presentd::media {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

constexpr int kWidth = 1920;
constexpr int kHeight = 1080;
constexpr std::size_t kFrames = 150;
constexpr std::uint8_t kTransportCcId = 3;
constexpr auto kFrameInterval = std::chrono::microseconds(33'333);
constexpr auto kTickInterval = 20ms;
constexpr auto kProfile = rtp::SrtpProfile::aead_aes_128_gcm;

struct Codec {
  const char* name;
  rtp::PayloadFormat format;
  AVCodecID ffmpeg_id;
  std::string encode;   // gst-launch fragment from raw I420 to the encoded stream
  std::string payload;  // gst-launch fragment from the encoded stream to RTP
};

// One keyframe at the start, ~4 Mbit/s: what a browser sends for a shared slide deck.
const Codec kVp8{"vp8", rtp::PayloadFormat::vp8, AV_CODEC_ID_VP8,
                 "vp8enc deadline=1 cpu-used=12 threads=1 end-usage=cbr target-bitrate=4000000 "
                 "keyframe-max-dist=100000",
                 "rtpvp8pay mtu=1200 picture-id-mode=15-bit"};
const Codec kH264{
    "h264", rtp::PayloadFormat::h264, AV_CODEC_ID_H264,
    "openh264enc usage-type=screen rate-control=bitrate bitrate=4000000 gop-size=100000 multi-thread=1 ! h264parse ! "
    "video/x-h264,stream-format=byte-stream,alignment=au",
    "rtph264pay mtu=1200 aggregate-mode=zero-latency config-interval=-1"};

// The stream as it reaches presentd, and the elementary stream the baseline decodes.
struct Replay {
  bench::PaddedStream elementary;
  std::vector<Bytes> datagrams;  // SRTP-protected, in sending order
  std::vector<bool> ends_frame;  // per datagram: the last one with its RTP timestamp
  std::uint8_t payload_type = 0;
  rtp::SrtpKeyPair receiver_keys;
  std::string error;  // set when the setup failed
};

// Runs GStreamer on the raw clip (written to its stdin); leaves frame-NNNNN and rtp-NNNNN in `dir`.
std::string run_gstreamer(const Codec& codec, const std::filesystem::path& dir) {
  const std::string out = dir.string();
  const std::string command =
      "gst-launch-1.0 -q fdsrc fd=0 ! rawvideoparse width=" + std::to_string(kWidth) +
      " height=" + std::to_string(kHeight) + " format=i420 framerate=30/1 ! " + codec.encode +
      " ! tee name=t t. ! queue ! multifilesink location=" + out + "/frame-%05d t. ! queue ! " + codec.payload +
      " ! 'application/x-rtp,extmap-" + std::to_string(kTransportCcId) +
      "=(string)http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01' ! multifilesink location=" +
      out + "/rtp-%05d > " + out + "/gst.log 2>&1";
  signal(SIGPIPE, SIG_IGN);  // a GStreamer that dies early must fail the setup, not end the benchmark
  FILE* gst = popen(command.c_str(), "w");
  if (gst == nullptr) return "cannot start gst-launch-1.0";
  bool written = true;
  for (std::size_t i = 0; i < kFrames && written; ++i) {
    const auto image = testing::make_screen_frame(kWidth, kHeight, static_cast<int>(i), true);
    for (const auto* plane : {&image.y, &image.u, &image.v}) {
      written = written && fwrite(plane->data(), 1, plane->size(), gst) == plane->size();
    }
  }
  const int status = pclose(gst);
  if (!written || status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return "GStreamer failed (" + command + "): " + test::read_file(dir / "gst.log");
  }
  return {};
}

Replay make_replay(const Codec& codec) {
  Replay replay;
  auto dir = std::filesystem::temp_directory_path() / "presentd-e2e-bench-XXXXXX";
  std::string pattern = dir.string();
  if (mkdtemp(pattern.data()) == nullptr) {
    replay.error = "cannot create a temporary directory";
    return replay;
  }
  dir = pattern;
  replay.error = run_gstreamer(codec, dir);
  const auto frames = test::read_numbered_files(dir, "frame-");
  const auto packets = test::read_numbered_files(dir, "rtp-");
  std::filesystem::remove_all(dir);
  if (!replay.error.empty()) return replay;
  if (frames.size() != kFrames) {
    replay.error = "GStreamer encoded " + std::to_string(frames.size()) + " frames, not " + std::to_string(kFrames);
    return replay;
  }
  for (const auto& frame : frames) replay.elementary.add(frame);

  // Keys as DTLS-SRTP hands them out: the sender is the DTLS client, presentd the server.
  Bytes exported(rtp::keying_material_length(kProfile));
  std::mt19937 rng(3);
  for (auto& byte : exported) byte = static_cast<std::uint8_t>(rng());
  replay.receiver_keys = *rtp::split_dtls_srtp_keying_material(kProfile, exported, rtp::DtlsRole::server);
  rtp::SrtpContext sender(kProfile, *rtp::split_dtls_srtp_keying_material(kProfile, exported, rtp::DtlsRole::client));
  std::optional<std::uint32_t> previous_timestamp;
  for (auto packet : packets) {
    const auto parsed = rtp::RtpPacket::parse(packet);
    if (!parsed) {
      replay.error = "GStreamer wrote a packet that is not RTP";
      return replay;
    }
    replay.payload_type = parsed->payload_type();
    if (previous_timestamp && *previous_timestamp != parsed->timestamp()) replay.ends_frame.back() = true;
    previous_timestamp = parsed->timestamp();
    replay.ends_frame.push_back(false);
    packet.reserve(packet.size() + rtp::kSrtpProtectScratch);
    if (sender.outbound.protect_rtp(packet) != rtp::SrtpResult::ok) {
      replay.error = "SRTP protect failed";
      return replay;
    }
    replay.datagrams.push_back(std::move(packet));
  }
  if (!replay.ends_frame.empty()) replay.ends_frame.back() = true;
  return replay;
}

const Replay& replay_of(const Codec& codec) {
  static std::map<std::string, Replay> made;
  auto it = made.find(codec.name);
  if (it == made.end()) it = made.emplace(codec.name, make_replay(codec)).first;
  return it->second;
}

enum class Pacing {
  live,   // after each frame, wait until its picture is out (the worker idles between frames)
  burst,  // feed everything at once (the worker never idles: no wake-up per frame)
};

struct PathResult {
  std::uint64_t pictures = 0;
  std::uint64_t frames_assembled = 0;
  std::uint64_t rtcp_sent = 0;
  std::uint64_t keyframe_requests = 0;
  double loop_seconds = 0;  // CPU time of the feeding (event-loop) thread
  bool stalled = false;     // a frame's picture never came out
};

// presentd's receive path over the whole replay. `datagrams` is a copy made before the clock
// started: a socket read hands the pipeline a fresh buffer per datagram too.
PathResult through_presentd(const Replay& replay, const Codec& codec, std::vector<Bytes> datagrams, Pacing pacing) {
  PathResult result;
  ManualClock loop_clock;    // the event loop's time: 1/30 s per frame
  SteadyClock decode_clock;  // read on the decode thread
  std::mutex mailbox_mutex;
  std::condition_variable picture_out;
  PicturePtr mailbox;
  std::atomic<std::uint64_t> keyframe_requests{0};
  std::uint64_t submitted = 0;

  DecodeWorkerCallbacks callbacks;
  callbacks.on_picture = [&](PicturePtr picture) {
    {
      std::lock_guard lock(mailbox_mutex);
      mailbox = std::move(picture);  // the previous picture goes back to its pool here
      ++result.pictures;
    }
    picture_out.notify_one();
  };
  // Nothing should ask for a keyframe on a clean replay; count it if something does.
  callbacks.post_to_loop = [&](std::function<void()>) { ++keyframe_requests; };
  callbacks.on_keyframe_needed = [] {};
  // Live pacing never queues more than one frame; a burst needs a queue as deep as the clip, or
  // the overflow policy would drop frames (the benchmark measures the path, not that policy).
  const DecodeWorkerConfig queue{pacing == Pacing::live ? DecodeWorkerConfig{}.queue_capacity : kFrames};
  DecodeWorker worker(make_video_decoder(codec.format, {VideoDecoderBackend::libavcodec, 1}), decode_clock,
                      std::move(callbacks), queue);

  ReceivePipelineConfig config;
  VideoStreamConfig video;
  video.payload_types[replay.payload_type] = codec.format;
  config.video.push_back(video);
  config.transport_cc_extension_id = kTransportCcId;
  ReceivePipeline pipeline(
      loop_clock, config, std::make_unique<rtp::SrtpContext>(kProfile, replay.receiver_keys),
      [&](std::size_t, Frame&& frame, rtp::PayloadFormat) {
        worker.submit(std::move(frame));
        ++submitted;
      },
      nullptr, [&](Bytes&& srtcp) { benchmark::DoNotOptimize(srtcp.data()); });

  const double loop_start = bench::thread_cpu_seconds();
  auto next_tick = loop_clock.now() + kTickInterval;
  for (std::size_t i = 0; i < datagrams.size(); ++i) {
    pipeline.on_packet(std::move(datagrams[i]));
    if (!replay.ends_frame[i]) continue;
    if (pacing == Pacing::live) {
      std::unique_lock lock(mailbox_mutex);
      if (!picture_out.wait_for(lock, 10s, [&] { return result.pictures >= submitted; })) {
        result.stalled = true;
        break;
      }
    }
    loop_clock.advance(kFrameInterval);
    for (; next_tick <= loop_clock.now(); next_tick += kTickInterval) pipeline.on_tick();
  }
  worker.stop(StopMode::drain);
  result.loop_seconds = bench::thread_cpu_seconds() - loop_start;
  result.frames_assembled = pipeline.video_stream(0).stats().frames_assembled;
  result.rtcp_sent = pipeline.stats().rtcp_sent;
  result.keyframe_requests = keyframe_requests;
  return result;
}

void BM_ReceivePathEndToEnd(benchmark::State& state, const Codec& codec, Pacing pacing) {
  const Replay& replay = replay_of(codec);
  if (!replay.error.empty()) {
    state.SkipWithError(replay.error.c_str());
    return;
  }
  double bare_seconds = 0;
  double path_seconds = 0;
  double loop_seconds = 0;
  std::uint64_t bare_pictures = 0;
  PathResult path;
  bool bare_first = true;
  for (auto _ : state) {
    // Alternate which side runs first, so neither always inherits the other's warm caches.
    for (int side = 0; side < 2; ++side) {
      if ((side == 0) == bare_first) {
        const double t0 = bench::process_cpu_seconds();
        bare_pictures = bench::bare_libavcodec(replay.elementary, codec.ffmpeg_id);
        bare_seconds += bench::process_cpu_seconds() - t0;
      } else {
        auto datagrams = replay.datagrams;
        const double t0 = bench::process_cpu_seconds();
        path = through_presentd(replay, codec, std::move(datagrams), pacing);
        path_seconds += bench::process_cpu_seconds() - t0;
        loop_seconds += path.loop_seconds;
      }
    }
    bare_first = !bare_first;
    if (path.stalled || path.pictures != bare_pictures || bare_pictures != kFrames || path.keyframe_requests != 0) {
      const std::string error = "pictures: bare FFmpeg " + std::to_string(bare_pictures) + ", presentd " +
                                std::to_string(path.pictures) + " of " + std::to_string(path.frames_assembled) +
                                " frames assembled, " + std::to_string(kFrames) + " encoded" +
                                (path.stalled ? ", a picture never came out" : "") +
                                (path.keyframe_requests != 0 ? ", the decoder asked for a keyframe" : "");
      state.SkipWithError(error.c_str());
      return;
    }
  }
  const double frames = double(state.iterations()) * kFrames;
  state.counters["bare_ms_per_frame"] = bare_seconds * 1000 / frames;
  state.counters["path_ms_per_frame"] = path_seconds * 1000 / frames;
  // Split of the path's CPU: the event-loop thread's share (everything before the decoder, the
  // feedback, the hand-over) and the decode thread's (decoder, wrapper, Picture, queue).
  state.counters["loop_us_per_frame"] = loop_seconds * 1e6 / frames;
  state.counters["worker_ms_per_frame"] = (path_seconds - loop_seconds) * 1000 / frames;
  state.counters["ratio"] = path_seconds / bare_seconds;
  state.counters["packets_per_frame"] = double(replay.datagrams.size()) / kFrames;
  state.counters["clip_kbps"] = double(replay.elementary.bytes) * 8 / (kFrames / 30.0) / 1000;
  state.counters["rtcp_per_s"] = double(path.rtcp_sent) / (kFrames / 30.0);
}

BENCHMARK_CAPTURE(BM_ReceivePathEndToEnd, vp8_1080p30_live, kVp8, Pacing::live)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_ReceivePathEndToEnd, h264_1080p30_live, kH264, Pacing::live)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_ReceivePathEndToEnd, vp8_1080p30_burst, kVp8, Pacing::burst)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_ReceivePathEndToEnd, h264_1080p30_burst, kH264, Pacing::burst)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();

}  // namespace
}  // namespace presentd::media

// SPDX-License-Identifier: Apache-2.0
#pragma once
// DecodeWorker: one thread that decodes one video stream, fed by a bounded queue.
//
//   event loop                         worker thread
//   FrameAssembler → submit(Frame) ──► [queue, ≤ 8 frames] ──► VideoDecoder ──► on_picture(PicturePtr)
//        ▲                                                          │
//        └──────── post_to_loop(on_keyframe_needed) ◄───────────────┘  (decode error)
//
// The queue (mutex + condition variable) is the only state the two threads share; the decoder
// belongs to the worker thread alone, statistics live under the queue lock.
//
// Dropping, so latency stays bounded when decoding falls behind:
//  - queue full and a keyframe arrives: everything queued is dropped, the keyframe is queued;
//  - queue full and a delta arrives: frames before the newest queued keyframe are dropped; if
//    that makes no room (or none is queued) every queued frame is dropped, and from then on only a
//    keyframe is accepted ("waiting for keyframe") and one keyframe request goes to the loop;
//  - a decode error: queued deltas up to the next queued keyframe are dropped; with no keyframe
//    queued the worker waits for one and requests it. The stream carries on; nothing ends.
// Before its first keyframe the worker also waits for one (a delta cannot decode without it).
//
// Callbacks:
//  - on_picture runs ON THE WORKER THREAD for every decoded picture. It must only hand the
//    picture over (store it in the render mailbox, push an event) and return: it holds up
//    decoding while it runs, and it must not call back into this worker.
//  - on_keyframe_needed is never called directly: the worker passes it to post_to_loop (e.g. a
//    lambda around boost::asio::post on the event loop), so it runs on the loop where the
//    KeyframeRequester lives. It may run after the worker is gone: capture nothing that dies
//    with the stream, or check a weak_ptr.
//
// The clock is read on the worker thread: give it a SteadyClock (ManualClock is not thread-safe).
//
// Thread: constructed, fed, queried and destroyed on the event loop; decodes on its own thread.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "presentd/common/clock.hpp"
#include "presentd/media/decode/decode_time_histogram.hpp"
#include "presentd/media/decode/video_decoder.hpp"
#include "presentd/media/jitter/frame_assembler.hpp"
#include "presentd/media/picture.hpp"

namespace presentd::media {

struct DecodeWorkerConfig {
  // 8 frames: 270 ms at 30 fps. Anything deeper only adds latency on a screen being presented.
  std::size_t queue_capacity = 8;
  // Keyframes announcing more pixels are dropped before decoding (and the deltas after them).
  std::uint64_t max_pixels = kMaxDecodedPixels;
};

struct DecodeWorkerCallbacks {
  std::function<void(PicturePtr)> on_picture;               // worker thread
  std::function<void(std::function<void()>)> post_to_loop;  // thread-safe
  std::function<void()> on_keyframe_needed;                 // event loop, via post_to_loop
};

struct DecodeWorkerStats {
  std::uint64_t frames_submitted = 0;
  std::uint64_t frames_decoded = 0;
  std::uint64_t pictures_delivered = 0;
  std::uint64_t frames_dropped_queue_full = 0;
  std::uint64_t frames_dropped_waiting_for_keyframe = 0;
  std::uint64_t frames_dropped_too_large = 0;  // keyframes announcing more than max_pixels
  std::uint64_t frames_dropped_at_stop = 0;
  std::uint64_t decode_errors = 0;
  std::uint64_t keyframes_requested = 0;
  std::size_t queue_depth = 0;
  Clock::Duration decode_time_p50{};
  Clock::Duration decode_time_p95{};
  Clock::Duration decode_time_p99{};
};

enum class StopMode {
  drain,  // decode what is queued, then stop
  drop,   // drop what is queued; only a frame being decoded is finished
};

class DecodeWorker {
public:
  // Starts the worker thread. `decoder` must not be null.
  DecodeWorker(std::unique_ptr<VideoDecoder> decoder, const Clock& clock, DecodeWorkerCallbacks callbacks,
               DecodeWorkerConfig config = {});
  // Drops the queue and joins.
  ~DecodeWorker();
  DecodeWorker(const DecodeWorker&) = delete;
  DecodeWorker& operator=(const DecodeWorker&) = delete;

  // Queues a complete frame from the jitter buffer, or drops it (see the rules above).
  void submit(Frame frame);
  // Tells the worker to stop without waiting (lets a shutdown stop every stream, then join all).
  void request_stop(StopMode mode);
  // request_stop(mode) and join. Idempotent.
  void stop(StopMode mode = StopMode::drop);

  DecodeWorkerStats stats() const;
  const char* decoder_name() const { return decoder_name_; }

private:
  void run();
  // Handles a full queue for `frame`; true when `frame` may still be queued.
  bool make_room_locked(const Frame& frame, bool& request);
  // Drops queued frames up to the first keyframe; true when none is queued and one is needed.
  bool drop_to_keyframe_locked();
  // Enters "waiting for keyframe"; true when a request should be posted (once per wait).
  bool wait_for_keyframe_locked();
  void post_keyframe_request();
  void drop_queue_locked(std::uint64_t& counter);

  std::unique_ptr<VideoDecoder> decoder_;  // used on the worker thread only
  const char* decoder_name_;
  const Clock& clock_;
  DecodeWorkerCallbacks callbacks_;
  const DecodeWorkerConfig config_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  // Guarded by mutex_:
  std::deque<Frame> queue_;
  bool waiting_for_keyframe_ = true;
  bool keyframe_request_posted_ = false;
  bool stopping_ = false;
  DecodeWorkerStats stats_;
  DecodeTimeHistogram decode_times_;

  std::thread thread_;  // last: starts once everything above is built
};

}  // namespace presentd::media

// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/decode/decode_worker.hpp"

#include <algorithm>
#include <atomic>
#include <utility>

#include <string>

#include "presentd/common/internal_errors.hpp"
#include "presentd/common/log.hpp"

namespace presentd::media {

DecodeWorker::DecodeWorker(std::unique_ptr<VideoDecoder> decoder, const Clock& clock, DecodeWorkerCallbacks callbacks,
                           DecodeWorkerConfig config)
    : decoder_(std::move(decoder)),
      decoder_name_(decoder_->name()),
      clock_(clock),
      callbacks_(std::move(callbacks)),
      config_{std::max<std::size_t>(config.queue_capacity, 1), config.max_pixels},
      thread_([this] { run(); }) {}

DecodeWorker::~DecodeWorker() { stop(StopMode::drop); }

void DecodeWorker::submit(Frame frame) {
  bool request = false;
  bool too_large = false;
  const auto announced = std::pair{frame.width, frame.height};
  {
    std::lock_guard lock(mutex_);
    ++stats_.frames_submitted;
    if (stopping_) {
      ++stats_.frames_dropped_at_stop;
      return;
    }
    if (frame.keyframe && std::uint64_t{frame.width} * frame.height > config_.max_pixels) {
      // Never decoded; what follows it cannot decode either, so wait for a keyframe of a
      // size we take (a PLI would only bring the same one back: none is asked for).
      ++stats_.frames_dropped_too_large;
      waiting_for_keyframe_ = true;
      keyframe_request_posted_ = true;
      drop_queue_locked(stats_.frames_dropped_waiting_for_keyframe);
      too_large = true;
    } else if (waiting_for_keyframe_ && !frame.keyframe) {
      ++stats_.frames_dropped_waiting_for_keyframe;
      request = wait_for_keyframe_locked();
    } else if (queue_.size() < config_.queue_capacity || make_room_locked(frame, request)) {
      if (frame.keyframe) {
        waiting_for_keyframe_ = false;
        keyframe_request_posted_ = false;
      }
      queue_.push_back(std::move(frame));
      wake_.notify_one();
    }
  }
  if (request) post_keyframe_request();
  if (too_large) {
    // Rate-limited: a sender repeating such keyframes would otherwise flood the log.
    static std::atomic<std::uint64_t> logged{0};
    if (logged.fetch_add(1) % 100 == 0) {
      PD_LOG(warning, "decode") << decoder_name_ << ": dropped a keyframe announcing " << announced.first << "x"
                                << announced.second << " (more than " << config_.max_pixels << " pixels)";
    }
  }
}

bool DecodeWorker::make_room_locked(const Frame& frame, bool& request) {
  if (frame.keyframe) {
    // The new keyframe makes every queued frame unnecessary for decoding what follows.
    drop_queue_locked(stats_.frames_dropped_queue_full);
    return true;
  }
  const auto newest_keyframe =
      std::find_if(queue_.rbegin(), queue_.rend(), [](const Frame& queued) { return queued.keyframe; });
  if (newest_keyframe != queue_.rend()) {
    const auto keep_from = newest_keyframe.base() - 1;
    stats_.frames_dropped_queue_full += static_cast<std::uint64_t>(keep_from - queue_.begin());
    queue_.erase(queue_.begin(), keep_from);
    if (queue_.size() < config_.queue_capacity) return true;
  }
  drop_queue_locked(stats_.frames_dropped_queue_full);
  ++stats_.frames_dropped_queue_full;  // the delta that did not fit
  request = wait_for_keyframe_locked();
  return false;
}

bool DecodeWorker::drop_to_keyframe_locked() {
  while (!queue_.empty() && !queue_.front().keyframe) {
    queue_.pop_front();
    ++stats_.frames_dropped_waiting_for_keyframe;
  }
  return queue_.empty() && wait_for_keyframe_locked();
}

bool DecodeWorker::wait_for_keyframe_locked() {
  waiting_for_keyframe_ = true;
  if (keyframe_request_posted_) return false;
  keyframe_request_posted_ = true;
  ++stats_.keyframes_requested;
  return true;
}

void DecodeWorker::drop_queue_locked(std::uint64_t& counter) {
  counter += queue_.size();
  queue_.clear();
}

void DecodeWorker::post_keyframe_request() {
  if (callbacks_.post_to_loop && callbacks_.on_keyframe_needed) callbacks_.post_to_loop(callbacks_.on_keyframe_needed);
}

void DecodeWorker::request_stop(StopMode mode) {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  if (mode == StopMode::drop) drop_queue_locked(stats_.frames_dropped_at_stop);
  wake_.notify_one();
}

void DecodeWorker::stop(StopMode mode) {
  request_stop(mode);
  if (thread_.joinable()) thread_.join();
}

DecodeWorkerStats DecodeWorker::stats() const {
  std::lock_guard lock(mutex_);
  DecodeWorkerStats snapshot = stats_;
  snapshot.queue_depth = queue_.size();
  snapshot.decode_time_p50 = decode_times_.percentile(0.50);
  snapshot.decode_time_p95 = decode_times_.percentile(0.95);
  snapshot.decode_time_p99 = decode_times_.percentile(0.99);
  return snapshot;
}

void DecodeWorker::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    // A drain stop empties the queue first; a drop stop has already cleared it.
    if (queue_.empty()) break;
    Frame frame = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();

    const Clock::TimePoint started = clock_.now();
    Clock::TimePoint finished = started;
    bool ok = false;
    PicturePtr picture;
    try {
      DecodeResult result = decoder_->decode(frame.bitstream);
      finished = clock_.now();
      ok = result.status == DecodeStatus::ok;
      if (ok && result.picture) {
        result.picture->stamp(frame.rtp_timestamp, {frame.last_packet_arrival, started, finished});
        picture = std::move(result.picture);
        // Hand-over outside the lock: the render side may take its time without stalling submit().
        if (callbacks_.on_picture) callbacks_.on_picture(picture);
      }
    } catch (...) {
      // This thread's error boundary: a throw in one frame's decode (or its hand-over) is that
      // stream's decode error, nothing more. The decoder starts again from the next keyframe,
      // as after any other error; the thread, the session and the daemon go on.
      report_current_exception(ErrorSite::decoder, "decode", std::string("a ") + decoder_name_ + " decode");
      finished = clock_.now();
      ok = false;
      picture.reset();
    }

    lock.lock();
    decode_times_.add(finished - started);
    bool request = false;
    if (ok) {
      ++stats_.frames_decoded;
      if (picture) ++stats_.pictures_delivered;
    } else {
      ++stats_.decode_errors;
      request = drop_to_keyframe_locked();
    }
    if (request) {
      lock.unlock();
      post_keyframe_request();
      lock.lock();
    }
  }
}

}  // namespace presentd::media

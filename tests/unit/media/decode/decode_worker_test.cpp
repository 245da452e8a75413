// SPDX-License-Identifier: Apache-2.0
// DecodeWorker with real decoders on its real thread. Nothing sleeps: the tests hold the worker
// inside its picture callback (a gate) to fill the queue deterministically, and wait on condition
// variables for pictures and for keyframe requests posted to a fake event loop.
#include "presentd/media/decode/decode_worker.hpp"
#include "presentd/rtp/depacketizer/depacketizer.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <random>
#include <stdexcept>
#include <vector>

#include "presentd/common/internal_errors.hpp"
#include "support/media/clip.hpp"

namespace presentd::media {
namespace {

using testing::Clip;
using testing::Encoder;

// Stands in for the event loop: collects posted tasks; the test runs them.
class FakeLoop {
public:
  void post(std::function<void()> task) {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
    changed_.notify_all();
  }
  void wait_for_tasks(std::size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return tasks_.size() >= count; });
  }
  std::size_t run_all() {
    std::vector<std::function<void()>> tasks;
    {
      std::lock_guard lock(mutex_);
      tasks.swap(tasks_);
    }
    for (auto& task : tasks) task();
    return tasks.size();
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::function<void()>> tasks_;
};

// The picture callback: records pictures; while closed, holds the worker inside the callback.
class PictureGate {
public:
  void on_picture(PicturePtr picture) {
    std::unique_lock lock(mutex_);
    pictures_.push_back(std::move(picture));
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
  }
  void close() { set_open(false); }
  void open() { set_open(true); }
  void wait_for_pictures(std::size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return pictures_.size() >= count; });
  }
  std::vector<PicturePtr> pictures() {
    std::lock_guard lock(mutex_);
    return pictures_;
  }

private:
  void set_open(bool open) {
    std::lock_guard lock(mutex_);
    open_ = open;
    changed_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<PicturePtr> pictures_;
  bool open_ = true;
};

class DecodeWorkerTest : public ::testing::TestWithParam<Encoder> {
protected:
  DecodeWorkerTest() : clip_(GetParam(), 320, 180) {}

  rtp::PayloadFormat format() const {
    return GetParam() == Encoder::h264  ? rtp::PayloadFormat::h264
           : GetParam() == Encoder::vp9 ? rtp::PayloadFormat::vp9
                                        : rtp::PayloadFormat::vp8;
  }
  std::unique_ptr<DecodeWorker> start(std::size_t capacity = 8) {
    DecodeWorkerCallbacks callbacks{[this](PicturePtr p) { gate_.on_picture(std::move(p)); },
                                    [this](std::function<void()> task) { loop_.post(std::move(task)); },
                                    [this] { ++keyframes_needed_; }};
    return std::make_unique<DecodeWorker>(make_video_decoder(format()), clock_, std::move(callbacks),
                                          DecodeWorkerConfig{capacity});
  }
  // Frame `index` of the clip as the jitter buffer would emit it; RTP timestamps cross the wrap.
  Frame frame(int index, std::vector<std::uint8_t> bitstream = {}) {
    const auto& encoded = clip_.frames[static_cast<std::size_t>(index)];
    Frame f;
    f.bitstream = bitstream.empty() ? encoded.bitstream : std::move(bitstream);
    f.keyframe = encoded.keyframe;
    f.rtp_timestamp = first_timestamp_ + static_cast<std::uint32_t>(index) * 3000U;
    f.last_packet_arrival = clock_.now();
    return f;
  }
  // Decodes frame 0 (a keyframe) and keeps the worker inside its picture callback until the gate
  // opens, so the test can fill the queue knowing exactly what the worker has taken.
  void hold_on_first_keyframe(DecodeWorker& worker) {
    gate_.close();
    worker.submit(frame(0));
    gate_.wait_for_pictures(1);
  }
  // Checks the delivered pictures are exactly the clip frames `indices`, decoded correctly.
  void expect_pictures(const std::vector<int>& indices) {
    const auto pictures = gate_.pictures();
    ASSERT_EQ(pictures.size(), indices.size());
    const auto expected = clip_.reference_checksums(indices);
    for (std::size_t i = 0; i < pictures.size(); ++i) {
      EXPECT_EQ(pictures[i]->rtp_timestamp(), first_timestamp_ + static_cast<std::uint32_t>(indices[i]) * 3000U);
      EXPECT_EQ(testing::checksum(*pictures[i]), expected[i]) << "picture " << i;
    }
  }

  Clip clip_;
  SteadyClock clock_;
  FakeLoop loop_;
  PictureGate gate_;
  int keyframes_needed_ = 0;
  // Seeded random start just below the 32-bit wrap, so every clip crosses it.
  std::uint32_t first_timestamp_ = 0xFFFFFFFFU - std::mt19937(7)() % 30000U;
};

TEST_P(DecodeWorkerTest, DecodesEveryFrameInOrderAndStampsTiming) {
  clip_.encode(10, {0});
  auto worker = start(16);
  for (int i = 0; i < 10; ++i) worker->submit(frame(i));
  worker->stop(StopMode::drain);
  expect_pictures({0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  for (const auto& picture : gate_.pictures()) {
    const PictureTiming& t = picture->timing();
    EXPECT_LE(t.received, t.decode_started);
    EXPECT_LE(t.decode_started, t.decoded);
  }
  const DecodeWorkerStats stats = worker->stats();
  EXPECT_EQ(stats.frames_submitted, 10U);
  EXPECT_EQ(stats.frames_decoded, 10U);
  EXPECT_EQ(stats.pictures_delivered, 10U);
  EXPECT_EQ(stats.frames_dropped_queue_full + stats.frames_dropped_waiting_for_keyframe, 0U);
  EXPECT_EQ(stats.keyframes_requested, 0U);
  EXPECT_GT(stats.decode_time_p50.count(), 0);
  EXPECT_LE(stats.decode_time_p50, stats.decode_time_p95);
  EXPECT_LE(stats.decode_time_p95, stats.decode_time_p99);
  EXPECT_EQ(loop_.run_all(), 0U);
}

TEST_P(DecodeWorkerTest, FullQueueDropsToNextKeyframeAndRequestsOne) {
  clip_.encode(13, {0, 11});
  auto worker = start(8);
  hold_on_first_keyframe(*worker);
  for (int i = 1; i <= 8; ++i) worker->submit(frame(i));
  EXPECT_EQ(worker->stats().queue_depth, 8U);
  worker->submit(frame(9));   // full, no keyframe queued: drop all, wait for a keyframe
  worker->submit(frame(10));  // still waiting: dropped
  worker->submit(frame(11));  // the keyframe is accepted
  worker->submit(frame(12));
  EXPECT_EQ(worker->stats().queue_depth, 2U);
  EXPECT_EQ(loop_.run_all(), 1U);
  EXPECT_EQ(keyframes_needed_, 1);
  gate_.open();
  worker->stop(StopMode::drain);
  expect_pictures({0, 11, 12});
  const DecodeWorkerStats stats = worker->stats();
  EXPECT_EQ(stats.frames_dropped_queue_full, 9U);
  EXPECT_EQ(stats.frames_dropped_waiting_for_keyframe, 1U);
  EXPECT_EQ(stats.keyframes_requested, 1U);
  EXPECT_EQ(stats.frames_decoded, 3U);
}

TEST_P(DecodeWorkerTest, FullQueueKeepsTheNewestQueuedKeyframeWithoutARequest) {
  clip_.encode(10, {0, 5});
  auto worker = start(8);
  hold_on_first_keyframe(*worker);
  for (int i = 1; i <= 8; ++i) worker->submit(frame(i));  // d1..d4 K5 d6..d8
  worker->submit(frame(9));                               // drops d1..d4, keeps K5..d8, queues d9
  EXPECT_EQ(worker->stats().queue_depth, 5U);
  gate_.open();
  worker->stop(StopMode::drain);
  expect_pictures({0, 5, 6, 7, 8, 9});
  EXPECT_EQ(worker->stats().frames_dropped_queue_full, 4U);
  EXPECT_EQ(worker->stats().keyframes_requested, 0U);
  EXPECT_EQ(loop_.run_all(), 0U);
}

TEST_P(DecodeWorkerTest, KeyframeArrivingAtAFullQueueReplacesIt) {
  clip_.encode(11, {0, 9});
  auto worker = start(8);
  hold_on_first_keyframe(*worker);
  for (int i = 1; i <= 9; ++i) worker->submit(frame(i));
  worker->submit(frame(10));
  gate_.open();
  worker->stop(StopMode::drain);
  expect_pictures({0, 9, 10});
  EXPECT_EQ(worker->stats().frames_dropped_queue_full, 8U);
  EXPECT_EQ(worker->stats().keyframes_requested, 0U);
}

TEST_P(DecodeWorkerTest, DamagedFrameRequestsKeyframeAndTheWorkerCarriesOn) {
  clip_.encode(7, {0, 5});
  auto worker = start(8);
  hold_on_first_keyframe(*worker);
  worker->submit(frame(1));
  worker->submit(frame(2, clip_.damaged(2)));
  worker->submit(frame(3));
  worker->submit(frame(4));
  gate_.open();
  loop_.wait_for_tasks(1);  // posted once the damaged frame failed and d3, d4 were dropped
  worker->submit(frame(5));
  worker->submit(frame(6));
  worker->stop(StopMode::drain);
  expect_pictures({0, 1, 5, 6});
  EXPECT_EQ(loop_.run_all(), 1U);
  EXPECT_EQ(keyframes_needed_, 1);
  const DecodeWorkerStats stats = worker->stats();
  EXPECT_EQ(stats.decode_errors, 1U);
  EXPECT_EQ(stats.frames_dropped_waiting_for_keyframe, 2U);
  EXPECT_EQ(stats.keyframes_requested, 1U);
  EXPECT_EQ(stats.frames_decoded, 4U);
}

TEST_P(DecodeWorkerTest, DeltasBeforeTheFirstKeyframeAreDroppedWithOneRequest) {
  clip_.encode(3, {0});
  auto worker = start(8);
  worker->submit(frame(1));
  worker->submit(frame(2));
  EXPECT_EQ(loop_.run_all(), 1U);
  worker->submit(frame(0));
  worker->stop(StopMode::drain);
  expect_pictures({0});
  EXPECT_EQ(worker->stats().frames_dropped_waiting_for_keyframe, 2U);
  EXPECT_EQ(worker->stats().keyframes_requested, 1U);
}

TEST_P(DecodeWorkerTest, StopDropsQueuedFramesWithoutDecodingThem) {
  clip_.encode(7, {0});
  auto worker = start(8);
  hold_on_first_keyframe(*worker);
  for (int i = 1; i <= 6; ++i) worker->submit(frame(i));
  worker->request_stop(StopMode::drop);
  worker->submit(frame(6));  // after the stop request: refused
  gate_.open();
  worker->stop();
  expect_pictures({0});
  const DecodeWorkerStats stats = worker->stats();
  EXPECT_EQ(stats.frames_decoded, 1U);
  EXPECT_EQ(stats.frames_dropped_at_stop, 7U);
  EXPECT_EQ(stats.queue_depth, 0U);
}

TEST_P(DecodeWorkerTest, PicturesOutliveTheWorkerAndItsDecoder) {
  clip_.encode(6, {0});
  auto worker = start(8);
  for (int i = 0; i < 6; ++i) worker->submit(frame(i));
  worker->stop(StopMode::drain);
  worker.reset();  // decoder, its buffer pool and the thread are gone; the pictures are not
  expect_pictures({0, 1, 2, 3, 4, 5});
}

TEST_P(DecodeWorkerTest, AThrowInOneFrameIsThatFramesDecodeErrorAndTheNextKeyframeDecodes) {
  // The worker thread's error boundary: an exception from one frame's decode or hand-over (here
  // the hand-over of frame 1's picture) is counted, costs that frame and what depends on it, and
  // decoding goes on from the next keyframe; the thread (and so the process) goes on.
  clip_.encode(6, {0, 3});
  std::vector<PicturePtr> pictures;
  DecodeWorkerCallbacks callbacks{[&](PicturePtr p) {
                                    if (p->rtp_timestamp() == first_timestamp_ + 3000U)
                                      throw std::runtime_error("hand-over failed");
                                    pictures.push_back(std::move(p));
                                  },
                                  [this](std::function<void()> task) { loop_.post(std::move(task)); },
                                  [this] { ++keyframes_needed_; }};
  const auto errors_before = internal_error_count(ErrorSite::decoder);
  DecodeWorker worker(make_video_decoder(format()), clock_, std::move(callbacks), DecodeWorkerConfig{8});
  for (int i = 0; i < 6; ++i) worker.submit(frame(i));
  worker.stop(StopMode::drain);
  EXPECT_EQ(internal_error_count(ErrorSite::decoder), errors_before + 1);
  const auto stats = worker.stats();
  EXPECT_EQ(stats.decode_errors, 1U);
  // Frame 2 depends on the lost frame 1: dropped (or, when it had not arrived yet, refused until
  // keyframe 3, which the worker asked for). Keyframe 3 and what follows it decode.
  ASSERT_GE(pictures.size(), 4U);
  EXPECT_EQ(pictures.front()->rtp_timestamp(), first_timestamp_);
  EXPECT_EQ(pictures[pictures.size() - 3]->rtp_timestamp(), first_timestamp_ + 3U * 3000U);
  EXPECT_EQ(pictures.back()->rtp_timestamp(), first_timestamp_ + 5U * 3000U);
  loop_.run_all();
}

// The size a VP8 keyframe announces, read by the production depacketizer from one RTP payload
// (descriptor S=1, partition 0) as the jitter buffer does.
std::pair<std::uint16_t, std::uint16_t> announced_vp8_size(const std::vector<std::uint8_t>& bitstream) {
  std::vector<std::uint8_t> payload{0x10};
  payload.insert(payload.end(), bitstream.begin(), bitstream.end());
  const auto info = rtp::make_depacketizer(rtp::PayloadFormat::vp8)->inspect(payload);
  return info ? std::pair{info->width, info->height} : std::pair<std::uint16_t, std::uint16_t>{0, 0};
}

class DecodeWorkerPixelCap : public DecodeWorkerTest {};

// A VP8 keyframe whose header announces 16383x16383 (the format's largest, 268 Mpixels) is
// dropped before the decoder sees it, and so are the deltas after it; a keyframe of a size
// within the cap then decodes as usual. No keyframe is asked for: it would bring the same one.
TEST_P(DecodeWorkerPixelCap, AKeyframeAnnouncingMoreThanTheCapIsDroppedUndecoded) {
  clip_.encode(4, {0, 2});
  auto huge = clip_.frames[0].bitstream;
  // VP8 keyframe header (RFC 6386 §9.1): 3-byte tag, start code, then 14-bit width and height.
  ASSERT_GE(huge.size(), 10U);
  huge[6] = 0xFF, huge[7] = 0x3F, huge[8] = 0xFF, huge[9] = 0x3F;
  auto worker = start(8);
  auto first = frame(0, huge);
  std::tie(first.width, first.height) = announced_vp8_size(huge);
  ASSERT_EQ(first.width, 16383);
  worker->submit(std::move(first));
  worker->submit(frame(1));  // a delta of the dropped keyframe
  auto normal = frame(2);
  std::tie(normal.width, normal.height) = announced_vp8_size(normal.bitstream);
  ASSERT_EQ(normal.width, 320);
  worker->submit(std::move(normal));
  worker->submit(frame(3));
  worker->stop(StopMode::drain);
  expect_pictures({2, 3});
  const auto stats = worker->stats();
  EXPECT_EQ(stats.frames_dropped_too_large, 1U);
  EXPECT_EQ(stats.frames_dropped_waiting_for_keyframe, 1U);
  EXPECT_EQ(stats.decode_errors, 0U);
  EXPECT_EQ(stats.frames_decoded, 2U);
  EXPECT_EQ(loop_.run_all(), 0U);  // no keyframe request
  EXPECT_EQ(keyframes_needed_, 0);
}

INSTANTIATE_TEST_SUITE_P(Vp8, DecodeWorkerPixelCap, ::testing::Values(Encoder::vp8),
                         [](const ::testing::TestParamInfo<Encoder>&) { return "vp8"; });

INSTANTIATE_TEST_SUITE_P(Codecs, DecodeWorkerTest, ::testing::Values(Encoder::vp8, Encoder::vp9, Encoder::h264),
                         [](const ::testing::TestParamInfo<Encoder>& param_info) {
                           return param_info.param == Encoder::vp8   ? "vp8"
                                  : param_info.param == Encoder::vp9 ? "vp9"
                                                                     : "h264";
                         });

}  // namespace
}  // namespace presentd::media

// SPDX-License-Identifier: Apache-2.0
// The decoder set with real decoders on their real threads: one worker per stream, a worker
// remade when the sender switches codec (its figures kept), keyframe requests back on the loop.
#include "presentd/session/decoder_set.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "support/media/clip.hpp"
#include "support/run_until.hpp"

namespace presentd::session {
namespace {

using namespace std::chrono_literals;
using media::testing::Clip;
using media::testing::Encoder;

// Pictures arrive on the decode threads; the test thread waits for them.
class Events : public DecoderSet::Listener {
public:
  void on_decoded_picture(std::size_t stream, media::PicturePtr picture) override {
    std::lock_guard lock(mutex_);
    pictures_.emplace_back(stream, picture->width());
    changed_.notify_all();
  }
  void on_keyframe_needed(std::size_t stream) override { keyframes_needed.push_back(stream); }
  bool wait_for_pictures(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return pictures_.size() >= count; });
  }
  std::vector<std::pair<std::size_t, int>> pictures() {
    std::lock_guard lock(mutex_);
    return pictures_;
  }
  std::vector<std::size_t> keyframes_needed;  // event loop only

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<std::size_t, int>> pictures_;
};

// The workers count a frame once its picture is handed over: wait for the count too.
bool wait_for_decoded(const DecoderSet& decoders, std::uint64_t count) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (decoders.totals().frames_decoded < count) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

media::Frame frame_of(const Clip& clip, int index) {
  media::Frame frame;
  frame.bitstream = clip.frames[static_cast<std::size_t>(index)].bitstream;
  frame.keyframe = clip.frames[static_cast<std::size_t>(index)].keyframe;
  frame.rtp_timestamp = static_cast<std::uint32_t>(index) * 3000U;
  return frame;
}

class DecoderSetTest : public ::testing::Test {
protected:
  boost::asio::io_context io_;
  SteadyClock clock_;
  Events events_;
};

TEST_F(DecoderSetTest, EachStreamIsDecodedOnItsOwnWorkerForItsOwnCodec) {
  Clip small(Encoder::vp8, 64, 48);
  Clip large(Encoder::h264, 128, 96);
  small.encode(3, {0});
  large.encode(3, {0});
  DecoderSet decoders(io_, clock_, 2, {}, events_);
  EXPECT_FALSE(decoders.format(0));
  EXPECT_EQ(decoders.worker(1), nullptr);
  for (int i = 0; i < 3; ++i) {
    decoders.submit(0, frame_of(small, i), rtp::PayloadFormat::vp8);
    decoders.submit(1, frame_of(large, i), rtp::PayloadFormat::h264);
  }
  ASSERT_TRUE(events_.wait_for_pictures(6));
  int from_small = 0, from_large = 0;
  for (const auto& [stream, width] : events_.pictures()) {
    from_small += stream == 0 && width == 64 ? 1 : 0;
    from_large += stream == 1 && width == 128 ? 1 : 0;
  }
  EXPECT_EQ(from_small, 3);
  EXPECT_EQ(from_large, 3);
  EXPECT_EQ(decoders.format(0), rtp::PayloadFormat::vp8);
  EXPECT_EQ(decoders.format(1), rtp::PayloadFormat::h264);
  EXPECT_TRUE(wait_for_decoded(decoders, 6));
  // A frame for a stream the negotiation does not have is dropped, not a crash.
  decoders.submit(2, frame_of(small, 0), rtp::PayloadFormat::vp8);
  EXPECT_EQ(decoders.stream_count(), 2u);
}

TEST_F(DecoderSetTest, ACodecSwitchRemakesTheDecoderAndKeepsTheSessionsTotals) {
  Clip vp8(Encoder::vp8, 64, 48);
  Clip h264(Encoder::h264, 64, 48);
  vp8.encode(2, {0});
  h264.encode(2, {0});
  DecoderSet decoders(io_, clock_, 1, {}, events_);
  decoders.submit(0, frame_of(vp8, 0), rtp::PayloadFormat::vp8);
  decoders.submit(0, frame_of(vp8, 1), rtp::PayloadFormat::vp8);
  ASSERT_TRUE(events_.wait_for_pictures(2));
  ASSERT_TRUE(wait_for_decoded(decoders, 2));
  const std::string first_decoder = decoders.worker(0)->decoder_name();
  decoders.submit(0, frame_of(h264, 0), rtp::PayloadFormat::h264);
  decoders.submit(0, frame_of(h264, 1), rtp::PayloadFormat::h264);
  ASSERT_TRUE(events_.wait_for_pictures(4));
  EXPECT_EQ(decoders.format(0), rtp::PayloadFormat::h264);
  EXPECT_NE(std::string(decoders.worker(0)->decoder_name()), first_decoder);
  EXPECT_TRUE(wait_for_decoded(decoders, 4));
}

TEST_F(DecoderSetTest, AWorkerWithoutAReferenceAsksForAKeyframeOnTheLoop) {
  Clip clip(Encoder::vp8, 64, 48);
  clip.encode(2, {0});
  DecoderSet decoders(io_, clock_, 1, {}, events_);
  // A delta frame first: nothing to decode it against.
  decoders.submit(0, frame_of(clip, 1), rtp::PayloadFormat::vp8);
  ASSERT_TRUE(testing::run_until(io_, [&] { return !events_.keyframes_needed.empty(); }));
  EXPECT_EQ(events_.keyframes_needed.front(), 0u);
  EXPECT_EQ(decoders.totals().frames_dropped_waiting_for_keyframe, 1u);
}

TEST_F(DecoderSetTest, RequestsPostedByWorkersAfterTheSetIsGoneReachNobody) {
  Clip clip(Encoder::vp8, 64, 48);
  clip.encode(2, {0});
  {
    DecoderSet decoders(io_, clock_, 1, {}, events_);
    decoders.submit(0, frame_of(clip, 1), rtp::PayloadFormat::vp8);
    // A fresh worker waits for a keyframe: this delta frame's request is queued on the loop now.
  }
  EXPECT_GE(io_.run_for(50ms), 1u);
  EXPECT_TRUE(events_.keyframes_needed.empty());
}

}  // namespace
}  // namespace presentd::session

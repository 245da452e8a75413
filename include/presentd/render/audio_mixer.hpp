// SPDX-License-Identifier: Apache-2.0
#pragma once
// Mixes the presenters' decoded audio (48 kHz interleaved stereo float) into the device's S16
// buffer.
//
// Each presenter has a bounded FIFO. The device pulls a few milliseconds at a time; a presenter
// with nothing buffered contributes silence (an underrun is not waited for), and a FIFO that
// grows past kMaxBufferedFrames loses its oldest samples, so audio latency stays bounded when a
// sender's clock runs fast.
//
// Thread: push()/remove()/set_*() from any thread; mix() from SDL's audio callback. One short
// mutex section per call; the callback never allocates.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <span>

namespace presentd::render {

using PresenterId = std::uint64_t;

enum class MixMode {
  all,      // every presenter with audio is heard
  focused,  // only the focused presenter (the one who started presenting last)
};

struct AudioSettings {
  int volume_percent = 100;  // 0..100, linear gain
  bool mute = false;
  MixMode mode = MixMode::all;
};

class AudioMixer {
public:
  static constexpr int kSampleRate = 48000;
  static constexpr int kChannels = 2;
  // 200 ms: enough to ride out decode jitter, small enough to keep lips and voice together.
  static constexpr std::size_t kMaxBufferedFrames = kSampleRate / 5;
  // A queue that never fell below this over half a second is cut back to it: 20 ms of margin
  // for network and decode jitter on top of the device buffer.
  static constexpr std::size_t kStandingQueueFrames = kSampleRate / 50;
  static constexpr std::size_t kTrimWindowFrames = kSampleRate / 2;

  // `interleaved` holds kChannels samples per frame, nominally in [-1, 1].
  void push(PresenterId id, std::span<const float> interleaved);
  void remove(PresenterId id);
  void set_focus(std::optional<PresenterId> id);
  void set_settings(const AudioSettings& settings);

  // Fills `out` (interleaved S16 stereo) with the next frames of every audible presenter.
  void mix(std::span<std::int16_t> out);

  std::size_t buffered_frames(PresenterId id) const;
  // Set by the render thread once an audio device plays the mix (its buffer size in frames);
  // nullopt while nothing plays it.
  void set_output(std::optional<int> device_buffer_frames);
  // How long sound pushed now for `id` waits before it is heard (its queue plus one device
  // buffer); nullopt when no device plays the mix, so lip sync knows nobody hears it.
  std::optional<std::chrono::microseconds> output_delay(PresenterId id) const;
  std::uint64_t dropped_frames() const;  // over the 200 ms limit or trimmed

private:
  mutable std::mutex mutex_;
  // The lowest fill of one source's queue over a trim window: what it holds that jitter never
  // needed. Sound that arrived in a burst (or while the device was paused) would otherwise stay
  // queued for the whole presentation, making every word late.
  struct QueueLevel {
    std::size_t lowest_frames = SIZE_MAX;
    std::size_t frames_played = 0;
  };
  void trim_standing_queues(std::size_t frames_played);

  std::map<PresenterId, std::deque<float>> sources_;
  std::map<PresenterId, QueueLevel> levels_;
  std::optional<PresenterId> focus_;
  AudioSettings settings_;
  std::uint64_t dropped_frames_ = 0;
  std::optional<int> device_buffer_frames_;
};

}  // namespace presentd::render

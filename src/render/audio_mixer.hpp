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

  // `interleaved` holds kChannels samples per frame, nominally in [-1, 1].
  void push(PresenterId id, std::span<const float> interleaved);
  void remove(PresenterId id);
  void set_focus(std::optional<PresenterId> id);
  void set_settings(const AudioSettings& settings);

  // Fills `out` (interleaved S16 stereo) with the next frames of every audible presenter.
  void mix(std::span<std::int16_t> out);

  std::size_t buffered_frames(PresenterId id) const;
  std::uint64_t dropped_frames() const;

private:
  mutable std::mutex mutex_;
  std::map<PresenterId, std::deque<float>> sources_;
  std::optional<PresenterId> focus_;
  AudioSettings settings_;
  std::uint64_t dropped_frames_ = 0;
};

}  // namespace presentd::render

// SPDX-License-Identifier: Apache-2.0
#include "presentd/render/audio_mixer.hpp"

#include <algorithm>
#include <cmath>

namespace presentd::render {

void AudioMixer::push(PresenterId id, std::span<const float> interleaved) {
  const std::size_t whole = interleaved.size() - interleaved.size() % kChannels;
  std::lock_guard lock(mutex_);
  auto& fifo = sources_[id];
  fifo.insert(fifo.end(), interleaved.begin(), interleaved.begin() + static_cast<std::ptrdiff_t>(whole));
  const std::size_t limit = kMaxBufferedFrames * kChannels;
  if (fifo.size() > limit) {
    const std::size_t excess = fifo.size() - limit;
    fifo.erase(fifo.begin(), fifo.begin() + static_cast<std::ptrdiff_t>(excess));
    dropped_frames_ += excess / kChannels;
  }
}

void AudioMixer::remove(PresenterId id) {
  std::lock_guard lock(mutex_);
  sources_.erase(id);
  levels_.erase(id);
}

void AudioMixer::set_focus(std::optional<PresenterId> id) {
  std::lock_guard lock(mutex_);
  focus_ = id;
}

void AudioMixer::set_settings(const AudioSettings& settings) {
  std::lock_guard lock(mutex_);
  settings_ = settings;
}

void AudioMixer::mix(std::span<std::int16_t> out) {
  std::lock_guard lock(mutex_);
  const float gain = settings_.mute ? 0.0F : static_cast<float>(std::clamp(settings_.volume_percent, 0, 100)) / 100.0F;
  for (std::size_t i = 0; i < out.size(); ++i) {
    float sum = 0.0F;
    for (auto& [id, fifo] : sources_) {
      if (fifo.empty()) continue;
      // Unheard sources are still consumed, so switching focus does not replay stale audio.
      const float sample = fifo.front();
      fifo.pop_front();
      if (settings_.mode == MixMode::all || focus_ == id) sum += sample;
    }
    const float scaled = std::clamp(sum * gain, -1.0F, 1.0F) * 32767.0F;
    out[i] = static_cast<std::int16_t>(std::lround(scaled));
  }
  trim_standing_queues(out.size() / kChannels);
}

void AudioMixer::trim_standing_queues(std::size_t frames_played) {
  for (auto& [id, fifo] : sources_) {
    auto& level = levels_[id];
    level.lowest_frames = std::min(level.lowest_frames, fifo.size() / kChannels);
    level.frames_played += frames_played;
    if (level.frames_played < kTrimWindowFrames) continue;
    if (level.lowest_frames != SIZE_MAX && level.lowest_frames > kStandingQueueFrames) {
      const std::size_t excess = (level.lowest_frames - kStandingQueueFrames) * kChannels;
      fifo.erase(fifo.begin(), fifo.begin() + static_cast<std::ptrdiff_t>(excess));
      dropped_frames_ += excess / kChannels;
    }
    level = QueueLevel{};
  }
}

std::size_t AudioMixer::buffered_frames(PresenterId id) const {
  std::lock_guard lock(mutex_);
  const auto it = sources_.find(id);
  return it == sources_.end() ? 0 : it->second.size() / kChannels;
}

void AudioMixer::set_output(std::optional<int> device_buffer_frames) {
  std::lock_guard lock(mutex_);
  device_buffer_frames_ = device_buffer_frames;
}

std::optional<std::chrono::microseconds> AudioMixer::output_delay(PresenterId id) const {
  std::lock_guard lock(mutex_);
  if (!device_buffer_frames_) return std::nullopt;
  const auto it = sources_.find(id);
  const auto queued = it == sources_.end() ? 0 : it->second.size() / kChannels;
  const auto frames = static_cast<std::int64_t>(queued) + *device_buffer_frames_;
  return std::chrono::microseconds(frames * 1'000'000 / kSampleRate);
}

std::uint64_t AudioMixer::dropped_frames() const {
  std::lock_guard lock(mutex_);
  return dropped_frames_;
}

}  // namespace presentd::render

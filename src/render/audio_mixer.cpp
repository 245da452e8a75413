#include "render/audio_mixer.hpp"

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
}

std::size_t AudioMixer::buffered_frames(PresenterId id) const {
  std::lock_guard lock(mutex_);
  const auto it = sources_.find(id);
  return it == sources_.end() ? 0 : it->second.size() / kChannels;
}

std::uint64_t AudioMixer::dropped_frames() const {
  std::lock_guard lock(mutex_);
  return dropped_frames_;
}

}  // namespace presentd::render

// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/forward/resend_cache.hpp"

#include <algorithm>
#include <bit>

namespace presentd::media {

ResendCache::ResendCache(ResendCacheConfig config)
    : config_(config), slots_(std::bit_ceil(std::clamp<std::size_t>(config.max_packets, 1, 0x10000))) {}

bool ResendCache::bytes_intact(const Slot& slot) const {
  // Later packets are written after this one; they reach its bytes again only a full ring later.
  return write_position_ <= slot.position + ring_.size();
}

void ResendCache::store(std::uint16_t sequence_number, std::span<const std::uint8_t> packet, Clock::TimePoint sent_at) {
  if (packet.size() > std::max<std::size_t>(config_.max_bytes, 1)) {
    ++stats_.packets_too_large;
    return;
  }
  // The ring is made with the first packet: a viewer's m-line that never shows anyone (the
  // /watch page offers four) costs no memory.
  if (ring_.empty()) ring_.resize(std::max<std::size_t>(config_.max_bytes, 1));
  // A packet never straddles the ring's end: skip what is left of this lap instead.
  const std::size_t offset = write_position_ % ring_.size();
  if (offset + packet.size() > ring_.size()) write_position_ += ring_.size() - offset;
  const std::uint64_t position = write_position_;
  std::copy(packet.begin(), packet.end(), ring_.begin() + static_cast<std::ptrdiff_t>(position % ring_.size()));
  write_position_ += packet.size();
  Slot& slot = slots_[sequence_number & (slots_.size() - 1)];
  slot = Slot{sent_at, position, static_cast<std::uint32_t>(packet.size()), sequence_number, true};
  ++stats_.packets_stored;
}

std::optional<std::span<const std::uint8_t>> ResendCache::find(std::uint16_t sequence_number, Clock::TimePoint now) {
  const Slot& slot = slots_[sequence_number & (slots_.size() - 1)];
  if (!slot.used || ring_.empty() || slot.sequence_number != sequence_number || !bytes_intact(slot) ||
      now - slot.sent_at > config_.max_age) {
    ++stats_.misses;
    return std::nullopt;
  }
  ++stats_.hits;
  return std::span<const std::uint8_t>(ring_).subspan(slot.position % ring_.size(), slot.size);
}

NackAnswer ResendCache::answer(const rtp::rtcp::Nack& nack, Clock::TimePoint now) {
  NackAnswer result;
  for_each_answer(nack, now, [&](std::uint16_t sequence_number, std::optional<std::span<const std::uint8_t>> packet) {
    if (packet) {
      result.packets.push_back(*packet);
    } else {
      result.missed.push_back(sequence_number);
    }
  });
  return result;
}

}  // namespace presentd::media

// SPDX-License-Identifier: Apache-2.0
#pragma once
// ResendCache: the packets a viewer was sent in about the last 1.5 s, as rewritten and before
// SRTP, so that a NACK (RFC 4585 §6.2.1) naming the viewer's outgoing sequence numbers is answered
// from the box instead of the presenter (issue 15). The copy is protected again with the same
// index; the outbound SrtpSession allows that (allow_repeat_tx).
//
// Rules:
//  - bounded three ways, all fixed at construction: by age (max_age, checked at lookup), by bytes
//    (one byte ring of max_bytes that new packets overwrite oldest first) and by count (a table of
//    max_packets slots, rounded up to a power of two, indexed by sequence number);
//  - a lookup hits only when the slot holds exactly that sequence number, its bytes have not been
//    overwritten, and it is not older than max_age; anything else is a miss, so a stale packet
//    with a recycled number is never sent. Sequence numbers wrap: a slot is the low bits;
//  - no allocation after the first packet (the ring is made then): storing a packet is one copy
//    into the ring.
//
// Thread: event loop (one per viewer m-line, no locks).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/rtp/rtcp/nack.hpp"

namespace presentd::media {

struct ResendCacheConfig {
  Clock::Duration max_age = std::chrono::milliseconds{1500};
  // 1.5 s of a 8 Mbit/s presentation is 1.5 MB; more than that is not worth keeping per viewer.
  std::size_t max_bytes = 2 * 1024 * 1024;
  std::size_t max_packets = 2048;
};

struct ResendCacheStats {
  std::uint64_t packets_stored = 0;
  std::uint64_t packets_too_large = 0;  // larger than max_bytes: never stored
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;  // never stored, overwritten, or too old
};

// What one NACK found: the packets to send again (oldest request first; each span is valid until
// the next store()) and the sequence numbers the cache no longer holds.
struct NackAnswer {
  std::vector<std::span<const std::uint8_t>> packets;
  std::vector<std::uint16_t> missed;
};

class ResendCache {
public:
  explicit ResendCache(ResendCacheConfig config = {});

  // The packet sent with outgoing `sequence_number` at `sent_at` (its bytes before SRTP).
  void store(std::uint16_t sequence_number, std::span<const std::uint8_t> packet, Clock::TimePoint sent_at);

  // The stored packet, or nullopt (counted as a miss). Valid until the next store().
  [[nodiscard]] std::optional<std::span<const std::uint8_t>> find(std::uint16_t sequence_number, Clock::TimePoint now);
  // Every packet a viewer's NACK names (its media SSRC is the caller's to check).
  [[nodiscard]] NackAnswer answer(const rtp::rtcp::Nack& nack, Clock::TimePoint now);
  // The same lookups without answer()'s two vectors, for the send path: visit(sequence_number,
  // packet) for every sequence number the NACK names, in order; `packet` is nullopt for a miss.
  template <class Visit>
  void for_each_answer(const rtp::rtcp::Nack& nack, Clock::TimePoint now, Visit&& visit);

  const ResendCacheStats& stats() const { return stats_; }

private:
  struct Slot {
    Clock::TimePoint sent_at;
    std::uint64_t position = 0;  // in the byte ring's unwrapped write position
    std::uint32_t size = 0;
    std::uint16_t sequence_number = 0;
    bool used = false;
  };

  bool bytes_intact(const Slot& slot) const;

  ResendCacheConfig config_;
  ResendCacheStats stats_;
  std::vector<Slot> slots_;
  std::vector<std::uint8_t> ring_;
  // Bytes written so far, counting the tail skipped when a packet would not fit before the end:
  // a packet's bytes at ring position p (unwrapped) stay intact while write_position_ <= p + size.
  std::uint64_t write_position_ = 0;
};

template <class Visit>
void ResendCache::for_each_answer(const rtp::rtcp::Nack& nack, Clock::TimePoint now, Visit&& visit) {
  for (const rtp::rtcp::NackItem& item : nack.items) {
    // RFC 4585 §6.2.1: PID, then bit i of BLP for PID + i + 1 (mod 2^16).
    for (int bit = -1; bit < 16; ++bit) {
      if (bit >= 0 && ((item.blp >> bit) & 1) == 0) continue;
      const auto sequence_number = static_cast<std::uint16_t>(item.pid + bit + 1);
      visit(sequence_number, find(sequence_number, now));
    }
  }
}

}  // namespace presentd::media

// SPDX-License-Identifier: Apache-2.0
// ResendCache: NACKs answered across the sequence-number wrap, misses for what was never stored,
// was overwritten (byte and count bounds) or is too old, and bytes returned exactly as stored.
#include "presentd/media/forward/resend_cache.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "presentd/rtp/rtcp/nack.hpp"
#include "support/rtp/wrap_test_support.hpp"

namespace presentd::media {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

// A recognisable packet per sequence number, `size` bytes long.
Bytes packet_for(std::uint16_t seq, std::size_t size = 100) {
  Bytes bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(seq + i);
  return bytes;
}

Bytes as_bytes(std::span<const std::uint8_t> span) { return Bytes(span.begin(), span.end()); }

std::vector<std::uint16_t> seqs(std::uint16_t start, std::initializer_list<int> offsets) {
  std::vector<std::uint16_t> out;
  for (int offset : offsets) out.push_back(static_cast<std::uint16_t>(start + offset));
  return out;
}

TEST(ResendCache, AnswersNacksAcrossTheWrap) {
  for (std::uint32_t seed = 1; seed <= 16; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    const std::uint16_t start = rtp::test::start_near_wrap(seed, 30);
    ManualClock clock;
    ResendCache cache;
    for (int i = 0; i < 40; ++i) {
      if (i == 7 || i == 20) continue;  // never sent to this viewer (lost upstream)
      const auto seq = static_cast<std::uint16_t>(start + i);
      cache.store(seq, packet_for(seq), clock.now());
      clock.advance(5ms);
    }
    // One NACK naming sent and unsent packets, its BLP crossing the wrap.
    const auto nacked = seqs(start, {3, 5, 7, 8, 20, 21, 30, 39, 40});
    const auto answer = cache.answer(rtp::rtcp::Nack::for_packets(1, 2, nacked), clock.now());
    ASSERT_EQ(answer.packets.size(), 6u);
    const auto hits = seqs(start, {3, 5, 8, 21, 30, 39});
    for (std::size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(as_bytes(answer.packets[i]), packet_for(hits[i]));
    EXPECT_EQ(answer.missed, seqs(start, {7, 20, 40}));
    EXPECT_EQ(cache.stats().hits, 6u);
    EXPECT_EQ(cache.stats().misses, 3u);
  }
}

TEST(ResendCache, ExpiresByAge) {
  ManualClock clock;
  ResendCache cache(ResendCacheConfig{.max_age = 1500ms});
  cache.store(65535, packet_for(65535), clock.now());
  clock.advance(500ms);
  cache.store(0, packet_for(0), clock.now());
  clock.advance(1000ms);
  EXPECT_TRUE(cache.find(65535, clock.now()));  // exactly 1.5 s old
  clock.advance(1ms);
  EXPECT_FALSE(cache.find(65535, clock.now()));
  EXPECT_TRUE(cache.find(0, clock.now()));
}

TEST(ResendCache, ByteBoundOverwritesOldestFirst) {
  ManualClock clock;
  // Room for three 100-byte packets and a bit: the fourth wraps the ring onto the first.
  ResendCache cache(ResendCacheConfig{.max_bytes = 350});
  const std::uint16_t start = 65534;
  for (int i = 0; i < 5; ++i) {
    const auto seq = static_cast<std::uint16_t>(start + i);
    cache.store(seq, packet_for(seq), clock.now());
  }
  // Ring of 350: packets at 0, 100, 200, then the fourth skips the 50-byte tail and lands at 0,
  // the fifth at 100.
  EXPECT_FALSE(cache.find(start, clock.now()));
  EXPECT_FALSE(cache.find(static_cast<std::uint16_t>(start + 1), clock.now()));
  for (int i = 2; i < 5; ++i) {
    const auto seq = static_cast<std::uint16_t>(start + i);
    const auto hit = cache.find(seq, clock.now());
    ASSERT_TRUE(hit) << i;
    EXPECT_EQ(as_bytes(*hit), packet_for(seq));
  }
}

TEST(ResendCache, MixedSizesNeverReturnOverwrittenBytes) {
  ManualClock clock;
  ResendCache cache(ResendCacheConfig{.max_bytes = 1000, .max_packets = 64});
  std::uint16_t seq = 65500;
  for (int i = 0; i < 300; ++i, ++seq) {
    cache.store(seq, packet_for(seq, 40 + static_cast<std::size_t>(i * 37 % 200)), clock.now());
    // Whatever is still found is byte-exact; the newest is always found.
    for (int back = 0; back < 40; ++back) {
      const auto old = static_cast<std::uint16_t>(seq - back);
      const auto hit = cache.find(old, clock.now());
      if (back == 0) {
        ASSERT_TRUE(hit);
      }
      if (hit) {
        ASSERT_EQ(as_bytes(*hit), packet_for(old, hit->size())) << i << " " << back;
      }
    }
  }
}

TEST(ResendCache, CountBoundAndRecycledNumbers) {
  ManualClock clock;
  ResendCache cache(ResendCacheConfig{.max_packets = 3});  // rounded up to 4 slots
  for (std::uint16_t seq = 65533; seq != 3; ++seq) cache.store(seq, packet_for(seq), clock.now());
  // 65533..2 stored, 4 slots: 65533 and 65534 overwritten by 1 and 2.
  EXPECT_FALSE(cache.find(65533, clock.now()));
  EXPECT_FALSE(cache.find(65534, clock.now()));
  for (std::uint16_t seq : {65535, 0, 1, 2}) EXPECT_TRUE(cache.find(seq, clock.now())) << seq;
  // A slot holding another number with the same low bits is a miss, not that packet.
  EXPECT_FALSE(cache.find(6, clock.now()));
}

TEST(ResendCache, RefusesAPacketLargerThanTheRing) {
  ManualClock clock;
  ResendCache cache(ResendCacheConfig{.max_bytes = 64});
  cache.store(1, packet_for(1, 65), clock.now());
  EXPECT_EQ(cache.stats().packets_too_large, 1u);
  EXPECT_FALSE(cache.find(1, clock.now()));
  cache.store(2, packet_for(2, 64), clock.now());
  EXPECT_TRUE(cache.find(2, clock.now()));
}

}  // namespace
}  // namespace presentd::media

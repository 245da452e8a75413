// SPDX-License-Identifier: Apache-2.0
// SRTP per-packet cost: unprotect (the receive path) and protect of a 1200-octet RTP packet, per
// profile. Time per iteration is ns/packet.
//
// Replay protection stays ON: every iteration needs a fresh sequence number, so a batch of
// kBatch packets is protected up front and replayed in order; when the batch is used up the
// inbound session is recreated with the timer paused. Each iteration also copies the packet into
// a reused buffer (unprotect works in place), ~30 ns of the figure.
//
// Run: build-bench/bench/srtp_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "presentd/rtp/srtp/srtp_session.hpp"

namespace presentd::rtp {
namespace {

constexpr std::size_t kPacketLength = 1200;  // RTP header + payload, before the SRTP trailer
constexpr std::size_t kBatch = 8192;

SrtpMasterKey bench_key(SrtpProfile profile) {
  const auto& info = srtp_profile_info(profile);
  std::vector<std::uint8_t> key(info.master_key_length, 0x2b);
  std::vector<std::uint8_t> salt(info.master_salt_length, 0x7e);
  return SrtpMasterKey(key, salt);
}

std::vector<std::uint8_t> plain_packet(std::uint16_t seq) {
  std::vector<std::uint8_t> packet(kPacketLength, 0xa5);
  packet[0] = 0x80;
  packet[1] = 96;
  packet[2] = static_cast<std::uint8_t>(seq >> 8);
  packet[3] = static_cast<std::uint8_t>(seq);
  packet[8] = 0x12;  // SSRC 0x12345678
  packet[9] = 0x34;
  packet[10] = 0x56;
  packet[11] = 0x78;
  return packet;
}

void BM_SrtpUnprotect(benchmark::State& state, SrtpProfile profile) {
  const auto key = bench_key(profile);
  SrtpSession outbound(profile, key, SrtpSession::Direction::outbound);
  std::vector<std::vector<std::uint8_t>> batch;
  batch.reserve(kBatch);
  for (std::size_t i = 0; i < kBatch; ++i) {
    auto packet = plain_packet(static_cast<std::uint16_t>(1000 + i));
    if (outbound.protect_rtp(packet) != SrtpResult::ok) {
      state.SkipWithError("protect failed");
      return;
    }
    batch.push_back(std::move(packet));
  }

  auto inbound = SrtpSession(profile, key, SrtpSession::Direction::inbound);
  std::vector<std::uint8_t> work;
  work.reserve(kPacketLength + kSrtpProtectScratch);
  std::size_t next = 0;
  for (auto _ : state) {
    if (next == kBatch) {
      state.PauseTiming();
      inbound = SrtpSession(profile, key, SrtpSession::Direction::inbound);
      next = 0;
      state.ResumeTiming();
    }
    work.assign(batch[next].begin(), batch[next].end());
    ++next;
    if (inbound.unprotect_rtp(work) != SrtpResult::ok) {
      state.SkipWithError("unprotect failed");
      break;
    }
    benchmark::DoNotOptimize(work.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kPacketLength));
}

// Protect is on the send path only (RTCP feedback, tiny), shown for comparison.
void BM_SrtpProtect(benchmark::State& state, SrtpProfile profile) {
  SrtpSession outbound(profile, bench_key(profile), SrtpSession::Direction::outbound);
  const auto plain = plain_packet(0);
  std::vector<std::uint8_t> work;
  work.reserve(kPacketLength + kSrtpProtectScratch);
  std::uint16_t seq = 0;
  for (auto _ : state) {
    work.assign(plain.begin(), plain.end());
    work[2] = static_cast<std::uint8_t>(seq >> 8);
    work[3] = static_cast<std::uint8_t>(seq);
    ++seq;
    if (outbound.protect_rtp(work) != SrtpResult::ok) {
      state.SkipWithError("protect failed");
      break;
    }
    benchmark::DoNotOptimize(work.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kPacketLength));
}

BENCHMARK_CAPTURE(BM_SrtpUnprotect, AEAD_AES_128_GCM, SrtpProfile::aead_aes_128_gcm);
BENCHMARK_CAPTURE(BM_SrtpUnprotect, AEAD_AES_256_GCM, SrtpProfile::aead_aes_256_gcm);
BENCHMARK_CAPTURE(BM_SrtpUnprotect, AES_CM_128_HMAC_SHA1_80, SrtpProfile::aes_cm_128_hmac_sha1_80);
BENCHMARK_CAPTURE(BM_SrtpUnprotect, AES_CM_128_HMAC_SHA1_32, SrtpProfile::aes_cm_128_hmac_sha1_32);
BENCHMARK_CAPTURE(BM_SrtpProtect, AEAD_AES_128_GCM, SrtpProfile::aead_aes_128_gcm);
BENCHMARK_CAPTURE(BM_SrtpProtect, AES_CM_128_HMAC_SHA1_80, SrtpProfile::aes_cm_128_hmac_sha1_80);

}  // namespace
}  // namespace presentd::rtp

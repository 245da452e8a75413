// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/receive_statistics.hpp"

#include <algorithm>

namespace presentd::rtp {
namespace {
constexpr std::uint32_t kSeqMod = 1u << 16;
constexpr std::int64_t kMicrosPerSecond = 1'000'000;
}  // namespace

StreamStatistician::StreamStatistician(std::uint32_t ssrc, std::uint32_t clock_rate, const Clock& clock)
    : clock_(clock), start_(clock.now()), ssrc_(ssrc), clock_rate_(clock_rate) {}

// A.1 init_seq().
void StreamStatistician::init_sequence(std::uint16_t seq) {
  base_seq_ = seq;
  max_seq_ = seq;
  bad_seq_ = kSeqMod + 1;  // so seq == bad_seq is false
  cycles_ = 0;
  received_ = 0;
  received_prior_ = 0;
  expected_prior_ = 0;
}

// A.1 update_seq(), returning whether the packet counts as valid.
bool StreamStatistician::update_sequence(std::uint16_t seq) {
  const auto udelta = static_cast<std::uint16_t>(seq - max_seq_);
  if (probation_ > 0) {
    // A source is valid once kMinSequential packets arrive in sequence.
    if (seq == static_cast<std::uint16_t>(max_seq_ + 1)) {
      --probation_;
      max_seq_ = seq;
      if (probation_ == 0) {
        init_sequence(seq);
        ++received_;
        return true;
      }
    } else {
      probation_ = kMinSequential - 1;
      max_seq_ = seq;
    }
    return false;
  }
  if (udelta < kMaxDropout) {
    // In order, with a permissible gap.
    if (seq < max_seq_) cycles_ += kSeqMod;
    max_seq_ = seq;
  } else if (udelta <= kSeqMod - kMaxMisorder) {
    // A very large jump. Two sequential packets after it mean the source restarted its sequence.
    if (seq == bad_seq_) {
      init_sequence(seq);
    } else {
      bad_seq_ = (static_cast<std::uint32_t>(seq) + 1) & (kSeqMod - 1);
      return false;
    }
  }
  // Otherwise a duplicate or a reordered packet, which still counts as received.
  ++received_;
  return true;
}

bool StreamStatistician::on_packet(std::uint16_t sequence_number, std::uint32_t rtp_timestamp, std::size_t size_bytes) {
  if (!started_) {
    // A.1: a new source starts in probation with max_seq one behind its first packet.
    started_ = true;
    init_sequence(sequence_number);
    max_seq_ = static_cast<std::uint16_t>(sequence_number - 1);
    probation_ = kMinSequential;
  }
  const std::uint32_t previous_highest = extended_highest_sequence();
  const std::uint32_t previous_base = base_seq_;
  if (!update_sequence(sequence_number)) {
    transit_.reset();
    return false;
  }
  bytes_ += size_bytes;

  // A.8, only for packets that advanced the sequence (a restart counts as advancing): a late or
  // duplicated packet's transit mostly measures how long ago it was sent, not network jitter.
  const bool advanced = extended_highest_sequence() != previous_highest || base_seq_ != previous_base;
  if (!advanced) return true;
  const std::int64_t elapsed_us = (clock_.now() - start_).count();
  const auto arrival = static_cast<std::uint32_t>(elapsed_us * clock_rate_ / kMicrosPerSecond);
  const std::uint32_t transit = arrival - rtp_timestamp;
  if (transit_) {
    const auto d = static_cast<std::int32_t>(transit - *transit_);
    const std::uint32_t magnitude =
        d < 0 ? static_cast<std::uint32_t>(-static_cast<std::int64_t>(d)) : static_cast<std::uint32_t>(d);
    // The integer form of J += (|D| - J) / 16, with J kept scaled by 16.
    jitter_q4_ += magnitude - ((jitter_q4_ + 8) >> 4);
  }
  transit_ = transit;
  return true;
}

void StreamStatistician::on_sender_report(std::uint64_t ntp_timestamp) {
  last_sr_ = static_cast<std::uint32_t>(ntp_timestamp >> 16);
  last_sr_arrival_ = clock_.now();
}

std::int64_t StreamStatistician::cumulative_lost() const {
  if (received_ == 0) return 0;
  return static_cast<std::int64_t>(expected()) - static_cast<std::int64_t>(received_);
}

std::optional<rtcp::ReportBlock> StreamStatistician::make_report_block() {
  if (received_ == 0) return std::nullopt;
  rtcp::ReportBlock block;
  block.source_ssrc = ssrc_;
  // A.3: loss over the interval since the last report.
  const std::uint32_t expected_now = expected();
  const auto expected_interval = static_cast<std::int64_t>(expected_now - expected_prior_);
  const auto received_interval = static_cast<std::int64_t>(received_ - received_prior_);
  expected_prior_ = expected_now;
  received_prior_ = received_;
  const std::int64_t lost_interval = expected_interval - received_interval;
  block.fraction_lost = (expected_interval == 0 || lost_interval <= 0)
                            ? 0
                            : static_cast<std::uint8_t>((lost_interval << 8) / expected_interval);
  block.cumulative_lost = static_cast<std::int32_t>(
      std::clamp<std::int64_t>(cumulative_lost(), rtcp::kMinCumulativeLost, rtcp::kMaxCumulativeLost));
  block.extended_highest_sequence = extended_highest_sequence();
  block.jitter = jitter();
  if (last_sr_arrival_) {
    block.last_sr = last_sr_;
    // DLSR counts 1/65536 s.
    const std::int64_t delay_us = (clock_.now() - *last_sr_arrival_).count();
    block.delay_since_last_sr = static_cast<std::uint32_t>(delay_us * 65536 / kMicrosPerSecond);
  }
  return block;
}

void ReceiveStatistics::add_stream(std::uint32_t ssrc, std::uint32_t clock_rate) {
  streams_.erase(ssrc);
  streams_.try_emplace(ssrc, ssrc, clock_rate, clock_);
}

bool ReceiveStatistics::on_packet(const RtpPacket& packet) {
  const auto it = streams_.find(packet.ssrc());
  if (it == streams_.end()) return false;
  return it->second.on_packet(packet.sequence_number(), packet.timestamp(), packet.data().size());
}

void ReceiveStatistics::on_sender_report(const rtcp::SenderReport& report) {
  const auto it = streams_.find(report.sender_ssrc);
  if (it != streams_.end()) it->second.on_sender_report(report.ntp_timestamp);
}

std::vector<rtcp::ReportBlock> ReceiveStatistics::make_report_blocks() {
  std::vector<rtcp::ReportBlock> blocks;
  for (auto& [ssrc, stream] : streams_) {
    if (auto block = stream.make_report_block()) blocks.push_back(*block);
  }
  return blocks;
}

const StreamStatistician* ReceiveStatistics::stream(std::uint32_t ssrc) const {
  const auto it = streams_.find(ssrc);
  return it == streams_.end() ? nullptr : &it->second;
}

}  // namespace presentd::rtp

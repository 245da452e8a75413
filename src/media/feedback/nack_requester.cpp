// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/feedback/nack_requester.hpp"

#include <algorithm>

namespace presentd::media {

NackRequester::NackRequester(const Clock& clock, NackConfig config)
    : clock_(clock), config_(config), rtt_(config.initial_rtt) {
  config_.max_list_size = std::max<std::size_t>(config_.max_list_size, 1);
}

std::int64_t NackRequester::unwrap_relative(std::uint16_t sequence_number) const {
  if (!newest_) return sequence_number;
  const auto delta =
      static_cast<std::int16_t>(static_cast<std::uint16_t>(sequence_number - static_cast<std::uint16_t>(*newest_)));
  return *newest_ + delta;
}

void NackRequester::on_packet(std::uint16_t sequence_number, bool retransmission) {
  if (retransmission) ++stats_.retransmissions_received;
  const std::int64_t seq = unwrapper_.unwrap(sequence_number);
  if (!newest_) {
    newest_ = seq;
    return;
  }
  if (seq <= *newest_) {
    // A hole being filled (or a duplicate, which finds nothing to erase).
    const auto it = missing_.find(seq);
    if (it == missing_.end()) return;
    if (it->second.retries > 0) {
      ++stats_.packets_recovered;
    } else {
      ++stats_.packets_reordered;
    }
    missing_.erase(it);
    return;
  }
  const std::int64_t gap = seq - *newest_ - 1;
  if (gap >= static_cast<std::int64_t>(config_.max_list_size)) {
    // More lost at once than we would ever track (or the sender jumped its numbering): NACKs
    // cannot repair this, only a keyframe can.
    stats_.packets_given_up += missing_.size();
    missing_.clear();
    keyframe_needed_ = true;
  } else if (gap > 0) {
    add_missing(*newest_ + 1, seq);
  }
  newest_ = seq;
  // Holes further back than the jitter buffer reaches are useless even if they arrived now.
  while (!missing_.empty() && *newest_ - missing_.begin()->first > config_.max_sequence_age) {
    give_up(missing_.begin());
  }
}

void NackRequester::add_missing(std::int64_t from, std::int64_t to) {
  const Clock::TimePoint now = clock_.now();
  for (std::int64_t seq = from; seq < to; ++seq) missing_.emplace(seq, Entry{now, std::nullopt, 0});
  while (missing_.size() > config_.max_list_size) give_up(missing_.begin());
}

void NackRequester::give_up(std::map<std::int64_t, Entry>::iterator it) {
  ++stats_.packets_given_up;
  keyframe_needed_ = true;
  missing_.erase(it);
}

void NackRequester::clear_before(std::uint16_t sequence_number) {
  if (!newest_) return;
  const std::int64_t seq = unwrap_relative(sequence_number);
  missing_.erase(missing_.begin(), missing_.lower_bound(seq));
}

bool NackRequester::ready_for_first_request(std::int64_t seq, const Entry& entry, Clock::TimePoint now) const {
  return *newest_ - seq >= config_.reorder_distance || now - entry.detected >= config_.reorder_window;
}

NackBatch NackRequester::on_tick() {
  NackBatch batch;
  const Clock::TimePoint now = clock_.now();
  for (auto it = missing_.begin(); it != missing_.end();) {
    Entry& entry = it->second;
    if (now - entry.detected > config_.max_age) {
      give_up(it++);
      continue;
    }
    if (entry.last_sent ? now - *entry.last_sent < rtt_ : !ready_for_first_request(it->first, entry, now)) {
      ++it;
      continue;
    }
    if (entry.retries >= config_.max_retries) {
      // The last try had a full RTT to be answered.
      give_up(it++);
      continue;
    }
    entry.last_sent = now;
    ++entry.retries;
    ++stats_.requests_sent;
    batch.sequence_numbers.push_back(static_cast<std::uint16_t>(it->first));
    ++it;
  }
  batch.keyframe_needed = keyframe_needed_;
  keyframe_needed_ = false;
  return batch;
}

}  // namespace presentd::media

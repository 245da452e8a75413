// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/feedback/transport_feedback_recorder.hpp"

namespace presentd::media {

TransportFeedbackRecorder::TransportFeedbackRecorder(const Clock& clock, std::uint32_t sender_ssrc)
    : clock_(clock), sender_ssrc_(sender_ssrc) {}

void TransportFeedbackRecorder::on_packet(std::uint16_t transport_sequence_number, std::uint32_t media_ssrc) {
  const auto sequence = unwrapper_.unwrap(transport_sequence_number);
  const auto arrival_us = clock_.now().time_since_epoch().count();
  if (media_ssrc_ == 0) media_ssrc_ = media_ssrc;
  ++stats_.packets_recorded;
  if (!next_unreported_) next_unreported_ = sequence;
  if (sequence < *next_unreported_) {
    ++stats_.late_packets;
    return;
  }
  arrivals_us_.try_emplace(sequence, arrival_us);  // a duplicate keeps its first arrival
  const auto newest = arrivals_us_.rbegin()->first;
  if (newest - *next_unreported_ >= kMaxWindow) {
    next_unreported_ = newest - kMaxWindow + 1;
    arrivals_us_.erase(arrivals_us_.begin(), arrivals_us_.lower_bound(*next_unreported_));
  }
}

std::vector<rtp::rtcp::TransportFeedback> TransportFeedbackRecorder::build_feedback() {
  if (arrivals_us_.empty() || !next_unreported_) return {};
  std::vector<rtp::rtcp::PacketArrival> arrivals;
  arrivals.reserve(arrivals_us_.size() + 1);
  // The message must start at the first unreported number even when that packet is missing,
  // so the sender learns it was lost.
  if (arrivals_us_.begin()->first != *next_unreported_) {
    arrivals.push_back({static_cast<std::uint16_t>(*next_unreported_), std::nullopt});
  }
  for (const auto& [sequence, arrival_us] : arrivals_us_) {
    arrivals.push_back({static_cast<std::uint16_t>(sequence), arrival_us});
  }
  auto messages = rtp::rtcp::build_transport_feedback(sender_ssrc_, media_ssrc_, arrivals, feedback_count_);
  feedback_count_ = static_cast<std::uint8_t>(feedback_count_ + messages.size());
  stats_.feedback_messages += messages.size();
  next_unreported_ = arrivals_us_.rbegin()->first + 1;
  arrivals_us_.clear();
  return messages;
}

}  // namespace presentd::media

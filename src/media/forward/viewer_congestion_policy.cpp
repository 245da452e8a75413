// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/forward/viewer_congestion_policy.hpp"

#include <algorithm>

namespace presentd::media {

ViewerCongestionPolicy::ViewerCongestionPolicy(ViewerCongestionConfig config)
    : config_(config), resume_after_(config.resume_after) {}

void ViewerCongestionPolicy::on_remb(const rtp::rtcp::Remb& remb, Clock::TimePoint now) {
  estimate_ = Sample{static_cast<double>(remb.bitrate_bps), now};
}

void ViewerCongestionPolicy::on_report_blocks(std::span<const rtp::rtcp::ReportBlock> blocks, Clock::TimePoint now) {
  if (blocks.empty()) return;
  // The worst stream speaks for the path: an audio block's 0 % must not hide the video's 20 %.
  std::uint8_t worst = 0;
  for (const rtp::rtcp::ReportBlock& block : blocks) worst = std::max(worst, block.fraction_lost);
  report_loss_ = Sample{worst / 256.0, now};
}

void ViewerCongestionPolicy::on_transport_feedback(const rtp::rtcp::TransportFeedback& feedback, Clock::TimePoint now) {
  if (!window_start_) window_start_ = now;
  for (const auto& packet : feedback.packets) {
    ++window_packets_;
    if (!packet.arrival_time_us) ++window_lost_;
  }
  if (now - *window_start_ < config_.transport_loss_window || window_packets_ == 0) return;
  transport_loss_ = Sample{static_cast<double>(window_lost_) / static_cast<double>(window_packets_), now};
  window_start_ = now;
  window_packets_ = 0;
  window_lost_ = 0;
}

bool ViewerCongestionPolicy::fresh(const std::optional<Sample>& sample, Clock::TimePoint now) const {
  return sample && now - sample->at <= config_.feedback_max_age;
}

std::optional<std::uint64_t> ViewerCongestionPolicy::estimate_bps(Clock::TimePoint now) const {
  if (!fresh(estimate_, now)) return std::nullopt;
  return static_cast<std::uint64_t>(estimate_->value);
}

std::optional<double> ViewerCongestionPolicy::loss(Clock::TimePoint now) const {
  std::optional<double> worst;
  if (report_loss_ && now - report_loss_->at <= config_.report_max_age) worst = report_loss_->value;
  if (fresh(transport_loss_, now)) worst = std::max(worst.value_or(0.0), transport_loss_->value);
  return worst;
}

bool ViewerCongestionPolicy::congested(Clock::TimePoint now, std::uint64_t video_bitrate_bps) const {
  const auto estimate = estimate_bps(now);
  const bool in_grace = resumed_at_ && now - *resumed_at_ < config_.estimate_grace;
  const bool too_slow =
      estimate && !in_grace && video_bitrate_bps > 0 &&
      static_cast<double>(*estimate) < config_.pause_below_bitrate_ratio * static_cast<double>(video_bitrate_bps);
  const auto lost = loss(now);
  return too_slow || (lost && *lost > config_.pause_above_loss);
}

bool ViewerCongestionPolicy::recovered(Clock::TimePoint now) const {
  const auto lost = loss(now);
  return !lost || *lost <= config_.resume_at_most_loss;
}

CongestionAction ViewerCongestionPolicy::update(Clock::TimePoint now, std::uint64_t video_bitrate_bps) {
  return paused_ ? update_paused(now) : update_playing(now, video_bitrate_bps);
}

CongestionAction ViewerCongestionPolicy::update_playing(Clock::TimePoint now, std::uint64_t video_bitrate_bps) {
  if (!congested(now, video_bitrate_bps)) {
    holding_since_.reset();
    return CongestionAction::none;
  }
  if (!holding_since_) holding_since_ = now;
  if (now - *holding_since_ < config_.pause_after) return CongestionAction::none;
  // A pause soon after a resume means the resume came too early: wait longer next time. One that
  // held through probation was no false start, and the back-off starts over.
  if (resumed_at_ && now - *resumed_at_ < config_.probation) {
    resume_after_ = std::min(resume_after_ * 2, config_.max_resume_after);
  } else {
    resume_after_ = config_.resume_after;
  }
  paused_ = true;
  holding_since_.reset();
  ++stats_.pauses;
  return CongestionAction::pause_video;
}

CongestionAction ViewerCongestionPolicy::update_paused(Clock::TimePoint now) {
  if (!recovered(now)) {
    holding_since_.reset();
    return CongestionAction::none;
  }
  if (!holding_since_) holding_since_ = now;
  if (now - *holding_since_ < resume_after_) return CongestionAction::none;
  paused_ = false;
  holding_since_.reset();
  resumed_at_ = now;
  ++stats_.resumes;
  return CongestionAction::resume_video;
}

}  // namespace presentd::media

// SPDX-License-Identifier: Apache-2.0
#pragma once
// ViewerCongestionPolicy: whether one viewer's video is paused (issue 15: a viewer that cannot
// keep up has its video paused and resumed, its audio keeps going, and it never slows the
// presenter or the other viewers). The box forwards without transcoding and without simulcast,
// so a viewer gets the presenter's video at the presenter's bitrate or not at all.
//
// Rules (the knobs are ViewerCongestionConfig's):
//  - the evidence is the viewer's feedback: its bandwidth estimate (REMB), and its loss, the
//    highest fraction lost in its latest receiver report's blocks or, from transport-wide
//    feedback, the share of packets reported missing over transport_loss_window. Feedback older
//    than feedback_max_age is no evidence either way;
//  - playing, the viewer is congested while its estimate is below pause_below_bitrate_ratio of
//    the video's bitrate (passed in: what the presenters currently send it) or its loss is above
//    pause_above_loss. Congested without a break for pause_after: its video is paused;
//  - paused, the viewer has recovered while its loss is at most resume_at_most_loss (or unknown).
//    Recovered without a break for resume_after: its video resumes. REMB is not asked to recover:
//    with only audio flowing, a receiver's estimate cannot climb to the video's bitrate
//    (libwebrtc's AIMD never raises it above 1.5 times the rate it receives), so the resume is a
//    probe. For estimate_grace after a resume the estimate rule waits (the loss rule does not):
//    the estimate climbs from where it stood only once video flows, ~8 % a second in libwebrtc,
//    e.g. 12 s from a fifth to a half of the video's bitrate;
//  - no flapping: the thresholds differ for pause and resume, each needs its condition to hold
//    for seconds, and a pause within `probation` of a resume doubles the next resume_after, up to
//    max_resume_after (back to resume_after once a resume holds for `probation`);
//  - the caller does what update() returns: pause() / resume() on the viewer's video forwarders
//    (resume closes their keyframe gates, so the viewer restarts at a keyframe). Audio is never
//    paused: this policy has no say over it.
// Time comes in as arguments (the caller's injected clock); update() on the viewer's feedback tick.
//
// Thread: event loop (one per viewer, no locks).
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "presentd/common/clock.hpp"
#include "presentd/rtp/rtcp/remb.hpp"
#include "presentd/rtp/rtcp/report_block.hpp"
#include "presentd/rtp/rtcp/transport_feedback.hpp"

namespace presentd::media {

struct ViewerCongestionConfig {
  double pause_below_bitrate_ratio = 0.5;                 // X: estimate under half of what the video needs
  double pause_above_loss = 0.10;                         // Y: NACK cannot keep up with a tenth of the packets lost
  Clock::Duration pause_after = std::chrono::seconds{5};  // Z
  double resume_at_most_loss = 0.02;
  Clock::Duration resume_after = std::chrono::seconds{5};  // W
  Clock::Duration max_resume_after = std::chrono::seconds{60};
  Clock::Duration probation = std::chrono::seconds{30};
  Clock::Duration estimate_grace = std::chrono::seconds{15};
  Clock::Duration feedback_max_age = std::chrono::seconds{3};  // REMB and transport-wide feedback
  // Report blocks: RFC 3550 (§6.2, §6.3.1) lets a receiver report only every 5 s, randomised up
  // to 7.5 s, and GStreamer's rtpbin does; a report's loss holds until the next one is due.
  Clock::Duration report_max_age = std::chrono::seconds{8};
  // One transport-wide feedback message covers ~100 ms: too few packets for a loss figure.
  Clock::Duration transport_loss_window = std::chrono::seconds{1};
};

enum class CongestionAction { none, pause_video, resume_video };

struct ViewerCongestionStats {
  std::uint64_t pauses = 0;
  std::uint64_t resumes = 0;
};

class ViewerCongestionPolicy {
public:
  explicit ViewerCongestionPolicy(ViewerCongestionConfig config = {});

  void on_remb(const rtp::rtcp::Remb& remb, Clock::TimePoint now);
  // The report blocks of one receiver (or sender) report about streams the box sends this viewer.
  void on_report_blocks(std::span<const rtp::rtcp::ReportBlock> blocks, Clock::TimePoint now);
  void on_transport_feedback(const rtp::rtcp::TransportFeedback& feedback, Clock::TimePoint now);

  // Applies the rules; `video_bitrate_bps` is what the viewer's video would carry now (0: none).
  [[nodiscard]] CongestionAction update(Clock::TimePoint now, std::uint64_t video_bitrate_bps);

  bool paused() const { return paused_; }
  // Fresh evidence only (status API): the estimate in bit/s, the loss as a fraction.
  [[nodiscard]] std::optional<std::uint64_t> estimate_bps(Clock::TimePoint now) const;
  [[nodiscard]] std::optional<double> loss(Clock::TimePoint now) const;
  // What the next resume waits for (resume_after, doubled by the back-off).
  Clock::Duration resume_after() const { return resume_after_; }
  const ViewerCongestionStats& stats() const { return stats_; }

private:
  struct Sample {
    double value = 0;
    Clock::TimePoint at;
  };

  bool fresh(const std::optional<Sample>& sample, Clock::TimePoint now) const;
  bool congested(Clock::TimePoint now, std::uint64_t video_bitrate_bps) const;
  bool recovered(Clock::TimePoint now) const;
  CongestionAction update_playing(Clock::TimePoint now, std::uint64_t video_bitrate_bps);
  CongestionAction update_paused(Clock::TimePoint now);

  ViewerCongestionConfig config_;
  ViewerCongestionStats stats_;
  std::optional<Sample> estimate_;
  std::optional<Sample> report_loss_;
  std::optional<Sample> transport_loss_;
  // Transport-wide feedback summed over the current window.
  std::optional<Clock::TimePoint> window_start_;
  std::uint64_t window_packets_ = 0;
  std::uint64_t window_lost_ = 0;
  // Since when the current condition (congested while playing, recovered while paused) holds.
  std::optional<Clock::TimePoint> holding_since_;
  std::optional<Clock::TimePoint> resumed_at_;
  Clock::Duration resume_after_;
  bool paused_ = false;
};

}  // namespace presentd::media

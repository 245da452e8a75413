// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/feedback/keyframe_requester.hpp"

namespace presentd::media {

KeyframeRequester::KeyframeRequester(const Clock& clock, KeyframeRequesterConfig config)
    : clock_(clock), config_(config) {}

void KeyframeRequester::on_keyframe() {
  ++stats_.keyframes_received;
  pending_ = false;
}

KeyframeRequest KeyframeRequester::poll() {
  if (!pending_) return {};
  // With neither feedback message negotiated the sender cannot be asked; it will send its
  // periodic keyframe eventually.
  if (!config_.pli_negotiated && !config_.fir_negotiated) return {};
  const Clock::TimePoint now = clock_.now();
  // The pacing counts from the last request sent, even one already answered, so bursts of
  // "keyframe needed" (one per lost frame) never exceed one request per interval.
  if (last_sent_ && now - *last_sent_ < config_.min_interval) return {};
  last_sent_ = now;
  if (config_.pli_negotiated) {
    ++stats_.plis_sent;
    return {KeyframeRequestKind::pli, 0};
  }
  ++stats_.firs_sent;
  return {KeyframeRequestKind::fir, next_fir_sequence_number_++};
}

}  // namespace presentd::media

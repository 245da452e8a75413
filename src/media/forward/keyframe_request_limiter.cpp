// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/forward/keyframe_request_limiter.hpp"

#include <algorithm>

namespace presentd::media {

KeyframeRequestLimiter::Entry& KeyframeRequestLimiter::entry(StreamId stream) {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.stream == stream; });
  if (it != entries_.end()) return *it;
  return entries_.emplace_back(Entry{stream, std::nullopt, false});
}

bool KeyframeRequestLimiter::may_send(const Entry& e, Clock::TimePoint now) const {
  return !e.last_sent || now - *e.last_sent >= config_.min_interval;
}

bool KeyframeRequestLimiter::request(StreamId stream, Clock::TimePoint now) {
  Entry& e = entry(stream);
  if (!may_send(e, now)) {
    e.pending = true;
    ++stats_.requests_suppressed;
    return false;
  }
  e.last_sent = now;
  e.pending = false;
  ++stats_.requests_sent;
  return true;
}

std::vector<KeyframeRequestLimiter::StreamId> KeyframeRequestLimiter::poll(Clock::TimePoint now) {
  std::vector<StreamId> due;
  for (Entry& e : entries_) {
    if (!e.pending || !may_send(e, now)) continue;
    e.pending = false;
    e.last_sent = now;
    ++stats_.requests_sent;
    due.push_back(e.stream);
  }
  return due;
}

void KeyframeRequestLimiter::on_keyframe(StreamId stream) {
  for (Entry& e : entries_) {
    if (e.stream == stream) e.pending = false;
  }
}

void KeyframeRequestLimiter::forget(StreamId stream) {
  std::erase_if(entries_, [&](const Entry& e) { return e.stream == stream; });
}

bool KeyframeRequestLimiter::pending(StreamId stream) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.stream == stream && e.pending; });
}

}  // namespace presentd::media

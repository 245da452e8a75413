// SPDX-License-Identifier: Apache-2.0
#pragma once
// The body of a status response, made at most once per `max_age`: GET /api/v1/status needs no
// token, so anyone on the room's network may ask for it as fast as they like. Each answer
// within max_age of the last one made is the same bytes; only the first asks every session,
// decoder and the renderer again.
//
// A cached body is reused only while its key is the same. The key names what a reader acts on
// at once (who presents and in which state, the screen, the cloud link: a test or a page reads
// the status right after a POST and must see the new presenter), so only the counters and rates
// may be up to max_age old.
//
// Thread: event loop.
#include <functional>
#include <optional>
#include <string>

#include "presentd/common/clock.hpp"

namespace presentd::app {

class StatusCache {
public:
  StatusCache(const Clock& clock, Clock::Duration max_age) : clock_(clock), max_age_(max_age) {}

  // The cached body while younger than max_age and made for the same `key`; otherwise `make`'s,
  // kept for next time.
  const std::string& get(const std::string& key, const std::function<std::string()>& make);
  // What the status says changed (a reload, a presenter came or went): the next get() makes a
  // new body, so nobody reads the old room name or presenter list for up to max_age.
  void invalidate() { made_at_.reset(); }
  // How many times `make` ran (the tests and the benchmark count them).
  std::uint64_t made() const { return made_; }

private:
  const Clock& clock_;
  Clock::Duration max_age_;
  std::optional<Clock::TimePoint> made_at_;
  std::string key_;
  std::string body_;
  std::uint64_t made_ = 0;
};

}  // namespace presentd::app

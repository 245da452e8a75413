// SPDX-License-Identifier: Apache-2.0
#pragma once
// Token buckets per client address: a burst of `burst` requests, refilled at `per_second`.
// Bounded: at most `max_clients` addresses are tracked; the stalest entry goes first.
// Thread: event loop.
#include <map>
#include <string>

#include "presentd/common/clock.hpp"

namespace presentd::signaling {

class RateLimiter {
public:
  RateLimiter(const Clock& clock, double burst, double per_second, std::size_t max_clients = 4096);
  // True when `client` may make one more request now (and takes a token).
  bool allow(const std::string& client);
  // Seconds until `client` has a token again (for Retry-After), at least 1.
  int retry_after_seconds(const std::string& client) const;

private:
  struct Bucket {
    double tokens = 0;
    Clock::TimePoint updated;
  };
  const Clock& clock_;
  double burst_;
  double per_second_;
  std::size_t max_clients_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace presentd::signaling

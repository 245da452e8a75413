// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/local/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace presentd::signaling {

RateLimiter::RateLimiter(const Clock& clock, double burst, double per_second, std::size_t max_clients)
    : clock_(clock), burst_(burst), per_second_(per_second), max_clients_(max_clients) {}

bool RateLimiter::allow(const std::string& client) {
  const auto now = clock_.now();
  auto it = buckets_.find(client);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_clients_) {
      buckets_.erase(std::min_element(buckets_.begin(), buckets_.end(), [](const auto& a, const auto& b) {
        return a.second.updated < b.second.updated;
      }));
    }
    it = buckets_.emplace(client, Bucket{burst_, now}).first;
  }
  auto& bucket = it->second;
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  bucket.tokens = std::min(burst_, bucket.tokens + elapsed * per_second_);
  bucket.updated = now;
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

int RateLimiter::retry_after_seconds(const std::string& client) const {
  const auto it = buckets_.find(client);
  if (it == buckets_.end() || per_second_ <= 0) return 1;
  return std::max(1, static_cast<int>(std::ceil((1.0 - it->second.tokens) / per_second_)));
}

}  // namespace presentd::signaling

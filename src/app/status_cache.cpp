// SPDX-License-Identifier: Apache-2.0
#include "app/status_cache.hpp"

namespace presentd::app {

const std::string& StatusCache::get(const std::string& key, const std::function<std::string()>& make) {
  const auto now = clock_.now();
  if (!made_at_ || key != key_ || now - *made_at_ >= max_age_ || now < *made_at_) {
    body_ = make();
    key_ = key;
    made_at_ = now;
    ++made_;
  }
  return body_;
}

}  // namespace presentd::app

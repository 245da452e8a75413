// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/xmpp/reconnect_backoff.hpp"

#include <algorithm>

namespace presentd::xmpp {

ReconnectBackoff::ReconnectBackoff(std::function<double()> uniform01, std::chrono::milliseconds first,
                                   std::chrono::milliseconds cap)
    : uniform01_(std::move(uniform01)), first_(first), cap_(cap) {}

std::chrono::milliseconds ReconnectBackoff::next_delay() {
  // 2^attempt grows past the cap after six doublings; stop counting there.
  const int shift = std::min(attempt_, 16);
  const auto base = std::min(cap_, std::chrono::milliseconds(first_.count() << shift));
  if (attempt_ < 16) ++attempt_;
  const double factor = 0.8 + 0.4 * uniform01_();
  const auto jittered = std::chrono::milliseconds(static_cast<long long>(static_cast<double>(base.count()) * factor));
  return std::clamp(jittered, first_, cap_);
}

}  // namespace presentd::xmpp

// SPDX-License-Identifier: Apache-2.0
#pragma once
// Delays between reconnection attempts: exponential from 1 s, capped at 60 s, each multiplied
// by a random factor in [0.8, 1.2] (then clamped to the range) so a building full of boxes
// that lost the server together does not come back in lock-step. reset() after a login that
// reached "online"; a refused password does not reset it, so a wrong password never loops fast.
//
// Thread: event loop; the random source is injected so tests are deterministic.
#include <chrono>
#include <functional>

namespace presentd::xmpp {

class ReconnectBackoff {
public:
  // `uniform01` returns a value in [0, 1).
  explicit ReconnectBackoff(std::function<double()> uniform01,
                            std::chrono::milliseconds first = std::chrono::seconds(1),
                            std::chrono::milliseconds cap = std::chrono::seconds(60));

  [[nodiscard]] std::chrono::milliseconds next_delay();
  void reset() { attempt_ = 0; }
  [[nodiscard]] int attempts() const { return attempt_; }

private:
  std::function<double()> uniform01_;
  std::chrono::milliseconds first_;
  std::chrono::milliseconds cap_;
  int attempt_ = 0;
};

}  // namespace presentd::xmpp

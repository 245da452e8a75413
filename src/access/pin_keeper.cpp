// SPDX-License-Identifier: Apache-2.0
#include "presentd/access/pin_keeper.hpp"

#include "presentd/common/random.hpp"
#include "presentd/signaling/local/bearer_token.hpp"

namespace presentd::access {
namespace {
std::optional<std::string> initial_pin(const config::PinConfig& config) {
  switch (config.policy) {
    case config::PinPolicy::rotate: return random_digits(static_cast<std::size_t>(config.length));
    case config::PinPolicy::fixed: return config.fixed;
    case config::PinPolicy::off: return std::nullopt;
  }
  return std::nullopt;
}
}  // namespace

PinKeeper::PinKeeper(const config::PinConfig& config, OnChange on_change)
    : config_(config), on_change_(std::move(on_change)), current_(initial_pin(config)) {
  if (on_change_) on_change_(current_);
}

void PinKeeper::apply(const config::PinConfig& config) {
  const bool keep =
      config.policy == config::PinPolicy::rotate && config_.policy == config.policy && config_.length == config.length;
  config_ = config;
  if (!keep) set(initial_pin(config_));
}

bool PinKeeper::matches(std::string_view presented) const {
  if (!current_) return false;
  return signaling::tokens_equal(presented, *current_);
}

bool PinKeeper::rotate() {
  if (config_.policy != config::PinPolicy::rotate) return false;
  std::string next;
  // The new PIN always differs from the old one, so "rotated" is never a no-op that leaves a
  // PIN someone has seen valid.
  do next = random_digits(static_cast<std::size_t>(config_.length));
  while (current_ && next == *current_);
  set(std::move(next));
  return true;
}

void PinKeeper::set(std::optional<std::string> pin) {
  current_ = std::move(pin);
  if (on_change_) on_change_(current_);
}

}  // namespace presentd::access

// SPDX-License-Identifier: Apache-2.0
#pragma once
// The room PIN under the configured policy: "rotate" (a fresh random PIN from the CSPRNG, never
// the one before, whenever rotate() is called: after each ended session, after failed attempts,
// by an admin), "fixed" (the admin's PIN from the configuration) or "off" (none required).
// Whoever shows the PIN (the idle screen) is told of every change through `on_change`.
//
// The PIN is a secret: it is compared in constant time and never logged.
//
// Thread: event loop.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "presentd/config/config.hpp"

namespace presentd::access {

class PinKeeper {
public:
  // Called with the PIN to show (nullopt: none) whenever it changes.
  using OnChange = std::function<void(const std::optional<std::string>&)>;

  PinKeeper(const config::PinConfig& config, OnChange on_change);

  // A reload: a new policy, length or fixed PIN takes effect; an unchanged rotating policy
  // keeps its current PIN.
  void apply(const config::PinConfig& config);

  bool required() const { return config_.policy != config::PinPolicy::off; }
  config::PinPolicy policy() const { return config_.policy; }
  // Constant time in the PIN's length; false when no PIN is set (policy "off" needs no check).
  [[nodiscard]] bool matches(std::string_view presented) const;
  // Policy "rotate" only (false otherwise): a new random PIN replaces the current one.
  bool rotate();
  // The PIN in force (shown on the screen and given to admins); nullopt with policy "off".
  const std::optional<std::string>& current() const { return current_; }

private:
  void set(std::optional<std::string> pin);

  config::PinConfig config_;
  OnChange on_change_;
  std::optional<std::string> current_;
};

}  // namespace presentd::access

// SPDX-License-Identifier: Apache-2.0
#pragma once
// Short-lived session tokens: what a right PIN at POST /api/v1/join buys. A token is 128 random
// bits (32 hex characters), expires `lifetime` after issue if unused, and creates at most one
// WHIP session: take() hands it out once and forgets it; the WHIP authorizer then binds it to
// the session it created (access_control.hpp).
//
// Lookups compare the presented token with every stored one in constant time and without an
// early exit, so timing says nothing about how close a guess was.
//
// Thread: event loop.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "presentd/common/clock.hpp"

namespace presentd::access {

struct IssuedToken {
  std::string token;
  std::string presenter_name;
  Clock::TimePoint expires;
};

class SessionTokens {
public:
  explicit SessionTokens(const Clock& clock, Clock::Duration lifetime = std::chrono::seconds(60),
                         std::size_t max_unused = 64);

  // A new token for `presenter_name`; the oldest unused one goes when `max_unused` are out.
  const IssuedToken& issue(std::string presenter_name);
  // The unused, unexpired token equal to `presented`, removed from the store; nullopt otherwise.
  [[nodiscard]] std::optional<IssuedToken> take(std::string_view presented);
  // A take() whose session could not be created: the token is usable again until it expires.
  void put_back(IssuedToken token);
  std::size_t unused_count();
  Clock::Duration lifetime() const { return lifetime_; }

private:
  void drop_expired();

  const Clock& clock_;
  Clock::Duration lifetime_;
  std::size_t max_unused_;
  std::vector<IssuedToken> unused_;  // oldest first
};

}  // namespace presentd::access

// SPDX-License-Identifier: Apache-2.0
#include "presentd/access/session_tokens.hpp"

#include "presentd/common/random.hpp"
#include "presentd/signaling/local/bearer_token.hpp"

namespace presentd::access {

SessionTokens::SessionTokens(const Clock& clock, Clock::Duration lifetime, std::size_t max_unused)
    : clock_(clock), lifetime_(lifetime), max_unused_(max_unused) {}

void SessionTokens::drop_expired() {
  const auto now = clock_.now();
  std::erase_if(unused_, [now](const IssuedToken& token) { return token.expires <= now; });
}

const IssuedToken& SessionTokens::issue(std::string presenter_name) {
  drop_expired();
  if (unused_.size() >= max_unused_) unused_.erase(unused_.begin());
  unused_.push_back(IssuedToken{random_hex(16), std::move(presenter_name), clock_.now() + lifetime_});
  return unused_.back();
}

std::optional<IssuedToken> SessionTokens::take(std::string_view presented) {
  drop_expired();
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < unused_.size(); ++i) {
    // No early exit: every stored token is compared whatever matched before.
    if (signaling::tokens_equal(presented, unused_[i].token)) found = i;
  }
  if (!found) return std::nullopt;
  auto token = std::move(unused_[*found]);
  unused_.erase(unused_.begin() + static_cast<std::ptrdiff_t>(*found));
  return token;
}

void SessionTokens::put_back(IssuedToken token) {
  if (token.expires <= clock_.now()) return;
  if (unused_.size() >= max_unused_) unused_.erase(unused_.begin());
  unused_.push_back(std::move(token));
}

std::size_t SessionTokens::unused_count() {
  drop_expired();
  return unused_.size();
}

}  // namespace presentd::access

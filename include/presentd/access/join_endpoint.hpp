// SPDX-License-Identifier: Apache-2.0
#pragma once
// POST /api/v1/join: {"pin":"1234","name":"Alice"} → a short-lived session token the page then
// presents to the WHIP endpoint as its Bearer token (docs/protocol.md, "Joining and PIN").
// This class owns the HTTP side (JSON, statuses, Retry-After); AccessControl decides.
//
// Thread: event loop.
#include "presentd/access/access_control.hpp"
#include "presentd/signaling/local/http_router.hpp"
#include "presentd/signaling/local/rate_limiter.hpp"

namespace presentd::access {

inline constexpr std::size_t kMaxPresenterNameLength = 40;  // Unicode code points

class JoinEndpoint {
public:
  JoinEndpoint(const Clock& clock, AccessControl& access, std::string whip_path = "/whip");
  void register_routes(signaling::HttpRouter& router);

private:
  void on_join(const signaling::Request& request, const signaling::RequestContext& context,
               const signaling::Responder& respond);

  AccessControl& access_;
  std::string whip_path_;
  signaling::RateLimiter limiter_;
};

// The presenter's name as typed: blanks around it trimmed, at most kMaxPresenterNameLength
// code points, no control characters. nullopt when it breaks one of these rules.
[[nodiscard]] std::optional<std::string> clean_presenter_name(std::string_view name);

}  // namespace presentd::access

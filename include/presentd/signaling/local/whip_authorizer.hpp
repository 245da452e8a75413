// SPDX-License-Identifier: Apache-2.0
#pragma once
// Who may publish: the WHIP endpoint asks an authorizer before it creates, patches or deletes a
// session, and tells it how each creation ended. The endpoint owns the HTTP rules; the
// authorizer (include/presentd/access/access_control.hpp) owns PINs, session tokens, back-off and the room
// lock, so this layer never needs to know about them.
//
// Thread: event loop.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "presentd/signaling/local/http_types.hpp"

namespace presentd::signaling {

struct WhipFailure {
  http::status status;
  std::string reason;     // short plain text for the client
  int retry_after_s = 0;  // sent as Retry-After when > 0 (429, 503)
};

// A POST the authorizer allowed: the presenter's name (from a session token; "" for a plain
// WHIP sender) and a ticket that create_finished() hands back.
struct WhipGrant {
  std::string presenter_name;
  std::uint64_t ticket = 0;
};

class WhipAuthorizer {
public:
  virtual ~WhipAuthorizer() = default;
  // POST /whip with this bearer token (nullopt: no Authorization header or another scheme).
  virtual std::variant<WhipGrant, WhipFailure> authorize_create(std::optional<std::string_view> bearer,
                                                                const RequestContext& context) = 0;
  // The POST `grant` allowed has been answered: with the new session, or nullopt when none was
  // created. Called exactly once per grant.
  virtual void create_finished(const WhipGrant& grant, const std::optional<std::string>& session_id) = 0;
  // PATCH/DELETE of `session_id`: nullopt when allowed.
  virtual std::optional<WhipFailure> authorize_session(std::optional<std::string_view> bearer,
                                                       const std::string& session_id,
                                                       const RequestContext& context) = 0;
};

}  // namespace presentd::signaling

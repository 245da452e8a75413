// SPDX-License-Identifier: Apache-2.0
#pragma once
// Who may watch (issue 15): the WHEP endpoint's authorizer, under `viewers.policy`:
//  - "pin": the room's PIN as Bearer token, checked by AccessControl in the presenters' back-off
//    (the same per-address and room-wide limits; a viewer's right PIN neither rotates it nor
//    uses up a session token);
//  - "open": anyone who reaches the box;
//  - "off": nobody (403).
// PATCH and DELETE of a viewer need the Bearer its POST presented, as for presenters.
//
// Thread: event loop.
#include <functional>
#include <map>
#include <string>

#include "presentd/access/access_control.hpp"
#include "presentd/config/config.hpp"
#include "presentd/signaling/local/whip_authorizer.hpp"

namespace presentd::access {

class ViewerAccess final : public signaling::WhipAuthorizer {
public:
  // `exists` says whether a viewer still runs (its credential is forgotten once it ended).
  ViewerAccess(AccessControl& access, config::ViewerPolicy policy, std::function<bool(const std::string&)> exists);

  void set_policy(config::ViewerPolicy policy) { policy_ = policy; }
  config::ViewerPolicy policy() const { return policy_; }

  std::variant<signaling::WhipGrant, signaling::WhipFailure> authorize_create(
      std::optional<std::string_view> bearer, const signaling::RequestContext& context) override;
  void create_finished(const signaling::WhipGrant& grant, const std::optional<std::string>& session_id) override;
  std::optional<signaling::WhipFailure> authorize_session(std::optional<std::string_view> bearer,
                                                          const std::string& session_id,
                                                          const signaling::RequestContext& context) override;

private:
  void forget_ended();

  AccessControl& access_;
  config::ViewerPolicy policy_;
  std::function<bool(const std::string&)> exists_;
  std::uint64_t next_ticket_ = 1;
  std::map<std::uint64_t, std::string> pending_;    // ticket → the Bearer presented
  std::map<std::string, std::string> credentials_;  // viewer → the Bearer that created it
};

}  // namespace presentd::access

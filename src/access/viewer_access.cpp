// SPDX-License-Identifier: Apache-2.0
#include "presentd/access/viewer_access.hpp"

#include "presentd/common/log.hpp"
#include "presentd/signaling/local/bearer_token.hpp"

namespace presentd::access {
namespace {
constexpr std::string_view kTag = "viewers";
namespace http = signaling::http;
}  // namespace

ViewerAccess::ViewerAccess(AccessControl& access, config::ViewerPolicy policy,
                           std::function<bool(const std::string&)> exists)
    : access_(access), policy_(policy), exists_(std::move(exists)) {}

std::variant<signaling::WhipGrant, signaling::WhipFailure> ViewerAccess::authorize_create(
    std::optional<std::string_view> bearer, const signaling::RequestContext& context) {
  switch (policy_) {
    case config::ViewerPolicy::off:
      return signaling::WhipFailure{http::status::forbidden, "watching is turned off on this box"};
    case config::ViewerPolicy::open: break;
    case config::ViewerPolicy::pin:
      if (!access_.pin_required()) break;
      if (!bearer) {
        return signaling::WhipFailure{http::status::unauthorized, "a Bearer token is required: the room PIN"};
      }
      if (const auto denied = access_.check_viewer_pin(*bearer, context)) {
        return AccessControl::to_whip_failure(*denied);
      }
      break;
  }
  forget_ended();
  const auto ticket = next_ticket_++;
  pending_.emplace(ticket, bearer ? std::string(*bearer) : std::string());
  return signaling::WhipGrant{{}, ticket};
}

void ViewerAccess::create_finished(const signaling::WhipGrant& grant, const std::optional<std::string>& session_id) {
  auto node = pending_.extract(grant.ticket);
  if (node.empty() || !session_id) return;
  credentials_[*session_id] = std::move(node.mapped());
}

std::optional<signaling::WhipFailure> ViewerAccess::authorize_session(std::optional<std::string_view> bearer,
                                                                      const std::string& session_id,
                                                                      const signaling::RequestContext& context) {
  const auto it = credentials_.find(session_id);
  if (it == credentials_.end()) return signaling::WhipFailure{http::status::not_found, "no such viewer"};
  if (it->second.empty()) return std::nullopt;  // created without a credential
  if (bearer && signaling::tokens_equal(*bearer, it->second)) return std::nullopt;
  PD_LOG(notice, kTag) << "request for a viewer from " << context.remote.address() << " with "
                       << (bearer ? "the wrong" : "no") << " Bearer token";
  return signaling::WhipFailure{http::status::unauthorized, "the Bearer token that created this viewer is required"};
}

void ViewerAccess::forget_ended() {
  std::erase_if(credentials_, [this](const auto& entry) { return !exists_ || !exists_(entry.first); });
}

}  // namespace presentd::access

// SPDX-License-Identifier: Apache-2.0
#include "presentd/access/access_control.hpp"

#include <algorithm>

#include "presentd/common/log.hpp"
#include "presentd/net/address_key.hpp"
#include "presentd/signaling/local/bearer_token.hpp"

namespace presentd::access {
namespace {
constexpr std::string_view kTag = "access";
namespace http = signaling::http;

// Session tokens are 32 hex characters and PINs 4..8 digits: a bearer of token length is never
// a PIN guess, so an expired token does not count against the presenter's address.
bool looks_like_token(std::string_view bearer) {
  return bearer.size() == 32 && std::all_of(bearer.begin(), bearer.end(),
                                            [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}
}  // namespace

AccessControl::AccessControl(const Clock& clock, const config::PinConfig& pin, PinKeeper::OnChange on_pin_change)
    : clock_(clock), pin_(pin, std::move(on_pin_change)), failures_(clock), tokens_(clock) {}

void AccessControl::apply(const config::PinConfig& pin) { pin_.apply(pin); }

std::optional<AccessDenied> AccessControl::check_pin(std::string_view presented, const std::string& address,
                                                     Source kind) {
  if (const auto wait = failures_.wait_for(address, kind); wait > Clock::Duration::zero()) {
    // Refused without looking at the PIN: a locked-out address learns nothing.
    const int seconds = retry_after_seconds(wait);
    PD_LOG(notice, kTag) << "PIN attempt from " << address << " refused: locked out for " << seconds << " s";
    return AccessDenied{AccessDenied::Reason::locked_out, 0, seconds};
  }
  if (pin_.matches(presented)) {
    failures_.record_success(address);
    PD_LOG(info, kTag) << "right PIN from " << address;
    return std::nullopt;
  }
  const auto outcome = failures_.record_failure(address, kind);
  if (failure_counter_ != nullptr) failure_counter_->increment();
  if (lockout_counter_ != nullptr && outcome.retry_after_s > 0) lockout_counter_->increment();
  if (outcome.room_filled) note_room_filled();
  PD_LOG(notice, kTag) << "wrong PIN from " << address << " (" << outcome.failures << " in a row from this address"
                       << (outcome.retry_after_s > 0
                               ? ", next attempt in " + std::to_string(outcome.retry_after_s) + " s"
                               : std::string())
                       << ")";
  if (++failures_since_rotation_ >= failures_.policy().free_attempts) rotate_pin("failed attempts");
  return AccessDenied{AccessDenied::Reason::wrong_pin, outcome.attempts_left, outcome.retry_after_s};
}

void AccessControl::note_room_filled() {
  if (room_saturated_counter_ != nullptr) room_saturated_counter_->increment();
  ++room_fills_unlogged_;
  const auto now = clock_.now();
  if (room_logged_ && now - *room_logged_ < std::chrono::minutes(1)) return;
  room_logged_ = now;
  // An alert for whoever watches the journal: someone is guessing PINs from many addresses.
  PD_LOG(warning, kTag) << "room-wide limit on wrong PINs reached " << room_fills_unlogged_
                        << " time(s) (presentd_pin_room_limit_saturated_total): " << failures_.policy().room_limit
                        << " wrong PINs within "
                        << std::chrono::duration_cast<std::chrono::seconds>(failures_.room_window()).count()
                        << " s now; addresses with a recent wrong PIN wait, new ones still get their attempt";
  room_fills_unlogged_ = 0;
}

std::variant<JoinGranted, AccessDenied> AccessControl::join(std::string_view pin, std::string presenter_name,
                                                            const std::string& source) {
  if (locked_) return AccessDenied{AccessDenied::Reason::room_locked};
  if (pin_.required()) {
    if (auto denied = check_pin(pin, source, Source::address)) return *denied;
  }
  const auto& issued = tokens_.issue(std::move(presenter_name));
  return JoinGranted{issued.token,
                     static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(tokens_.lifetime()).count())};
}

signaling::WhipFailure AccessControl::to_whip_failure(const AccessDenied& denied) {
  switch (denied.reason) {
    case AccessDenied::Reason::room_locked: return {http::status::locked, "the room is locked"};
    case AccessDenied::Reason::locked_out:
      return {http::status::too_many_requests, "too many wrong PINs: try again later", denied.retry_after_s};
    case AccessDenied::Reason::wrong_pin: break;
  }
  return {http::status::unauthorized, "wrong PIN"};
}

std::optional<AccessDenied> AccessControl::check_remote_pin(const std::optional<std::string>& pin,
                                                            const std::string& who) {
  loop_.check("AccessControl::check_remote_pin");
  if (locked_) return AccessDenied{AccessDenied::Reason::room_locked};
  if (!pin_.required()) return std::nullopt;
  // A missing PIN is a wrong one: it counts in the back-off like any other guess.
  return check_pin(pin ? std::string_view(*pin) : std::string_view(), "xmpp:" + who, Source::account);
}

std::optional<AccessDenied> AccessControl::check_viewer_pin(std::string_view pin,
                                                            const signaling::RequestContext& context) {
  loop_.check("AccessControl::check_viewer_pin");
  if (!pin_.required()) return std::nullopt;
  return check_pin(pin, net::address_key(context.remote.address()), Source::address);
}

std::variant<signaling::WhipGrant, signaling::WhipFailure> AccessControl::authorize_create(
    std::optional<std::string_view> bearer, const signaling::RequestContext& context) {
  loop_.check("AccessControl::authorize_create");
  if (locked_) return to_whip_failure({AccessDenied::Reason::room_locked});
  const auto address = context.remote.address().to_string();
  const auto source = net::address_key(context.remote.address());
  Pending pending;
  std::string presenter_name;
  if (bearer) pending.token = tokens_.take(*bearer);
  if (pending.token) {
    presenter_name = pending.token->presenter_name;
  } else if (pin_.required()) {
    if (!bearer) {
      return signaling::WhipFailure{http::status::unauthorized,
                                    "a Bearer token is required: the room PIN or a token from /api/v1/join"};
    }
    if (looks_like_token(*bearer)) {
      PD_LOG(notice, kTag) << "unknown or expired session token from " << address;
      return signaling::WhipFailure{http::status::unauthorized, "the session token is unknown or has expired"};
    }
    if (auto denied = check_pin(*bearer, source, Source::address)) return to_whip_failure(*denied);
  }
  if (bearer) pending.credential = std::string(*bearer);
  pending.name = presenter_name;
  pending.address = address;
  const auto ticket = next_ticket_++;
  pending_.emplace(ticket, std::move(pending));
  return signaling::WhipGrant{std::move(presenter_name), ticket};
}

void AccessControl::create_finished(const signaling::WhipGrant& grant, const std::optional<std::string>& session_id) {
  loop_.check("AccessControl::create_finished");
  auto node = pending_.extract(grant.ticket);
  if (node.empty()) return;
  auto& pending = node.mapped();
  if (session_id) {
    sessions_[*session_id] =
        Running{std::move(pending.credential), std::move(pending.name), std::move(pending.address)};
  } else if (pending.token) {
    tokens_.put_back(std::move(*pending.token));
  }
}

std::optional<signaling::WhipFailure> AccessControl::authorize_session(std::optional<std::string_view> bearer,
                                                                       const std::string& session_id,
                                                                       const signaling::RequestContext& context) {
  loop_.check("AccessControl::authorize_session");
  const auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return signaling::WhipFailure{http::status::not_found, "no such WHIP session"};
  const auto& credential = it->second.credential;
  if (credential.empty()) return std::nullopt;  // created without a credential (policy "off")
  if (bearer && signaling::tokens_equal(*bearer, credential)) return std::nullopt;
  PD_LOG(notice, kTag) << "request for a session from " << context.remote.address() << " with "
                       << (bearer ? "the wrong" : "no") << " Bearer token";
  return signaling::WhipFailure{http::status::unauthorized, "the Bearer token that created this session is required"};
}

void AccessControl::remote_session_started(const std::string& session_id, const std::string& bare_jid) {
  sessions_[session_id] = Running{{}, bare_jid, "xmpp:" + bare_jid};
}

void AccessControl::session_ended(const std::string& session_id) {
  loop_.check("AccessControl::session_ended");
  sessions_.erase(session_id);
  rotate_pin("a session ended");
}

std::vector<PresenterRecord> AccessControl::presenters() const {
  std::vector<PresenterRecord> out;
  for (const auto& [id, running] : sessions_) out.push_back({id, running.name, running.address});
  return out;
}

void AccessControl::set_locked(bool locked) {
  loop_.check("AccessControl::set_locked");
  if (locked_ == locked) return;
  locked_ = locked;
  PD_LOG(notice, kTag) << (locked ? "room locked: no new presenters" : "room unlocked");
}

bool AccessControl::rotate_pin(std::string_view why) {
  loop_.check("AccessControl::rotate_pin");
  if (!pin_.rotate()) return false;
  failures_since_rotation_ = 0;
  PD_LOG(info, kTag) << "PIN rotated: " << why;
  return true;
}

}  // namespace presentd::access

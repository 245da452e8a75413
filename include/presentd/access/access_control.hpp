// SPDX-License-Identifier: Apache-2.0
#pragma once
// Who may present: the PIN under its policy, the back-off after failed attempts, the session
// tokens POST /api/v1/join hands out, and the room lock. Implements the WHIP endpoint's
// authorizer, so browsers (session token) and plain WHIP senders (the PIN itself as Bearer
// token) pass the same checks and their failures count in the same back-off.
//
// Every secret is compared in constant time; attempts are logged with the client's address,
// never with what it presented.
//
// Thread: event loop.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "presentd/access/failure_tracker.hpp"
#include "presentd/access/pin_keeper.hpp"
#include "presentd/access/session_tokens.hpp"
#include "presentd/common/clock.hpp"
#include "presentd/common/loop_affinity.hpp"
#include "presentd/metrics/counter.hpp"
#include "presentd/signaling/local/whip_authorizer.hpp"

namespace presentd::access {

struct AccessDenied {
  enum class Reason { wrong_pin, locked_out, room_locked };
  Reason reason = Reason::wrong_pin;
  int attempts_left = 0;  // wrong_pin: failures this address may still make before its back-off
  int retry_after_s = 0;  // locked_out (and a wrong_pin that started a back-off): seconds to wait
};

// A running session as the admin API lists it. The ID is the session's full, unguessable ID
// (a capability: only admins see it; the status API shows its first 8 characters).
struct PresenterRecord {
  std::string session_id;
  std::string name;     // from the session token; "" for a plain WHIP sender
  std::string address;  // the client that created it
};

struct JoinGranted {
  std::string token;
  int expires_in_s = 0;
};

class AccessControl final : public signaling::WhipAuthorizer {
public:
  // `on_pin_change` is told the PIN to show on the screen, at once and after every change.
  AccessControl(const Clock& clock, const config::PinConfig& pin, PinKeeper::OnChange on_pin_change);
  // Prometheus counters (presentd_pin_failures_total, presentd_pin_lockouts_total,
  // presentd_pin_room_limit_saturated_total); all must outlive this. A lockout is a wrong PIN
  // that starts a wait; a saturation a wrong PIN that fills the room-wide limit.
  void count_in(metrics::Counter& failures, metrics::Counter& lockouts, metrics::Counter& room_saturated) {
    failure_counter_ = &failures;
    lockout_counter_ = &lockouts;
    room_saturated_counter_ = &room_saturated;
  }

  void apply(const config::PinConfig& pin);  // reload

  // POST /api/v1/join: the PIN (ignored with policy "off") for a session token. `source` is the
  // client's net::address_key.
  std::variant<JoinGranted, AccessDenied> join(std::string_view pin, std::string presenter_name,
                                               const std::string& source);

  std::variant<signaling::WhipGrant, signaling::WhipFailure> authorize_create(
      std::optional<std::string_view> bearer, const signaling::RequestContext& context) override;
  void create_finished(const signaling::WhipGrant& grant, const std::optional<std::string>& session_id) override;
  std::optional<signaling::WhipFailure> authorize_session(std::optional<std::string_view> bearer,
                                                          const std::string& session_id,
                                                          const signaling::RequestContext& context) override;

  // A viewer's PIN (viewers.policy "pin"), counted in the same back-off as a presenter's from
  // the same address; nullopt: may watch. A room without a PIN (policy "off") lets anyone watch;
  // the room lock is for presenters and does not stop viewers.
  std::optional<AccessDenied> check_viewer_pin(std::string_view pin, const signaling::RequestContext& context);
  // Whether a PIN is asked for at all (pin.policy is not "off").
  bool pin_required() const { return pin_.required(); }
  // The HTTP answer to a denial (401, 423, 429 with Retry-After).
  static signaling::WhipFailure to_whip_failure(const AccessDenied& denied);

  // A remote (cloud) presenter's PIN, counted in the same back-off as local attempts under
  // `who` (its bare JID). nullopt: may present. `pin` nullopt: none was sent.
  std::optional<AccessDenied> check_remote_pin(const std::optional<std::string>& pin, const std::string& who);
  // A remote presenter's session exists (its PIN passed): listed for admins like a local one
  // (address "xmpp:<bare JID>"), so it can be removed; forgotten in session_ended.
  void remote_session_started(const std::string& session_id, const std::string& bare_jid);
  // Any session that ended, also one that never got on screen (approval declined or timed out):
  // no longer listed. No PIN rotation (session_ended does that for sessions that presented).
  void forget_session(const std::string& session_id) { sessions_.erase(session_id); }

  // A session ended (any reason): its credential is forgotten and, with policy "rotate", the
  // PIN changes.
  void session_ended(const std::string& session_id);

  // A locked room refuses joins and new WHIP sessions (423); running sessions go on.
  void set_locked(bool locked);
  bool locked() const { return locked_; }
  // Policy "rotate": a new PIN now (false with another policy).
  bool rotate_pin(std::string_view why);
  const PinKeeper& pin() const { return pin_; }
  std::vector<PresenterRecord> presenters() const;

private:
  LoopAffinity loop_;  // checks "Thread: event loop" in debug builds
  std::optional<AccessDenied> check_pin(std::string_view presented, const std::string& source, Source kind);
  void note_room_filled();

  struct Pending {
    std::string credential;            // the bearer the POST presented ("" with policy "off")
    std::optional<IssuedToken> token;  // given back if no session comes of it
    std::string name;
    std::string address;
  };
  struct Running {
    std::string credential;
    std::string name;
    std::string address;
  };

  const Clock& clock_;
  PinKeeper pin_;
  FailureTracker failures_;
  SessionTokens tokens_;
  bool locked_ = false;
  int failures_since_rotation_ = 0;
  std::uint64_t next_ticket_ = 1;
  std::map<std::uint64_t, Pending> pending_;
  // Each running session and the bearer that created it: PATCH and DELETE must present the
  // same one (the session token, or the PIN as it was, even after it rotated).
  std::map<std::string, Running> sessions_;
  metrics::Counter* failure_counter_ = nullptr;
  metrics::Counter* lockout_counter_ = nullptr;
  metrics::Counter* room_saturated_counter_ = nullptr;
  // The room-wide limit's log line: at most one a minute, with what happened meanwhile.
  std::optional<Clock::TimePoint> room_logged_;
  int room_fills_unlogged_ = 0;
};

}  // namespace presentd::access

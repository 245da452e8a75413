// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/jingle/jingle_session_handler.hpp"

#include "presentd/common/display_name.hpp"
#include "presentd/common/log.hpp"
#include "presentd/sdp/text.hpp"
#include "signaling/jingle/jingle_namespaces.hpp"
#include "signaling/jingle/jingle_refusal.hpp"
#include "signaling/jingle/jingle_stanzas.hpp"
#include "signaling/jingle/jingle_to_sdp.hpp"
#include "signaling/jingle/sdp_to_jingle.hpp"

namespace presentd::signaling::jingle {
namespace {
constexpr std::string_view kTag = "jingle";
constexpr std::size_t kMaxEarlyFragments = 64;
constexpr std::size_t kMaxRemoteSessions = 16;  // admission caps real sessions; this caps pending ones
constexpr std::string_view kNotAllowed = "this address may not present in this room";
// A JID's localpart may hold bidi overrides and controls (the XMPP server's checks vary): logs
// get it through the display-name sanitiser, cut to a readable length.
constexpr std::size_t kMaxJidShown = 128;

std::string shown_jid(const std::string& peer) { return sanitize_display_name(bare_jid(peer), kMaxJidShown); }

}  // namespace

JingleSessionHandler::JingleSessionHandler(session::SessionPort& sessions, Send send, PinCheck pin_check,
                                           JidFilter filter)
    : core_(sessions), send_(std::move(send)), pin_check_(std::move(pin_check)), filter_(std::move(filter)) {}

JingleSessionHandler::~JingleSessionHandler() { liveness_.end(); }

void JingleSessionHandler::send(const xml::Element& stanza) { send_(stanza); }

std::string JingleSessionHandler::next_id() { return "pd-jingle-" + std::to_string(++next_id_); }

bool JingleSessionHandler::handle_iq(const xml::Element& iq) {
  loop_.check("JingleSessionHandler::handle_iq");
  const auto type = iq.attribute_or("type");
  if (type == "result" || type == "error") {
    if (!pending_accepts_.contains(iq.attribute_or("id"))) return false;
    on_reply(iq);
    return true;
  }
  const auto* jingle = iq.child("jingle", ns::kJingle);
  if (type != "set" || !jingle) return false;
  if (!iq.attribute("from") || !jingle->attribute("sid") || !jingle->attribute("action")) {
    send(iq_error(iq, "modify", "bad-request", {}, "from, sid and action are required"));
    return true;
  }
  const auto action = jingle->attribute_or("action");
  if (action == "session-initiate") {
    on_initiate(iq, *jingle);
  } else if (action == "transport-info") {
    on_transport_info(iq, *jingle);
  } else if (action == "session-terminate") {
    on_terminate(iq, *jingle);
  } else if (!sessions_.contains({iq.attribute_or("from"), jingle->attribute_or("sid")})) {
    send(iq_error(iq, "cancel", "item-not-found", "unknown-session"));
  } else if (action == "session-info") {
    send(iq_result(iq));  // ringing, mute, active: nothing for a receiver to do (XEP-0167 §7)
  } else {
    // content-add, transport-replace, …: one fixed set of contents per presentation.
    send(iq_error(iq, "cancel", "feature-not-implemented", "unsupported-info"));
  }
  return true;
}

void JingleSessionHandler::on_initiate(const xml::Element& iq, const xml::Element& jingle) {
  const auto peer = iq.attribute_or("from");
  const Key key{peer, jingle.attribute_or("sid")};
  if (!filter_.allows(peer)) {
    // Acknowledged, then ended with a Jingle reason (XEP-0166 §6.3): the caller's client shows
    // "declined" rather than a bare stanza error. The same as a JMI <reject/>.
    PD_LOG(notice, kTag) << "refused a session from " << shown_jid(peer)
                         << ": not allowed by cloud.allowed_jids / cloud.blocked_jids";
    send(iq_result(iq));
    send_terminate(peer, key.second, "decline", kNotAllowed);
    return;
  }
  if (sessions_.contains(key)) {
    send(iq_error(iq, "cancel", "conflict", "out-of-order", "session already exists"));
    return;
  }
  if (sessions_.size() >= kMaxRemoteSessions) {
    send(iq_error(iq, "wait", "resource-constraint"));
    return;
  }
  // XEP-0166 §6.3: acknowledge first, then accept or terminate.
  send(iq_result(iq));
  RemoteSession session{peer, key.second, iq.attribute_or("to"), {}, {}};
  sessions_.emplace(key, std::move(session));

  std::optional<std::string> pin;
  if (const auto* element = jingle.child("pin", ns::kPin)) pin = std::string(sdp::text::trim(element->text));
  switch (pin_check_ ? pin_check_(pin, bare_jid(peer)) : PinVerdict::accepted) {
    case PinVerdict::accepted: break;
    case PinVerdict::missing: return terminate(key, "security-error", "this room needs its PIN");
    case PinVerdict::wrong: return terminate(key, "security-error", "wrong PIN");
    case PinVerdict::locked_out: return terminate(key, "security-error", "too many wrong PINs, try again later");
    case PinVerdict::room_locked: return terminate(key, "decline", "the room is locked");
  }
  auto offer = jingle_to_sdp(jingle, {Party::initiator});
  if (!offer) {
    PD_LOG(notice, kTag) << "bad session-initiate from " << shown_jid(peer) << ": " << offer.error().message;
    return terminate(
        key,
        offer.error().code == sdp::ErrorCode::unsupported_offer ? "unsupported-applications" : "failed-application",
        offer.error().message);
  }
  PD_LOG(info, kTag) << "session-initiate from " << shown_jid(peer);
  // The presenter's name comes from the remote page once it sends one; until then the core's
  // default. The bare JID is the source: one account may open any number of resources.
  const session::Requester requester{bare_jid(peer), "xmpp:" + peer, {}, true};
  core_.create_session(requester, offer.value(), [this, key, alive = liveness_.token()](session::CreateResult result) {
    if (alive) on_answer(key, std::move(result));
  });
}

void JingleSessionHandler::on_answer(const Key& key, session::CreateResult result) {
  const auto it = sessions_.find(key);
  if (const auto* refused = std::get_if<session::Refusal>(&result)) {
    if (it != sessions_.end()) terminate(key, jingle_reason_for(*refused), refused->message);
    return;
  }
  auto& answer = std::get<session::AcceptedSession>(result);
  if (it == sessions_.end()) {
    core_.stop_session(answer.session_id);  // the presenter hung up while we were answering
    return;
  }
  auto& session = it->second;
  session.session_id = answer.session_id;
  if (on_started_) on_started_(session.session_id, bare_jid(session.peer));
  const JingleHeader header{"session-accept", session.sid, session.peer, session.own_jid};
  const auto id = next_id();
  pending_accepts_[id] = key;
  send(iq_set(session.peer, id, sdp_to_jingle(answer.answer, header, Party::responder)));
  for (const auto& fragment : session.early_fragments) core_.patch_session(session.session_id, fragment);
  session.early_fragments.clear();
}

void JingleSessionHandler::on_transport_info(const xml::Element& iq, const xml::Element& jingle) {
  const auto it = sessions_.find({iq.attribute_or("from"), jingle.attribute_or("sid")});
  if (it == sessions_.end()) return send(iq_error(iq, "cancel", "item-not-found", "unknown-session"));
  auto fragment = transport_info_to_fragment(jingle);
  if (!fragment) return send(iq_error(iq, "modify", "bad-request", {}, fragment.error().message));
  auto& session = it->second;
  if (session.session_id.empty()) {
    if (session.early_fragments.size() >= kMaxEarlyFragments) return send(iq_error(iq, "wait", "resource-constraint"));
    session.early_fragments.push_back(std::move(fragment).value());
    return send(iq_result(iq));
  }
  const auto patched = core_.patch_session(session.session_id, fragment.value());
  if (const auto* refused = std::get_if<session::Refusal>(&patched)) {
    return send(iq_error(iq, "modify", "not-acceptable", {}, refused->message));
  }
  send(iq_result(iq));
}

void JingleSessionHandler::on_terminate(const xml::Element& iq, const xml::Element& jingle) {
  const auto it = sessions_.find({iq.attribute_or("from"), jingle.attribute_or("sid")});
  if (it == sessions_.end()) return send(iq_error(iq, "cancel", "item-not-found", "unknown-session"));
  const auto session_id = it->second.session_id;
  PD_LOG(info, kTag) << "session-terminate from " << shown_jid(it->second.peer);
  sessions_.erase(it);
  send(iq_result(iq));
  if (!session_id.empty()) core_.stop_session(session_id);
}

void JingleSessionHandler::on_reply(const xml::Element& iq) {
  const auto key = pending_accepts_.at(iq.attribute_or("id"));
  pending_accepts_.erase(iq.attribute_or("id"));
  if (iq.attribute_or("type") != "error") return;
  // The presenter refused our session-accept: the session cannot start.
  const auto it = sessions_.find(key);
  if (it == sessions_.end()) return;
  PD_LOG(notice, kTag) << shown_jid(it->second.peer) << " refused the session-accept";
  const auto session_id = it->second.session_id;
  sessions_.erase(it);
  if (!session_id.empty()) core_.stop_session(session_id);
}

void JingleSessionHandler::send_terminate(const std::string& peer, const std::string& sid, std::string_view condition,
                                          std::string_view text) {
  xml::Element jingle = make_jingle({"session-terminate", sid, {}, {}});
  jingle.add(jingle_reason(condition, text));
  send(iq_set(peer, next_id(), std::move(jingle)));
}

void JingleSessionHandler::terminate(const Key& key, std::string_view condition, std::string_view text) {
  const auto it = sessions_.find(key);
  if (it == sessions_.end()) return;
  send_terminate(it->second.peer, it->second.sid, condition, text);
  sessions_.erase(it);
}

void JingleSessionHandler::session_ended(const std::string& session_id, std::string_view condition,
                                         std::string_view text) {
  loop_.check("JingleSessionHandler::session_ended");
  if (session_id.empty()) return;  // sessions still being answered have no id yet
  for (const auto& [key, session] : sessions_) {
    if (session.session_id == session_id) {
      PD_LOG(info, kTag) << "telling " << shown_jid(session.peer) << " the session ended (" << condition << ")";
      return terminate(key, condition, text);
    }
  }
}

void JingleSessionHandler::session_live(const std::string& session_id) {
  loop_.check("JingleSessionHandler::session_live");
  if (session_id.empty()) return;
  for (const auto& [key, session] : sessions_) {
    if (session.session_id != session_id) continue;
    xml::Element jingle = make_jingle({"session-info", session.sid, {}, {}});
    jingle.add("active", std::string(ns::kRtpInfo));
    return send(iq_set(session.peer, next_id(), std::move(jingle)));
  }
}

void JingleSessionHandler::terminate_all(std::string_view condition, std::string_view text) {
  loop_.check("JingleSessionHandler::terminate_all");
  std::vector<std::pair<Key, std::string>> ended;
  for (const auto& [key, session] : sessions_) ended.emplace_back(key, session.session_id);
  for (const auto& [key, session_id] : ended) {
    terminate(key, condition, text);
    if (!session_id.empty()) core_.stop_session(session_id);
  }
}

bool JingleSessionHandler::handle_message(const xml::Element& message) {
  loop_.check("JingleSessionHandler::handle_message");
  const xml::Element* payload = nullptr;
  for (const auto& child : message.children) {
    if (child.ns == ns::kJingleMessage) payload = &child;
  }
  if (!payload) return false;
  const auto peer = message.attribute_or("from");
  const auto id = payload->attribute_or("id");
  if (peer.empty() || id.empty()) return true;  // nothing to answer to
  if (payload->name != "propose") return true;  // retract, finish, accept from our other devices: nothing to do
  // XEP-0353 §3: proceed to the proposing resource; it then sends session-initiate with sid = id.
  const auto* description = payload->child("description", ns::kRtp);
  if (!filter_.allows(peer)) {
    PD_LOG(notice, kTag) << "declined a call from " << shown_jid(peer)
                         << ": not allowed by cloud.allowed_jids / cloud.blocked_jids";
    const auto reason = jingle_reason("decline", kNotAllowed);
    send(jingle_message(peer, "reject", id, &reason));
  } else if (!description) {
    const auto reason = jingle_reason("unsupported-applications", "only audio/video sessions can present");
    send(jingle_message(peer, "reject", id, &reason));
  } else {
    PD_LOG(info, kTag) << "call proposed by " << shown_jid(peer) << ": proceeding";
    send(jingle_message(peer, "proceed", id));
  }
  return true;
}

}  // namespace presentd::signaling::jingle

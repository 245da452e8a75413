// SPDX-License-Identifier: Apache-2.0
#pragma once
// Remote presenters over XMPP: Jingle sessions (XEP-0166/0167/0176/0320) and Jingle Message
// Initiation (XEP-0353) on top of the same session core as WHIP (session::SessionPort), so a
// remote session passes the same admission (max presenters, what happens when full) as a local
// one. The offer goes to the core as the SDP model jingle_to_sdp makes, never as text; a refusal
// comes back as an XEP-0166 reason (jingle_refusal.hpp).
//
//   presenter                       box (this handler)                 session::SessionPort
//   <message><propose id=S/>  ───▶  allowed JID? ──▶ <proceed id=S/> (or <reject><decline/>)
//   <iq set><jingle session-initiate sid=S><pin/>…  ──▶  <iq result/>
//                                   allowed JID? (else terminate <decline/>)
//                                   PIN ──▶ Jingle→SDP offer ──▶ create_session(offer)
//   <iq set><jingle session-accept> ◀── SDP answer→Jingle  ◀────────── answer
//   <iq set><jingle transport-info> ──▶ <iq result/>, fragment ──────▶ patch_session
//   <iq set><jingle session-info><active/> ◀── session_live() (on the screen, after any approval)
//   <iq set><jingle session-terminate> ──▶ <iq result/> ─────────────▶ stop_session
//   <iq set><jingle session-terminate> ◀── session_ended() (replaced, ICE failed, Esc on the box)
//
// The PIN travels as <pin xmlns='urn:presentd:pin:0'>…</pin> inside <jingle/> of the
// session-initiate (docs/protocol.md); it is checked by a hook (the same authorizer as WHIP) and
// never logged. Stanzas come and go as the box's one element tree (xml/element.hpp): incoming ones
// straight from the XMPP client's parser, outgoing ones through `send`, so this class does not
// depend on the XMPP client.
//
// Thread: event loop (the core's done callbacks must arrive there too).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "presentd/common/liveness.hpp"
#include "presentd/common/loop_affinity.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/session/session_port.hpp"
#include "presentd/signaling/jingle/jid_filter.hpp"
#include "presentd/xml/element_parser.hpp"

namespace presentd::signaling::jingle {

enum class PinVerdict { accepted, missing, wrong, locked_out, room_locked };

// nullopt pin: the session-initiate carried none. The checker rate-limits and compares in
// constant time; the handler only maps the verdict onto a Jingle reason.
using PinCheck = std::function<PinVerdict(const std::optional<std::string>& pin, const std::string& bare_jid)>;

class JingleSessionHandler {
public:
  using Send = std::function<void(const xml::Element& stanza)>;

  JingleSessionHandler(session::SessionPort& sessions, Send send, PinCheck pin_check, JidFilter filter = {});
  ~JingleSessionHandler();
  JingleSessionHandler(const JingleSessionHandler&) = delete;
  JingleSessionHandler& operator=(const JingleSessionHandler&) = delete;

  // An <iq/> addressed to the box. true: it was Jingle (or a reply to one of ours) and has been
  // answered; false: not ours, the caller answers it (e.g. service-unavailable).
  bool handle_iq(const xml::Element& iq);
  // A <message/>: true when it carried XEP-0353 Jingle Message Initiation.
  bool handle_message(const xml::Element& message);

  // The core ended a session on its own (replaced, ICE failed, removed, stopped on the box):
  // tell the presenter with this XEP-0166 reason `condition` and `text` (the caller maps its
  // end reason, app/jingle_end_reason.hpp). Sessions the presenter ended are already
  // forgotten, so this is a no-op for them.
  void session_ended(const std::string& session_id, std::string_view condition, std::string_view text);
  // The core put a session on the screen (admitted, approved if the room asks for approval, media
  // flowing): the presenter gets session-info <active/> (XEP-0167 §7.2), so its page can tell
  // "presenting" from "waiting for approval". Sent again after a reconnection; no-op for others.
  void session_live(const std::string& session_id);
  // Every remote session gets a session-terminate and its session in the core ends (the cloud is
  // switched off, the daemon stops).
  void terminate_all(std::string_view condition, std::string_view text);

  void set_filter(JidFilter filter) { filter_ = std::move(filter); }
  // Told when the core created a remote session (its id, the presenter's bare JID).
  void set_on_started(std::function<void(const std::string& session_id, const std::string& bare_jid)> hook) {
    on_started_ = std::move(hook);
  }
  std::size_t session_count() const { return sessions_.size(); }

private:
  LoopAffinity loop_;  // checks "Thread: event loop" in debug builds
  struct RemoteSession {
    std::string peer;  // full JID of the presenter
    std::string sid;
    std::string own_jid;                            // the address the presenter wrote to (our full JID)
    std::string session_id;                         // the core's id; empty while the offer is being answered
    std::vector<sdp::SdpFragment> early_fragments;  // transport-info before the answer existed
  };
  using Key = std::pair<std::string, std::string>;  // (peer, sid)

  void on_initiate(const xml::Element& iq, const xml::Element& jingle);
  void on_transport_info(const xml::Element& iq, const xml::Element& jingle);
  void on_terminate(const xml::Element& iq, const xml::Element& jingle);
  void on_answer(const Key& key, session::CreateResult result);
  void on_reply(const xml::Element& iq);
  void terminate(const Key& key, std::string_view condition, std::string_view text);
  void send_terminate(const std::string& peer, const std::string& sid, std::string_view condition,
                      std::string_view text);
  void send(const xml::Element& stanza);
  std::string next_id();

  session::SessionPort& core_;
  Send send_;
  PinCheck pin_check_;
  JidFilter filter_;
  std::function<void(const std::string&, const std::string&)> on_started_;
  std::map<Key, RemoteSession> sessions_;
  std::map<std::string, Key> pending_accepts_;  // our session-accept IQ id → session
  std::uint64_t next_id_ = 0;
  Liveness liveness_;  // tokens in deferred handlers: liveness.hpp
};

}  // namespace presentd::signaling::jingle

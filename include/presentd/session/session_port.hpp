// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one door into the session core, whatever the signaling: the WHIP endpoint
// (app/whip_session_adapter) and the cloud's Jingle sessions (signaling/jingle) both come in
// here with a parsed offer and who is asking, and get an answer or a typed refusal back. Each
// adapter maps a refusal onto its own protocol (an HTTP status, an XEP-0166 reason); the core
// knows neither.
//
//   WHIP POST ── parse SDP ──┐                                 ┌── 201 + write_sdp(answer)
//                            ├─▶ create_session(requester, offer) ─┤
//   Jingle initiate ─ jingle_to_sdp ┘                             └── session-accept (sdp_to_jingle)
//
// Thread: event loop.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "presentd/sdp/sdp_error.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/sdp/session_description.hpp"

namespace presentd::session {

// Who asks for a presentation. The adapter has already checked their credentials (PIN, session
// token, allowed JIDs); the core applies admission to them.
struct Requester {
  // What per-source limits count them under: the sender's address key (an IPv6 /64,
  // net/address_key.hpp), or a remote presenter's bare JID.
  std::string source;
  // How logs and the admin's status name them: "192.0.2.7", "xmpp:alice@example.net/phone".
  std::string shown_as;
  // The presenter's name as they gave it (sanitised by the core before anything shows it).
  std::string name;
  // From the cloud (Jingle) rather than the room's own network.
  bool remote = false;
};

// Why the core will not (or can no longer) do what was asked.
struct Refusal {
  enum class Kind {
    bad_offer,            // build_answer refused the offer: `sdp_code` says why
    room_full,            // every place is taken and the room refuses newcomers
    waiting_list_full,    // too many newcomers wait (for approval or a place) room-wide
    source_waiting_full,  // this source already holds its share: kMaxWaitingPerSource newcomers waiting, or
                          // max_viewers_per_source() viewers
    unavailable,          // the box cannot serve it right now (no usable network, ended early)
    internal,             // a layer threw while setting the session up (a defect: logged, counted)
    no_such_session,      // patch or stop for a session that does not exist (any more)
    bad_fragment,         // a trickle/restart fragment the session cannot use: `sdp_code` says why
    too_many_candidates,  // more trickled candidates than one session takes
  };
  Refusal() = default;
  Refusal(Kind why, std::string text, sdp::ErrorCode code = sdp::ErrorCode::unsupported_offer,
          std::optional<std::chrono::seconds> retry = std::nullopt)
      : kind(why), message(std::move(text)), sdp_code(code), retry_after(retry) {}

  Kind kind = Kind::internal;
  std::string message;  // one readable sentence, never a secret
  sdp::ErrorCode sdp_code = sdp::ErrorCode::unsupported_offer;
  std::optional<std::chrono::seconds> retry_after;  // when asking again later may work
};

struct AcceptedSession {
  std::string session_id;  // 128-bit random, hex
  sdp::SessionDescription answer;
};

// A fragment applied: a trickle (nothing to send back), or an ICE restart whose answer is our
// RFC 8840 fragment with the new credentials and candidates.
struct AppliedFragment {
  std::optional<std::string> restart_answer;
};

using CreateResult = std::variant<AcceptedSession, Refusal>;
using PatchResult = std::variant<AppliedFragment, Refusal>;

class SessionPort {
public:
  virtual ~SessionPort() = default;
  // Calls `done` exactly once, soon (after ICE gathering at most): senders such as OBS give up
  // after 8 s. The session may already be running (on hold while it waits) when `done` runs.
  virtual void create_session(const Requester& requester, const sdp::SessionDescription& offer,
                              std::function<void(CreateResult)> done) = 0;
  // Trickled candidates, or new sender credentials (an ICE restart, RFC 8839 §4.4.1.1.1).
  virtual PatchResult patch_session(const std::string& session_id, const sdp::SdpFragment& fragment) = 0;
  // The presenter stopped; false when there is no such session.
  virtual bool stop_session(const std::string& session_id) = 0;
  // The session exists and has not ended.
  virtual bool has_session(const std::string& session_id) const = 0;
};

}  // namespace presentd::session

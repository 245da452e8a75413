// SPDX-License-Identifier: Apache-2.0
#pragma once
// WHIP's side of the session core: turns the WHIP endpoint's requests (SDP text, the HTTP
// client's address) into SessionPort calls, and the core's refusals into HTTP statuses
// (RFC 9725 §4.2 leaves the choice to HTTP: docs/protocol.md lists them). It also owns what only
// WHIP has: each session's ETag (RFC 9725 §4.3.1), new after every ICE restart, and the rule
// that only sessions created over WHIP can be patched or deleted over WHIP (a Jingle session's
// ID would otherwise be reachable with no credential at all: the XMPP peer holds none).
//
// Thread: event loop.
#include <map>
#include <memory>
#include <string>

#include "presentd/common/liveness.hpp"
#include "presentd/common/loop_affinity.hpp"
#include "presentd/session/session_port.hpp"
#include "presentd/signaling/local/whip_endpoint.hpp"

namespace presentd::session {
class SessionMetrics;
}

namespace presentd::app {

// The HTTP answer to a refusal of the session core.
signaling::WhipFailure to_whip_failure(const session::Refusal& refusal);

class WhipSessionAdapter : public signaling::WhipSessionHost {
public:
  // `metrics` (may be null) counts offers refused before a session existed; both must outlive
  // the adapter.
  WhipSessionAdapter(session::SessionPort& sessions, session::SessionMetrics* metrics);
  ~WhipSessionAdapter() override;
  WhipSessionAdapter(const WhipSessionAdapter&) = delete;
  WhipSessionAdapter& operator=(const WhipSessionAdapter&) = delete;

  void create_session(std::string offer, const signaling::RequestContext& context,
                      std::function<void(signaling::WhipCreateResult)> done) override;
  std::optional<std::string> session_etag(const std::string& session_id) const override;
  signaling::WhipPatchResult patch_session(const std::string& session_id, const std::string& sdpfrag) override;
  bool delete_session(const std::string& session_id) override;

private:
  LoopAffinity loop_;  // checks "Thread: event loop" in debug builds
  // Forgets the ETags of sessions that ended (the core ends sessions on its own).
  void forget_ended();

  session::SessionPort& sessions_;
  session::SessionMetrics* metrics_;
  std::map<std::string, std::string> etags_;  // session id → current ETag, WHIP sessions only
  Liveness liveness_;                         // tokens in deferred handlers: liveness.hpp
};

}  // namespace presentd::app

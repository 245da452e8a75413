// SPDX-License-Identifier: Apache-2.0
#pragma once
// The WHIP endpoint (RFC 9725) on the HTTPS server: POST an SDP offer to create a session,
// PATCH trickle candidates or an ICE restart (RFC 8840 sdpfrag), DELETE to end it, OPTIONS for
// CORS, HEAD for what it accepts. WHEP (draft-ietf-wish-whep) is its egress twin with the same
// HTTP rules: the viewers' endpoint is another instance at /whep with its own host and authorizer. This class owns the
// HTTP rules (content types, ETags, rate limits, status codes); the WhipAuthorizer decides who may publish and the
// WhipSessionHost owns the sessions themselves.
//
// Thread: event loop.
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/signaling/local/http_router.hpp"
#include "presentd/signaling/local/rate_limiter.hpp"
#include "presentd/signaling/local/whip_authorizer.hpp"

namespace presentd::signaling {

struct WhipAnswer {
  std::string session_id;  // 128-bit random, hex: the Location is unguessable
  std::string sdp;
  std::string etag;
};

struct WhipPatchOutcome {
  bool ice_restart = false;  // false: trickle applied (204); true: 200 with sdpfrag and new ETag
  std::string sdpfrag;
  std::string etag;
};

using WhipCreateResult = std::variant<WhipAnswer, WhipFailure>;
using WhipPatchResult = std::variant<WhipPatchOutcome, WhipFailure>;

class WhipSessionHost {
public:
  virtual ~WhipSessionHost() = default;
  // Calls `done` exactly once, soon (senders such as OBS give up after 8 s).
  virtual void create_session(std::string offer, const RequestContext& context,
                              std::function<void(WhipCreateResult)> done) = 0;
  // nullopt: no such session created over WHIP (the endpoint then answers 404 to PATCH and
  // DELETE: sessions of other adapters, e.g. Jingle, are never reachable through WHIP).
  virtual std::optional<std::string> session_etag(const std::string& session_id) const = 0;
  virtual WhipPatchResult patch_session(const std::string& session_id, const std::string& sdpfrag) = 0;
  virtual bool delete_session(const std::string& session_id) = 0;
};

struct WhipEndpointOptions {
  std::string path = "/whip";
  // What a 404 says is missing ("no such WHIP session", "no such viewer").
  std::string not_found = "no such WHIP session";
  // Complete Link header values for STUN/TURN servers (RFC 9725 §4.6), e.g.
  // <stun:stun.example.net>; rel="ice-server". These go on an authorized 201 only: they may
  // carry TURN usernames and passwords.
  std::vector<std::string> ice_server_links;
  // The same servers without credentials, for OPTIONS: anyone may send OPTIONS (CORS
  // pre-flights carry no Authorization), so it must never hand out a TURN password.
  std::vector<std::string> public_ice_server_links;
  // Decides who may create, patch and delete sessions; null: anyone may (tests of the HTTP
  // rules alone). Must outlive the endpoint.
  WhipAuthorizer* authorizer = nullptr;
  double rate_limit_burst = 10;
  double rate_limit_per_second = 1;
};

class WhipEndpoint {
public:
  WhipEndpoint(const Clock& clock, WhipSessionHost& host, WhipEndpointOptions options);
  void register_routes(HttpRouter& router);
  // Reload or new TURN credentials: later responses carry these Link values (`links` on an
  // authorized 201, `public_links`, which must hold no credential, on OPTIONS).
  void set_ice_server_links(std::vector<std::string> links, std::vector<std::string> public_links) {
    options_.ice_server_links = std::move(links);
    options_.public_ice_server_links = std::move(public_links);
  }

private:
  void on_post(const Request& request, const RequestContext& context, const Responder& respond);
  void on_patch(const Request& request, const RequestContext& context, const Responder& respond);
  void on_delete(const Request& request, const RequestContext& context, const Responder& respond);
  void on_options(const Request& request, const RequestContext& context, const Responder& respond);
  void on_head(const Request& request, const RequestContext& context, const Responder& respond);
  // What OPTIONS and HEAD both say: the media types taken, and the ICE servers without credentials.
  void add_accepted(Response& response) const;

  // nullopt when the request may go on; otherwise the response that ends it.
  std::optional<Response> check_rate(const Request& request, const RequestContext& context);
  std::optional<Response> check_session_access(const Request& request, const RequestContext& context,
                                               const std::string& session_id);
  std::optional<std::string> session_id_of(const Request& request) const;
  Response failure(const Request& request, const WhipFailure& failure) const;
  void add_cors(Response& response) const;

  WhipSessionHost& host_;
  WhipEndpointOptions options_;
  RateLimiter limiter_;
};

}  // namespace presentd::signaling

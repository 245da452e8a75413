// SPDX-License-Identifier: Apache-2.0
#include "app/whip_session_adapter.hpp"

#include "presentd/common/log.hpp"
#include "presentd/common/random.hpp"
#include "presentd/net/address_key.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/sdp/sdp_writer.hpp"
#include "presentd/session/session_metrics.hpp"

namespace presentd::app {
namespace {
constexpr std::string_view kTag = "whip";
namespace http = signaling::http;
using Kind = session::Refusal::Kind;

constexpr std::string_view kNoSuchSession = "no such WHIP session";

std::string new_etag() { return random_hex(8); }
}  // namespace

signaling::WhipFailure to_whip_failure(const session::Refusal& refusal) {
  const int retry_after = refusal.retry_after ? static_cast<int>(refusal.retry_after->count()) : 0;
  switch (refusal.kind) {
    // The SDP module's mapping: 400 malformed, 406 no common codec, 422 unsupported transport.
    case Kind::bad_offer:
    case Kind::bad_fragment: return {static_cast<http::status>(sdp::http_status(refusal.sdp_code)), refusal.message};
    case Kind::room_full:
    case Kind::waiting_list_full:
    case Kind::unavailable: return {http::status::service_unavailable, refusal.message, retry_after};
    // Per source: this sender, not the room, must slow down.
    case Kind::source_waiting_full: return {http::status::too_many_requests, refusal.message, retry_after};
    case Kind::no_such_session: return {http::status::not_found, std::string(kNoSuchSession)};
    case Kind::too_many_candidates: return {http::status::unprocessable_entity, refusal.message};
    case Kind::internal: return {http::status::internal_server_error, refusal.message};
  }
  return {http::status::internal_server_error, refusal.message};
}

WhipSessionAdapter::WhipSessionAdapter(session::SessionPort& sessions, session::SessionMetrics* metrics)
    : sessions_(sessions), metrics_(metrics) {}

WhipSessionAdapter::~WhipSessionAdapter() { liveness_.end(); }

void WhipSessionAdapter::create_session(std::string offer_text, const signaling::RequestContext& context,
                                        std::function<void(signaling::WhipCreateResult)> done) {
  loop_.check("WhipSessionAdapter::create_session");
  const auto shown_as = context.remote.address().to_string();
  auto offer = sdp::parse_sdp(offer_text);
  if (!offer) {
    PD_LOG(notice, kTag) << "rejected an offer from " << shown_as << ": " << offer.error().message;
    if (metrics_ != nullptr) metrics_->on_offer_rejected("bad_offer");
    return done(signaling::WhipFailure{static_cast<http::status>(sdp::http_status(offer.error().code)),
                                       "bad SDP offer: " + offer.error().message});
  }
  forget_ended();
  const session::Requester requester{net::address_key(context.remote.address()), shown_as, context.presenter_name,
                                     false};
  sessions_.create_session(requester, *offer,
                           [this, done = std::move(done), alive = liveness_.token()](session::CreateResult result) {
                             // Gone at shutdown: so is the WHIP endpoint `done` answers through
                             // (the daemon destroys them together), as the core stops its own.
                             if (!alive) return;
                             if (const auto* refused = std::get_if<session::Refusal>(&result)) {
                               return done(to_whip_failure(*refused));
                             }
                             auto& accepted = std::get<session::AcceptedSession>(result);
                             auto etag = new_etag();
                             etags_[accepted.session_id] = etag;
                             done(signaling::WhipAnswer{accepted.session_id, sdp::write_sdp(accepted.answer), etag});
                           });
}

std::optional<std::string> WhipSessionAdapter::session_etag(const std::string& session_id) const {
  const auto it = etags_.find(session_id);
  if (it == etags_.end() || !sessions_.has_session(session_id)) return std::nullopt;
  return it->second;
}

signaling::WhipPatchResult WhipSessionAdapter::patch_session(const std::string& session_id,
                                                             const std::string& sdpfrag) {
  loop_.check("WhipSessionAdapter::patch_session");
  const auto etag = etags_.find(session_id);
  if (etag == etags_.end()) return signaling::WhipFailure{http::status::not_found, std::string(kNoSuchSession)};
  auto fragment = sdp::parse_sdp_fragment(sdpfrag);
  if (!fragment) return signaling::WhipFailure{http::status::bad_request, "bad sdpfrag: " + fragment.error().message};
  auto result = sessions_.patch_session(session_id, *fragment);
  if (const auto* refused = std::get_if<session::Refusal>(&result)) return to_whip_failure(*refused);
  auto& applied = std::get<session::AppliedFragment>(result);
  if (!applied.restart_answer) return signaling::WhipPatchOutcome{};
  // RFC 9725 §4.3.2: a new ETag names the new ICE session; trickles must match it from now on.
  etag->second = new_etag();
  return signaling::WhipPatchOutcome{true, std::move(*applied.restart_answer), etag->second};
}

bool WhipSessionAdapter::delete_session(const std::string& session_id) {
  loop_.check("WhipSessionAdapter::delete_session");
  if (etags_.erase(session_id) == 0) return false;
  return sessions_.stop_session(session_id);
}

void WhipSessionAdapter::forget_ended() {
  std::erase_if(etags_, [this](const auto& item) { return !sessions_.has_session(item.first); });
}

}  // namespace presentd::app

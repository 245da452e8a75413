// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/local/whip_endpoint.hpp"

#include "presentd/common/log.hpp"
#include "presentd/net/address_key.hpp"
#include "presentd/signaling/local/bearer_token.hpp"

namespace presentd::signaling {
namespace {
constexpr std::string_view kTag = "whip";
constexpr std::string_view kSdp = "application/sdp";
constexpr std::string_view kSdpFrag = "application/trickle-ice-sdpfrag";

// One rate-limit budget per source: an IPv6 host has a whole /64 of addresses to pick from.
std::string client_of(const RequestContext& context) { return net::address_key(context.remote.address()); }

std::string quoted(const std::string& etag) { return "\"" + etag + "\""; }
}  // namespace

WhipEndpoint::WhipEndpoint(const Clock& clock, WhipSessionHost& host, WhipEndpointOptions options)
    : host_(host),
      options_(std::move(options)),
      limiter_(clock, options_.rate_limit_burst, options_.rate_limit_per_second) {}

void WhipEndpoint::register_routes(HttpRouter& router) {
  const auto bind = [this](auto member) {
    return [this, member](const Request& request, const RequestContext& context, Responder respond) {
      (this->*member)(request, context, std::move(respond));
    };
  };
  router.add(http::verb::post, options_.path, bind(&WhipEndpoint::on_post));
  router.add(http::verb::options, options_.path, bind(&WhipEndpoint::on_options));
  // HEAD (which the router answers with the GET route, without the body): what the endpoint
  // takes, for players that probe before they offer.
  router.add(http::verb::get, options_.path, bind(&WhipEndpoint::on_head));
  router.add_prefix(http::verb::patch, options_.path + "/", bind(&WhipEndpoint::on_patch));
  router.add_prefix(http::verb::delete_, options_.path + "/", bind(&WhipEndpoint::on_delete));
  router.add_prefix(http::verb::options, options_.path + "/", bind(&WhipEndpoint::on_options));
}

void WhipEndpoint::add_cors(Response& response) const {
  // Senders authenticate with a bearer token, never cookies, so any origin may call us.
  response.set(http::field::access_control_allow_origin, "*");
  response.set(http::field::access_control_expose_headers, "Location, ETag, Link, Retry-After");
}

Response WhipEndpoint::failure(const Request& request, const WhipFailure& failure) const {
  auto response = make_error(request, failure.status, failure.reason);
  if (failure.retry_after_s > 0) response.set(http::field::retry_after, std::to_string(failure.retry_after_s));
  if (failure.status == http::status::unauthorized) response.set(http::field::www_authenticate, "Bearer");
  add_cors(response);
  return response;
}

std::optional<Response> WhipEndpoint::check_rate(const Request& request, const RequestContext& context) {
  const auto client = client_of(context);
  if (limiter_.allow(client)) return std::nullopt;
  PD_LOG(notice, kTag) << "rate limit reached for " << client;
  return failure(request, {http::status::too_many_requests, "too many requests", limiter_.retry_after_seconds(client)});
}

std::optional<Response> WhipEndpoint::check_session_access(const Request& request, const RequestContext& context,
                                                           const std::string& session_id) {
  if (options_.authorizer == nullptr) return std::nullopt;
  const auto refused =
      options_.authorizer->authorize_session(bearer_token(request[http::field::authorization]), session_id, context);
  if (!refused) return std::nullopt;
  return failure(request, *refused);
}

std::optional<std::string> WhipEndpoint::session_id_of(const Request& request) const {
  const auto path = target_path(request.target());
  const auto prefix = options_.path + "/";
  if (!path.starts_with(prefix)) return std::nullopt;
  std::string id(path.substr(prefix.size()));
  if (id.empty() || id.size() > 64 || id.find('/') != std::string::npos) return std::nullopt;
  return id;
}

void WhipEndpoint::on_options(const Request& request, const RequestContext&, const Responder& respond) {
  auto response = make_response(request, http::status::no_content, "");
  add_cors(response);
  response.set(http::field::access_control_allow_methods, "POST, PATCH, DELETE, OPTIONS");
  response.set(http::field::access_control_allow_headers, "Authorization, Content-Type, If-Match");
  response.set(http::field::access_control_max_age, "86400");
  add_accepted(response);
  respond(std::move(response));
}

void WhipEndpoint::on_head(const Request& request, const RequestContext&, const Responder& respond) {
  if (request.method() != http::verb::head) {
    // The router hands GET to this route too (HEAD is answered by GET routes): GET is no method of
    // the endpoint.
    auto response = make_error(request, http::status::method_not_allowed, "method not allowed");
    response.set(http::field::allow, "POST, OPTIONS, HEAD");
    add_cors(response);
    return respond(std::move(response));
  }
  auto response = make_response(request, http::status::no_content, "");
  add_cors(response);
  add_accepted(response);
  respond(std::move(response));
}

void WhipEndpoint::add_accepted(Response& response) const {
  response.set("Accept-Post", kSdp);
  response.set("Accept-Patch", kSdpFrag);
  for (const auto& link : options_.public_ice_server_links) response.insert(http::field::link, link);
}

void WhipEndpoint::on_post(const Request& request, const RequestContext& context, const Responder& respond) {
  if (auto refused = check_rate(request, context)) return respond(std::move(*refused));
  WhipGrant grant;
  if (options_.authorizer != nullptr) {
    auto decision = options_.authorizer->authorize_create(bearer_token(request[http::field::authorization]), context);
    if (const auto* refused = std::get_if<WhipFailure>(&decision)) return respond(failure(request, *refused));
    grant = std::get<WhipGrant>(std::move(decision));
  }
  const auto finish = [this, grant](const std::optional<std::string>& session_id) {
    if (options_.authorizer != nullptr) options_.authorizer->create_finished(grant, session_id);
  };
  if (!has_media_type(request, kSdp)) {
    finish(std::nullopt);
    return respond(failure(request, {http::status::unsupported_media_type, "the offer must be application/sdp"}));
  }
  if (request.body().empty()) {
    finish(std::nullopt);
    return respond(failure(request, {http::status::bad_request, "empty SDP offer"}));
  }
  auto presenter = context;
  presenter.presenter_name = grant.presenter_name;
  host_.create_session(
      request.body(), presenter,
      [this, finish, version = request.version(), keep_alive = request.keep_alive(), respond](WhipCreateResult result) {
        Request shape;  // only version and keep-alive of the original request are needed
        shape.version(version);
        shape.keep_alive(keep_alive);
        if (const auto* refused = std::get_if<WhipFailure>(&result)) {
          finish(std::nullopt);
          return respond(failure(shape, *refused));
        }
        const auto& answer = std::get<WhipAnswer>(result);
        finish(answer.session_id);
        auto response = make_response(shape, http::status::created, answer.sdp, kSdp);
        response.set(http::field::location, options_.path + "/" + answer.session_id);
        response.set(http::field::etag, quoted(answer.etag));
        for (const auto& link : options_.ice_server_links) response.insert(http::field::link, link);
        add_cors(response);
        respond(std::move(response));
      });
}

void WhipEndpoint::on_patch(const Request& request, const RequestContext& context, const Responder& respond) {
  if (auto refused = check_rate(request, context)) return respond(std::move(*refused));
  const auto id = session_id_of(request);
  const auto etag = id ? host_.session_etag(*id) : std::nullopt;
  if (!etag) return respond(failure(request, {http::status::not_found, options_.not_found}));
  if (auto refused = check_session_access(request, context, *id)) return respond(std::move(*refused));
  if (!has_media_type(request, kSdpFrag)) {
    return respond(
        failure(request, {http::status::unsupported_media_type, "PATCH takes application/trickle-ice-sdpfrag"}));
  }
  // RFC 9725 §4.3.1: the client must name the session version it patches.
  const std::string_view if_match = request[http::field::if_match];
  if (if_match.empty()) return respond(failure(request, {http::status::precondition_required, "If-Match is required"}));
  if (if_match != "*" && if_match != quoted(*etag)) {
    return respond(failure(request, {http::status::precondition_failed, "the ETag does not match the session"}));
  }
  auto result = host_.patch_session(*id, request.body());
  if (const auto* refused = std::get_if<WhipFailure>(&result)) return respond(failure(request, *refused));
  const auto& outcome = std::get<WhipPatchOutcome>(result);
  if (!outcome.ice_restart) {
    auto response = make_response(request, http::status::no_content, "");
    add_cors(response);
    return respond(std::move(response));
  }
  auto response = make_response(request, http::status::ok, outcome.sdpfrag, kSdpFrag);
  response.set(http::field::etag, quoted(outcome.etag));
  add_cors(response);
  respond(std::move(response));
}

void WhipEndpoint::on_delete(const Request& request, const RequestContext& context, const Responder& respond) {
  if (auto refused = check_rate(request, context)) return respond(std::move(*refused));
  const auto id = session_id_of(request);
  // The session ID (128 random bits) is unguessable, so saying that one does not exist before
  // checking the token reveals nothing.
  if (!id || !host_.session_etag(*id)) return respond(failure(request, {http::status::not_found, options_.not_found}));
  if (auto refused = check_session_access(request, context, *id)) return respond(std::move(*refused));
  if (!host_.delete_session(*id)) return respond(failure(request, {http::status::not_found, options_.not_found}));
  auto response = make_response(request, http::status::ok, "");
  add_cors(response);
  respond(std::move(response));
}

}  // namespace presentd::signaling

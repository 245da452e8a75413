// SPDX-License-Identifier: Apache-2.0
#include "presentd/access/admin_endpoint.hpp"

#include "presentd/common/log.hpp"
#include "presentd/config/config_schema.hpp"
#include "presentd/net/address_key.hpp"
#include "presentd/signaling/local/bearer_token.hpp"
#include "presentd/signaling/local/json_response.hpp"

namespace presentd::access {
namespace {
constexpr std::string_view kTag = "admin";
namespace http = signaling::http;
using signaling::make_json_error;
using signaling::make_json_response;

constexpr std::string_view kPresentersPrefix = "/api/v1/admin/presenters/";
constexpr std::string_view kViewersPrefix = "/api/v1/admin/viewers/";

// The ID in "<prefix><id>/remove"; nullopt when the path is not that shape.
std::optional<std::string> id_to_remove(const signaling::Request& request, std::string_view prefix) {
  auto rest = signaling::target_path(request.target()).substr(prefix.size());
  constexpr std::string_view kSuffix = "/remove";
  if (!rest.ends_with(kSuffix) || rest.size() == kSuffix.size() || rest.size() > 64 + kSuffix.size()) {
    return std::nullopt;
  }
  std::string id(rest.substr(0, rest.size() - kSuffix.size()));
  if (id.find('/') != std::string::npos) return std::nullopt;
  return id;
}

std::string_view policy_name(config::PinPolicy policy) {
  for (const auto& [name, value] : config::kPinPolicyNames) {
    if (value == policy) return name;
  }
  return "";
}
}  // namespace

namespace {
// The admin token is long and random (at least 16 characters): guessing it is hopeless at any
// rate a back-off allows, so it needs no room-wide limit, and one would let anyone lock the real
// admin out with a few wrong tokens from a few addresses. Each source backs off on its own.
FailurePolicy admin_failure_policy() {
  FailurePolicy policy;
  policy.room_limit = 0;
  return policy;
}
}  // namespace

AdminEndpoint::AdminEndpoint(const Clock& clock, AccessControl& access, AdminHooks hooks)
    : access_(access), hooks_(std::move(hooks)), failures_(clock, admin_failure_policy()) {}

void AdminEndpoint::configure(std::optional<std::string> token, bool snapshot_enabled) {
  token_ = std::move(token);
  snapshot_enabled_ = snapshot_enabled;
}

void AdminEndpoint::register_routes(signaling::HttpRouter& router) {
  router.add(http::verb::get, "/api/v1/admin/presenters", guarded(&AdminEndpoint::on_list));
  router.add_prefix(http::verb::post, std::string(kPresentersPrefix), guarded(&AdminEndpoint::on_remove));
  router.add(http::verb::get, "/api/v1/admin/viewers", guarded(&AdminEndpoint::on_list_viewers));
  router.add_prefix(http::verb::post, std::string(kViewersPrefix), guarded(&AdminEndpoint::on_remove_viewer));
  router.add(http::verb::post, "/api/v1/admin/lock", guarded(&AdminEndpoint::on_lock));
  router.add(http::verb::post, "/api/v1/admin/unlock", guarded(&AdminEndpoint::on_unlock));
  router.add(http::verb::post, "/api/v1/admin/pin/rotate", guarded(&AdminEndpoint::on_rotate));
  router.add(http::verb::get, "/api/v1/admin/pin", guarded(&AdminEndpoint::on_pin));
  router.add(http::verb::get, "/api/v1/snapshot.png", guarded(&AdminEndpoint::on_snapshot));
  router.add(http::verb::get, "/api/v1/admin/status", guarded(&AdminEndpoint::on_status));
}

signaling::Handler AdminEndpoint::guarded(Handler handler) {
  return [this, handler](const signaling::Request& request, const signaling::RequestContext& context,
                         const signaling::Responder& respond) {
    if (auto refused = refuse_unless_admin(request, context)) return respond(std::move(*refused));
    (this->*handler)(request, respond);
  };
}

std::optional<signaling::Response> AdminEndpoint::refuse_unless_admin(const signaling::Request& request,
                                                                      const signaling::RequestContext& context) {
  if (!token_) {
    return make_json_error(request, http::status::not_found, "admin_api_off",
                           "The admin API is off: no admin token is configured (/admin/token_file).");
  }
  const auto address = net::address_key(context.remote.address());
  if (const auto wait = failures_.wait_for(address); wait > Clock::Duration::zero()) {
    const int seconds = retry_after_seconds(wait);
    auto response = make_json_error(request, http::status::too_many_requests, "locked_out",
                                    "Too many wrong admin tokens. Try again later.", {{"retry_after", seconds}});
    response.set(http::field::retry_after, std::to_string(seconds));
    return response;
  }
  const auto presented = signaling::bearer_token(request[http::field::authorization]);
  if (presented && signaling::tokens_equal(*presented, *token_)) {
    failures_.record_success(address);
    return std::nullopt;
  }
  if (presented) failures_.record_failure(address);  // a missing token is no guess
  PD_LOG(notice, kTag) << "refused " << request.method_string() << " " << signaling::target_path(request.target())
                       << " from " << address << ": " << (presented ? "wrong" : "no") << " admin token";
  auto response = make_json_error(request, http::status::unauthorized, "unauthorized",
                                  "This needs the admin token as \"Authorization: Bearer <token>\".");
  response.set(http::field::www_authenticate, "Bearer");
  return response;
}

void AdminEndpoint::on_list(const signaling::Request& request, const signaling::Responder& respond) {
  auto list = nlohmann::json::array();
  for (const auto& presenter : access_.presenters()) {
    list.push_back({{"session_id", presenter.session_id}, {"name", presenter.name}, {"address", presenter.address}});
  }
  respond(make_json_response(request, http::status::ok, {{"presenters", list}}));
}

void AdminEndpoint::on_remove(const signaling::Request& request, const signaling::Responder& respond) {
  // POST /api/v1/admin/presenters/<session_id>/remove
  const auto id = id_to_remove(request, kPresentersPrefix);
  if (!id) return respond(make_json_error(request, http::status::not_found, "not_found", "No such admin action."));
  if (!hooks_.remove_presenter || !hooks_.remove_presenter(*id)) {
    return respond(make_json_error(request, http::status::not_found, "no_such_session", "No such presenter."));
  }
  PD_LOG(notice, kTag) << "an admin removed presenter session " << *id;
  respond(make_json_response(request, http::status::ok, {{"removed", *id}}));
}

void AdminEndpoint::on_list_viewers(const signaling::Request& request, const signaling::Responder& respond) {
  auto list = hooks_.list_viewers ? hooks_.list_viewers() : nlohmann::json::array();
  respond(make_json_response(request, http::status::ok, {{"viewers", std::move(list)}}));
}

void AdminEndpoint::on_remove_viewer(const signaling::Request& request, const signaling::Responder& respond) {
  // POST /api/v1/admin/viewers/<viewer_id>/remove
  const auto id = id_to_remove(request, kViewersPrefix);
  if (!id) return respond(make_json_error(request, http::status::not_found, "not_found", "No such admin action."));
  if (!hooks_.remove_viewer || !hooks_.remove_viewer(*id)) {
    return respond(make_json_error(request, http::status::not_found, "no_such_viewer", "No such viewer."));
  }
  PD_LOG(notice, kTag) << "an admin removed viewer " << *id;
  respond(make_json_response(request, http::status::ok, {{"removed", *id}}));
}

void AdminEndpoint::on_lock(const signaling::Request& request, const signaling::Responder& respond) {
  access_.set_locked(true);
  respond(make_json_response(request, http::status::ok, {{"locked", true}}));
}

void AdminEndpoint::on_unlock(const signaling::Request& request, const signaling::Responder& respond) {
  access_.set_locked(false);
  respond(make_json_response(request, http::status::ok, {{"locked", false}}));
}

void AdminEndpoint::on_rotate(const signaling::Request& request, const signaling::Responder& respond) {
  if (!access_.rotate_pin("an admin asked")) {
    return respond(
        make_json_error(request, http::status::conflict, "pin_not_rotating", "The PIN policy is not \"rotate\"."));
  }
  // The admin may pass the new PIN on (to a remote presenter, a booking system); it is answered,
  // never logged.
  respond(make_json_response(request, http::status::ok, {{"pin", *access_.pin().current()}}));
}

void AdminEndpoint::on_pin(const signaling::Request& request, const signaling::Responder& respond) {
  const auto& pin = access_.pin().current();
  respond(make_json_response(request, http::status::ok,
                             {{"policy", policy_name(access_.pin().policy())},
                              {"pin", pin ? nlohmann::json(*pin) : nlohmann::json()},
                              {"locked", access_.locked()}}));
}

void AdminEndpoint::on_status(const signaling::Request& request, const signaling::Responder& respond) {
  if (!hooks_.status) return respond(make_json_error(request, http::status::not_found, "not_found", "No status."));
  respond(signaling::make_response(request, http::status::ok, hooks_.status(), "application/json"));
}

void AdminEndpoint::on_snapshot(const signaling::Request& request, const signaling::Responder& respond) {
  if (!snapshot_enabled_) {
    return respond(make_json_error(request, http::status::forbidden, "snapshot_disabled",
                                   "Snapshots are off (/snapshot/enabled)."));
  }
  const auto unavailable = [&](std::string_view message) {
    auto response = make_json_error(request, http::status::service_unavailable, "snapshot_unavailable", message);
    response.set(http::field::retry_after, "1");
    return response;
  };
  if (!hooks_.snapshot) return respond(unavailable("This box has no display to take a snapshot of."));
  signaling::Request shape;  // the original request does not outlive this call
  shape.version(request.version());
  shape.keep_alive(request.keep_alive());
  const bool started = hooks_.snapshot([shape, respond](std::optional<std::string> png) {
    if (!png) {
      return respond(make_json_error(shape, http::status::service_unavailable, "snapshot_failed",
                                     "The screen could not be captured."));
    }
    respond(signaling::make_response(shape, http::status::ok, std::move(*png), "image/png"));
  });
  if (!started) respond(unavailable("A snapshot is being taken; try again in a moment."));
}

}  // namespace presentd::access

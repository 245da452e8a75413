// SPDX-License-Identifier: Apache-2.0
#include "presentd/access/join_endpoint.hpp"

#include <nlohmann/json.hpp>

#include "presentd/common/display_name.hpp"
#include "presentd/net/address_key.hpp"
#include "presentd/signaling/local/json_response.hpp"

namespace presentd::access {
namespace {
namespace http = signaling::http;
using signaling::make_json_error;

bool is_blank(char c) { return c == ' ' || c == '\t'; }
}  // namespace

std::optional<std::string> clean_presenter_name(std::string_view name) {
  while (!name.empty() && is_blank(name.front())) name.remove_prefix(1);
  while (!name.empty() && is_blank(name.back())) name.remove_suffix(1);
  // The one sanitiser decides (common/display_name.hpp); the page is told when it would change
  // the name (controls, bidi overrides, bad UTF-8, too long) rather than seeing it altered.
  if (sanitize_display_name(name, kMaxPresenterNameLength) != name) return std::nullopt;
  return std::string(name);
}

JoinEndpoint::JoinEndpoint(const Clock& clock, AccessControl& access, std::string whip_path)
    : access_(access), whip_path_(std::move(whip_path)), limiter_(clock, 10, 1) {}

void JoinEndpoint::register_routes(signaling::HttpRouter& router) {
  router.add(http::verb::post, "/api/v1/join",
             [this](const signaling::Request& request, const signaling::RequestContext& context,
                    const signaling::Responder& respond) { on_join(request, context, respond); });
}

void JoinEndpoint::on_join(const signaling::Request& request, const signaling::RequestContext& context,
                           const signaling::Responder& respond) {
  const auto source = net::address_key(context.remote.address());
  if (!limiter_.allow(source)) {
    const int wait = limiter_.retry_after_seconds(source);
    auto response = make_json_error(request, http::status::too_many_requests, "rate_limited",
                                    "Too many requests. Please wait a moment.", {{"retry_after", wait}});
    response.set(http::field::retry_after, std::to_string(wait));
    return respond(std::move(response));
  }
  if (!signaling::has_json_body(request)) {
    return respond(make_json_error(request, http::status::unsupported_media_type, "unsupported_media_type",
                                   "The request body must be JSON (Content-Type: application/json)."));
  }
  const auto body = nlohmann::json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return respond(
        make_json_error(request, http::status::bad_request, "bad_request", "The request body is not a JSON object."));
  }
  std::string pin;
  if (access_.pin().required()) {
    const auto it = body.find("pin");
    if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return respond(make_json_error(request, http::status::bad_request, "pin_missing", "Please enter the PIN."));
    }
    pin = it->get<std::string>();
  }
  std::string name;
  if (const auto it = body.find("name"); it != body.end() && !it->is_null()) {
    const auto cleaned = it->is_string() ? clean_presenter_name(it->get_ref<const std::string&>()) : std::nullopt;
    if (!cleaned) {
      return respond(make_json_error(request, http::status::bad_request, "bad_name",
                                     "The name must be text of at most 40 characters."));
    }
    name = *cleaned;
  }

  auto outcome = access_.join(pin, std::move(name), source);
  if (const auto* granted = std::get_if<JoinGranted>(&outcome)) {
    return respond(signaling::make_json_response(
        request, http::status::ok,
        {{"token", granted->token}, {"expires_in", granted->expires_in_s}, {"whip", whip_path_}}));
  }
  const auto& denied = std::get<AccessDenied>(outcome);
  switch (denied.reason) {
    case AccessDenied::Reason::room_locked:
      return respond(make_json_error(request, http::status::locked, "room_locked",
                                     "The room is locked: nobody new can present right now."));
    case AccessDenied::Reason::locked_out: {
      auto response =
          make_json_error(request, http::status::too_many_requests, "locked_out",
                          "Too many wrong PINs. Try again in " + std::to_string(denied.retry_after_s) + " s.",
                          {{"retry_after", denied.retry_after_s}});
      response.set(http::field::retry_after, std::to_string(denied.retry_after_s));
      return respond(std::move(response));
    }
    case AccessDenied::Reason::wrong_pin: break;
  }
  nlohmann::json extra{{"attempts_left", denied.attempts_left}};
  if (denied.retry_after_s > 0) extra["retry_after"] = denied.retry_after_s;
  auto response = make_json_error(request, http::status::unauthorized, "wrong_pin",
                                  "Wrong PIN. Check the PIN on the screen and try again.", std::move(extra));
  if (denied.retry_after_s > 0) response.set(http::field::retry_after, std::to_string(denied.retry_after_s));
  respond(std::move(response));
}

}  // namespace presentd::access

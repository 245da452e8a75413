// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/local/json_response.hpp"

namespace presentd::signaling {

Response make_json_response(const Request& request, http::status status, const nlohmann::json& body) {
  // Replacement instead of an exception for invalid UTF-8: a name we echo can never make the
  // answer fail.
  return make_response(request, status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       "application/json");
}

Response make_json_error(const Request& request, http::status status, std::string_view code, std::string_view message,
                         nlohmann::json extra) {
  extra["error"] = code;
  extra["message"] = message;
  return make_json_response(request, status, extra);
}

bool has_json_body(const Request& request) { return has_media_type(request, "application/json"); }

}  // namespace presentd::signaling

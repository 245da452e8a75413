// SPDX-License-Identifier: Apache-2.0
#pragma once
// JSON answers of the API (docs/protocol.md): bodies as application/json, errors as
// {"error":"<code>","message":"<readable sentence>"} plus any extra fields the endpoint adds.
// Thread: event loop.
#include <string_view>

#include <nlohmann/json.hpp>

#include "presentd/signaling/local/http_types.hpp"

namespace presentd::signaling {

Response make_json_response(const Request& request, http::status status, const nlohmann::json& body);
Response make_json_error(const Request& request, http::status status, std::string_view code, std::string_view message,
                         nlohmann::json extra = nlohmann::json::object());

// True when the request says its body is application/json (parameters such as charset allowed).
bool has_json_body(const Request& request);

}  // namespace presentd::signaling

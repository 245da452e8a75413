// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/local/http_types.hpp"

#include <cctype>

namespace presentd::signaling {

Response make_response(const Request& request, http::status status, std::string body, std::string_view content_type) {
  Response response{status, request.version()};
  response.set(http::field::server, "presentd");
  response.set(http::field::content_type, content_type);
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response make_error(const Request& request, http::status status, std::string_view message) {
  return make_response(request, status, std::string(message) + "\n");
}

bool has_media_type(const Request& request, std::string_view expected) {
  std::string_view type = request[http::field::content_type];
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type.size() != expected.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(type[i])) != expected[i]) return false;
  }
  return true;
}

}  // namespace presentd::signaling

#include "signaling/local/http_types.hpp"

namespace presentd::signaling {

Response make_response(const Request& request, http::status status, std::string body, std::string_view content_type) {
  Response response{status, request.version()};
  response.set(http::field::server, "presentd");
  response.set(http::field::content_type, content_type);
  response.set(http::field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("X-Frame-Options", "DENY");
  response.set(http::field::strict_transport_security, "max-age=31536000");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response make_error(const Request& request, http::status status, std::string_view message) {
  return make_response(request, status, std::string(message) + "\n");
}

}  // namespace presentd::signaling

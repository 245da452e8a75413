// SPDX-License-Identifier: Apache-2.0
#include "signaling/local/http_exchange.hpp"

#include "signaling/local/security_headers.hpp"

namespace presentd::signaling {
namespace {
Response refusal(http::status status, std::string_view reason) {
  Request request;
  request.version(11);
  request.keep_alive(false);
  return make_error(request, status, reason);
}
}  // namespace

void limit_request_parser(RequestParser& parser, const HttpsLimits& limits) {
  parser.body_limit(limits.max_body_bytes);
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
}

std::optional<Response> refusal_for(const boost::beast::error_code& ec) {
  if (ec == http::error::header_limit)
    return refusal(http::status::request_header_fields_too_large, "request header too large");
  if (ec == http::error::body_limit) return refusal(http::status::payload_too_large, "request body too large");
  if (ec && ec.category() == http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return refusal(http::status::bad_request, "malformed HTTP request: " + ec.message());
  }
  return std::nullopt;
}

void finish_response(const HttpRouter& router, Response& response, bool hsts) {
  router.note_response(response.result_int());
  apply_security_headers(response, hsts);
}

}  // namespace presentd::signaling

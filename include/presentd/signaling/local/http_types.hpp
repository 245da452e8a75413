// SPDX-License-Identifier: Apache-2.0
#pragma once
// Types shared by the HTTPS server, the router and the endpoints registered on it.
#include <functional>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

namespace presentd::signaling {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

class EventStreamOpener;

struct RequestContext {
  boost::asio::ip::tcp::endpoint remote;
  // The presenter's name from their session token (POST /api/v1/join); "" for plain WHIP
  // senders. Filled by the WHIP endpoint for its session host.
  std::string presenter_name;
  // Lets a handler turn its response into a Server-Sent Events stream (event_stream.hpp); null
  // where streaming is impossible (e.g. a request dispatched outside a connection).
  EventStreamOpener* event_streams = nullptr;
};

// Handlers answer through the responder, now or later (an answer may wait for ICE gathering).
// Calling it more than once is a bug; not calling it leaves the request to the read timeout.
using Responder = std::function<void(Response)>;
using Handler = std::function<void(const Request&, const RequestContext&, Responder)>;

// A response with the common headers (the HTTPS connection adds the security headers to every
// answer as it writes it: security_headers.hpp).
Response make_response(const Request& request, http::status status, std::string body,
                       std::string_view content_type = "text/plain; charset=utf-8");
Response make_error(const Request& request, http::status status, std::string_view message);

// True when the request's Content-Type is `expected` (lower case), compared case-insensitively
// and ignoring parameters: "Application/SDP; charset=utf-8" has the media type "application/sdp".
bool has_media_type(const Request& request, std::string_view expected);

}  // namespace presentd::signaling

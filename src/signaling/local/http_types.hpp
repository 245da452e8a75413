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

struct RequestContext {
  boost::asio::ip::tcp::endpoint remote;
  // Who asks when it is not an HTTP client: "xmpp:alice@example.net/phone" for a Jingle session
  // (the remote endpoint is then the XMPP server's). Empty for HTTP requests.
  std::string origin;
};

// Handlers answer through the responder, now or later (an answer may wait for ICE gathering).
// Calling it more than once is a bug; not calling it leaves the request to the read timeout.
using Responder = std::function<void(Response)>;
using Handler = std::function<void(const Request&, const RequestContext&, Responder)>;

// A response with the security headers every answer carries.
Response make_response(const Request& request, http::status status, std::string body,
                       std::string_view content_type = "text/plain; charset=utf-8");
Response make_error(const Request& request, http::status status, std::string_view message);

}  // namespace presentd::signaling

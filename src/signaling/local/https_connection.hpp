#pragma once
// One HTTPS connection: TLS handshake, then request/response pairs with keep-alive. Every phase
// has its own deadline (handshake, idle wait for the next request, header, body, write) and
// every request its size limits (HttpsLimits); a malformed or oversized request gets a 4xx
// with a short reason and the connection closes. Every answer gets the security headers.
// Owned by its own pending operations (shared_from_this).
// Thread: event loop.
#include <memory>
#include <optional>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "signaling/local/http_router.hpp"
#include "signaling/local/https_server.hpp"

namespace presentd::signaling {

class HttpsConnection : public std::enable_shared_from_this<HttpsConnection> {
public:
  HttpsConnection(boost::asio::ip::tcp::socket socket, std::shared_ptr<boost::asio::ssl::context> tls,
                  const HttpRouter& router, const HttpsLimits& limits);
  void start();
  void close();

private:
  void read_request();
  void read_header();
  void read_body();
  void on_request(boost::beast::error_code ec);
  void refuse(http::status status, std::string_view reason);
  void write_response(Response response);
  void shutdown_tls();

  std::shared_ptr<boost::asio::ssl::context> tls_;  // kept alive for the stream's SSL object
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  const HttpRouter& router_;
  HttpsLimits limits_;
  RequestContext context_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool closing_ = false;
};

}  // namespace presentd::signaling

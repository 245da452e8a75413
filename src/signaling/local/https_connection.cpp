#include "signaling/local/https_connection.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "common/log.hpp"

namespace presentd::signaling {
namespace beast = boost::beast;

namespace {
constexpr std::string_view kTag = "https";

bool is_ordinary_disconnect(const beast::error_code& ec) {
  // A client that closes without a TLS close_notify (browsers do) ends the stream "truncated":
  // that is a normal end of a connection, not something to log.
  return ec == http::error::end_of_stream || ec == boost::asio::ssl::error::stream_truncated ||
         ec == boost::asio::error::eof || ec == boost::asio::error::operation_aborted ||
         ec == boost::asio::error::connection_reset || ec == beast::error::timeout;
}
}  // namespace

HttpsConnection::HttpsConnection(boost::asio::ip::tcp::socket socket, std::shared_ptr<boost::asio::ssl::context> tls,
                                 const HttpRouter& router, const HttpsLimits& limits)
    : tls_(std::move(tls)), stream_(std::move(socket), *tls_), router_(router), limits_(limits) {
  beast::error_code ignored;
  context_.remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(ignored);
}

void HttpsConnection::start() {
  beast::get_lowest_layer(stream_).expires_after(limits_.handshake_timeout);
  stream_.async_handshake(boost::asio::ssl::stream_base::server,
                          [self = shared_from_this()](beast::error_code ec) {
                            if (ec) {
                              if (!is_ordinary_disconnect(ec)) {
                                PD_LOG(debug, kTag) << "TLS handshake with " << self->context_.remote
                                                    << " failed: " << ec.message();
                              }
                              return self->close();
                            }
                            self->read_request();
                          });
}

void HttpsConnection::read_request() {
  if (closing_) return;
  parser_.emplace();
  parser_->body_limit(limits_.max_body_bytes);
  parser_->header_limit(16 * 1024);
  beast::get_lowest_layer(stream_).expires_after(limits_.request_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_request(ec); });
}

void HttpsConnection::on_request(beast::error_code ec) {
  if (ec == http::error::body_limit || ec == http::error::header_limit) {
    Request request;
    request.version(11);
    request.keep_alive(false);
    return write_response(make_error(request, http::status::payload_too_large, "request too large"));
  }
  if (ec) {
    if (!is_ordinary_disconnect(ec)) PD_LOG(debug, kTag) << "read from " << context_.remote << ": " << ec.message();
    if (ec == http::error::end_of_stream || ec == boost::asio::ssl::error::stream_truncated) return shutdown_tls();
    return close();
  }
  // The handler may answer later; the connection reads nothing more until it has (no pipelining).
  beast::get_lowest_layer(stream_).expires_never();
  const Request& request = parser_->get();
  router_.dispatch(request, context_, [self = shared_from_this()](Response response) {
    self->write_response(std::move(response));
  });
}

void HttpsConnection::write_response(Response response) {
  if (closing_) return;
  router_.note_response(response.result_int());
  auto shared = std::make_shared<Response>(std::move(response));
  beast::get_lowest_layer(stream_).expires_after(limits_.request_timeout);
  http::async_write(stream_, *shared, [self = shared_from_this(), shared](beast::error_code ec, std::size_t) {
    if (ec) return self->close();
    if (shared->need_eof()) return self->shutdown_tls();
    self->read_request();
  });
}

void HttpsConnection::shutdown_tls() {
  if (closing_) return;
  closing_ = true;
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
  stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
    beast::get_lowest_layer(self->stream_).close();
  });
}

void HttpsConnection::close() {
  closing_ = true;
  beast::get_lowest_layer(stream_).close();
}

}  // namespace presentd::signaling

// SPDX-License-Identifier: Apache-2.0
#include "support/tls_client.hpp"

#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace presentd::test {
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

struct TlsClient::State {
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
  std::string host;
};

TlsClient::TlsClient(const std::string& host, unsigned short port, const std::filesystem::path& trusted_certificate,
                     const std::string& source)
    : state_(std::make_unique<State>()) {
  state_->host = host;
  state_->tls.load_verify_file(trusted_certificate.string());
  state_->tls.set_verify_mode(asio::ssl::verify_peer);
  // TLS 1.2: a TLS 1.3 server sends session tickets after the handshake, which would make an
  // idle connection look readable to closed_by_server().
  SSL_CTX_set_max_proto_version(state_->tls.native_handle(), TLS1_2_VERSION);
  state_->stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(state_->io, state_->tls);
  auto& tcp = beast::get_lowest_layer(*state_->stream);
  tcp.expires_after(std::chrono::seconds(10));
  const asio::ip::tcp::endpoint box(asio::ip::make_address(host), port);
  if (!source.empty()) {
    tcp.socket().open(box.protocol());
    tcp.socket().bind(asio::ip::tcp::endpoint(asio::ip::make_address(source), 0));
  }
  tcp.connect(box);
  state_->stream->handshake(asio::ssl::stream_base::client);
}

TlsClient::~TlsClient() = default;

HttpResult TlsClient::request(const std::string& method, const std::string& target, const std::string& body,
                              const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, state_->host);
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  beast::get_lowest_layer(*state_->stream).expires_after(std::chrono::seconds(10));
  http::write(*state_->stream, request);
  return read_response();
}

void TlsClient::write_raw(const std::string& bytes) {
  beast::get_lowest_layer(*state_->stream).expires_after(std::chrono::seconds(10));
  asio::write(*state_->stream, asio::buffer(bytes));
}

HttpResult TlsClient::read_response(std::chrono::seconds timeout) {
  // The synchronous calls honour the tcp_stream's deadline only through async operations, so
  // the read runs asynchronously on the client's own io_context.
  beast::get_lowest_layer(*state_->stream).expires_after(timeout);
  http::response<http::string_body> response;
  beast::error_code error;
  http::async_read(*state_->stream, state_->buffer, response, [&](beast::error_code ec, std::size_t) { error = ec; });
  state_->io.restart();
  state_->io.run();
  if (error) throw beast::system_error(error);
  HttpResult result{static_cast<int>(response.result_int()), response.body(), {}};
  for (const auto& field : response) result.headers[std::string(field.name_string())] = std::string(field.value());
  return result;
}

HttpResult TlsClient::read_response_head(std::chrono::seconds timeout) {
  beast::get_lowest_layer(*state_->stream).expires_after(timeout);
  http::response_parser<http::empty_body> parser;
  beast::error_code error;
  http::async_read_header(*state_->stream, state_->buffer, parser,
                          [&](beast::error_code ec, std::size_t) { error = ec; });
  state_->io.restart();
  state_->io.run();
  if (error) throw beast::system_error(error);
  const auto& response = parser.get();
  HttpResult result{static_cast<int>(response.result_int()), {}, {}};
  for (const auto& field : response) result.headers[std::string(field.name_string())] = std::string(field.value());
  return result;
}

bool TlsClient::closed_by_server(std::chrono::milliseconds timeout) {
  // The server sends nothing on a connection whose request is incomplete except when it gives
  // up on it (a FIN, a reset or a TLS close_notify): any readiness is the end.
  pollfd watch{beast::get_lowest_layer(*state_->stream).socket().native_handle(), POLLIN | POLLRDHUP, 0};
  return ::poll(&watch, 1, static_cast<int>(timeout.count())) > 0;
}

}  // namespace presentd::test

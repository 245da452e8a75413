// SPDX-License-Identifier: Apache-2.0
#include "support/https_client.hpp"

#include <boost/asio/connect.hpp>
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

HttpResult https_request(const std::string& method, const std::string& host, unsigned short port,
                         const std::string& target, const std::filesystem::path& trusted_certificate,
                         const std::string& body, const std::map<std::string, std::string>& headers) {
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.load_verify_file(trusted_certificate.string());
  tls.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(stream).connect(asio::ip::tcp::endpoint(asio::ip::make_address(host), port));
  stream.handshake(asio::ssl::stream_base::client);

  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, host);
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  http::write(stream, request);

  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  HttpResult result{static_cast<int>(response.result_int()), response.body(), {}};
  for (const auto& field : response) result.headers[std::string(field.name_string())] = std::string(field.value());
  beast::error_code ignored;
  stream.shutdown(ignored);
  return result;
}

unsigned short free_tcp_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

}  // namespace presentd::test

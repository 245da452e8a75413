// SPDX-License-Identifier: Apache-2.0
#pragma once
// The HTTPS listener of the presenter page, WHIP endpoint and status API.
// Thread: event loop; every connection lives there too (no strands needed with one thread).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "signaling/local/http_router.hpp"

namespace presentd::signaling {

class HttpsConnection;

struct HttpsLimits {
  std::chrono::seconds handshake_timeout{10};
  // A kept-alive connection may wait this long for its next request's first byte.
  std::chrono::seconds idle_timeout{30};
  // From a request's first byte to the end of its header: a client that trickles its header
  // (slowloris) is cut off here, whatever it sends meanwhile.
  std::chrono::seconds header_timeout{10};
  // The body, and writing the answer.
  std::chrono::seconds request_timeout{30};
  std::size_t max_header_bytes = 16 * 1024;  // request line + header fields; more → 431
  std::size_t max_body_bytes = 128 * 1024;   // an SDP offer with many candidates is ~10 KB; more → 413
  std::size_t max_connections = 128;         // /network/max_connections
  // Strict-Transport-Security on every answer: only with a real (configured, CA-issued)
  // certificate (security_headers.hpp).
  bool hsts = false;
};

class HttpsServer {
public:
  HttpsServer(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls, const HttpRouter& router,
              HttpsLimits limits = {});
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // Binds and starts accepting. Throws boost::system::system_error with the address in the message.
  void listen(const boost::asio::ip::tcp::endpoint& endpoint);
  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

  // New connections use this context; existing ones keep theirs (certificate reload).
  void set_tls_context(std::shared_ptr<boost::asio::ssl::context> tls) { tls_ = std::move(tls); }
  // For new connections, with the certificate: HSTS only with a real one.
  void set_hsts(bool hsts) { limits_.hsts = hsts; }
  // Connections already open stay; new ones are refused while the count is at the cap.
  void set_max_connections(std::size_t max_connections) { limits_.max_connections = max_connections; }

  // Stops accepting and closes every connection (shutdown).
  void close();
  std::size_t connection_count();

private:
  void accept();

  boost::asio::io_context& io_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  const HttpRouter& router_;
  HttpsLimits limits_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::weak_ptr<HttpsConnection>> connections_;
  std::uint64_t refused_connections_ = 0;
};

}  // namespace presentd::signaling

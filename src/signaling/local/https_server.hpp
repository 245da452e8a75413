#pragma once
// The HTTPS listener of the presenter page, WHIP endpoint and status API.
// Thread: event loop; every connection lives there too (no strands needed with one thread).
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
  std::chrono::seconds request_timeout{30};
  std::size_t max_body_bytes = 128 * 1024;  // an SDP offer with many candidates is ~10 KB
  std::size_t max_connections = 256;
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
};

}  // namespace presentd::signaling

// SPDX-License-Identifier: Apache-2.0
#include "signaling/local/https_server.hpp"

#include <algorithm>

#include <boost/asio/ip/v6_only.hpp>

#include "common/log.hpp"
#include "signaling/local/https_connection.hpp"

namespace presentd::signaling {
namespace {
constexpr std::string_view kTag = "https";
}

HttpsServer::HttpsServer(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls,
                         const HttpRouter& router, HttpsLimits limits)
    : io_(io), tls_(std::move(tls)), router_(router), limits_(limits), acceptor_(io) {}

HttpsServer::~HttpsServer() { close(); }

void HttpsServer::listen(const boost::asio::ip::tcp::endpoint& endpoint) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
  if (endpoint.address().is_v6()) {
    // "::" serves IPv4 clients too, whatever the system's bindv6only default says.
    acceptor_.set_option(boost::asio::ip::v6_only(false));
  }
  boost::system::error_code ec;
  acceptor_.bind(endpoint, ec);
  if (ec) {
    acceptor_.close();
    throw boost::system::system_error(ec, "cannot listen on " + endpoint.address().to_string() + " port " +
                                              std::to_string(endpoint.port()));
  }
  acceptor_.listen();
  accept();
}

void HttpsServer::accept() {
  acceptor_.async_accept(io_, [this](boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      if (connection_count() >= limits_.max_connections) {
        // Logged once per hundred, so a flood cannot flood the journal too.
        if (refused_connections_++ % 100 == 0) {
          PD_LOG(warning, kTag) << limits_.max_connections << " connections open (/network/max_connections): refusing "
                                << socket.remote_endpoint(ec) << " (" << refused_connections_ << " refused so far)";
        }
      } else {
        // TLS writes a response's header and body as separate records; with Nagle on, the second
        // waits for the client's delayed ACK (40 ms on Linux), which every WHIP answer paid.
        socket.set_option(boost::asio::ip::tcp::no_delay(true), ec);
        auto connection = std::make_shared<HttpsConnection>(std::move(socket), tls_, router_, limits_);
        connections_.push_back(connection);
        connection->start();
      }
    } else {
      PD_LOG(warning, kTag) << "accept failed: " << ec.message();
    }
    accept();
  });
}

std::size_t HttpsServer::connection_count() {
  std::erase_if(connections_, [](const auto& weak) { return weak.expired(); });
  return connections_.size();
}

void HttpsServer::close() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& weak : connections_) {
    if (auto connection = weak.lock()) connection->close();
  }
  connections_.clear();
}

}  // namespace presentd::signaling

// SPDX-License-Identifier: Apache-2.0
#include "presentd/net/turn_tls_tunnel.hpp"

#include <stdexcept>

#include "net/tls_client_context.hpp"
#include "presentd/common/log.hpp"

namespace presentd::net {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
constexpr std::string_view kTag = "turn-tls";
}  // namespace

TurnTlsTunnel::TurnTlsTunnel(asio::io_context& io, TurnTlsTunnelOptions options)
    : options_(std::move(options)),
      tls_(make_tls_client_context(options_.ca_file)),
      acceptor_(io),
      retry_(io),
      counters_(std::make_shared<TurnTlsTunnelCounters>()) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options_.listen_address, ec);
  if (ec) throw std::runtime_error("bad tunnel listen address \"" + options_.listen_address + "\"");
  const tcp::endpoint endpoint(address, 0);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + options_.listen_address +
                             " for the TURN-over-TLS tunnel: " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  PD_LOG(info, kTag) << "TURN over TLS to " << options_.server_host << ":" << options_.server_port
                     << (options_.proxy.type == ProxyType::none ? "" : " through a proxy") << " offered to ICE as "
                     << options_.listen_address << ":" << port_ << " (TURN over TCP)";
  accept();
}

TurnTlsTunnel::~TurnTlsTunnel() {
  liveness_.end();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_.cancel();
  for (auto& [id, connection] : connections_) connection->close();
}

void TurnTlsTunnel::accept() {
  acceptor_.async_accept([this, alive = liveness_.token()](const boost::system::error_code& ec, tcp::socket socket) {
    if (!alive || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Retrying at once would spin while the condition lasts.
      PD_LOG(warning, kTag) << "accept failed: " << ec.message();
      retry_.expires_after(std::chrono::milliseconds(200));
      retry_.async_wait([this, alive](const boost::system::error_code& timer_error) {
        if (!timer_error && alive) accept();
      });
      return;
    }
    {
      const auto id = next_id_++;
      auto connection = std::make_shared<TurnTlsTunnelConnection>(std::move(socket), tls_, options_, counters_,
                                                                  [this, id] { connections_.erase(id); });
      connections_.emplace(id, connection);
      connection->start();
    }
    accept();
  });
}

}  // namespace presentd::net

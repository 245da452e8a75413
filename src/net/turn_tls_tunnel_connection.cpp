// SPDX-License-Identifier: Apache-2.0
#include "presentd/net/turn_tls_tunnel_connection.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>

#include "net/tls_client_context.hpp"
#include "presentd/common/log.hpp"
#include "presentd/net/proxy_connector.hpp"

namespace presentd::net {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
constexpr std::string_view kTag = "turn-tls";
}  // namespace

TurnTlsTunnelConnection::TurnTlsTunnelConnection(tcp::socket local, std::shared_ptr<asio::ssl::context> tls,
                                                 const TurnTlsTunnelOptions& options,
                                                 std::shared_ptr<TurnTlsTunnelCounters> counters,
                                                 std::function<void()> on_closed)
    : local_(std::move(local)),
      tls_(std::move(tls)),
      options_(options),
      counters_(std::move(counters)),
      on_closed_(std::move(on_closed)) {}

void TurnTlsTunnelConnection::start() {
  ++counters_->connections_total;
  boost::system::error_code ignored;
  local_.set_option(tcp::no_delay(true), ignored);
  // libnice's Allocate request waits in the loopback socket's buffer until TLS is up.
  connector_ = ProxyConnector::start(local_.get_executor(), options_.proxy, options_.server_host, options_.server_port,
                                     options_.connect_timeout,
                                     [self = shared_from_this()](const std::string& error, tcp::socket socket) {
                                       self->on_connected(error, std::move(socket));
                                     });
}

void TurnTlsTunnelConnection::on_connected(const std::string& error, tcp::socket socket) {
  connector_.reset();
  if (closed_) return;
  if (!error.empty()) {
    ++counters_->connections_failed;
    return end(error);
  }
  remote_.emplace(std::move(socket), *tls_);
  if (!set_tls_server_name(remote_->native_handle(), options_.server_host)) {
    ++counters_->connections_failed;
    return end("cannot set the TLS server name \"" + options_.server_host + "\"");
  }
  remote_->async_handshake(
      asio::ssl::stream_base::client, [self = shared_from_this()](const boost::system::error_code& ec) {
        if (self->closed_) return;
        if (ec) {
          ++self->counters_->connections_failed;
          return self->end("TLS handshake with " + self->options_.server_host + ":" +
                           std::to_string(self->options_.server_port) +
                           " failed: " + describe_tls_failure(self->remote_->native_handle(), ec.message()));
        }
        PD_LOG(debug, kTag) << "tunnel to " << self->options_.server_host << ":" << self->options_.server_port
                            << " open (" << SSL_get_version(self->remote_->native_handle()) << ")";
        self->pump_to_server();
        self->pump_from_server();
      });
}

void TurnTlsTunnelConnection::pump_to_server() {
  local_.async_read_some(asio::buffer(to_server_),
                         [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                           if (self->closed_) return;
                           if (ec) return self->end(ec == asio::error::eof ? "" : "libnice side: " + ec.message());
                           asio::async_write(*self->remote_, asio::buffer(self->to_server_.data(), n),
                                             [self](const boost::system::error_code& error, std::size_t written) {
                                               if (self->closed_) return;
                                               if (error) return self->end("TURN server side: " + error.message());
                                               self->counters_->bytes_to_server += written;
                                               self->pump_to_server();
                                             });
                         });
}

void TurnTlsTunnelConnection::pump_from_server() {
  remote_->async_read_some(asio::buffer(from_server_),
                           [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                             if (self->closed_) return;
                             // A peer that closes TCP without close_notify ends the tunnel like an orderly close would:
                             // TURN has its own framing, so no truncation can go unnoticed.
                             if (ec) {
                               const bool normal = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
                               return self->end(normal ? "" : "TURN server side: " + ec.message());
                             }
                             asio::async_write(self->local_, asio::buffer(self->from_server_.data(), n),
                                               [self](const boost::system::error_code& error, std::size_t written) {
                                                 if (self->closed_) return;
                                                 if (error) return self->end("libnice side: " + error.message());
                                                 self->counters_->bytes_from_server += written;
                                                 self->pump_from_server();
                                               });
                           });
}

void TurnTlsTunnelConnection::end(const std::string& why) {
  if (!why.empty()) {
    PD_LOG(warning, kTag) << "TURN-over-TLS tunnel to " << options_.server_host << ":" << options_.server_port
                          << " closed: " << why;
    counters_->last_error = why;
  } else {
    PD_LOG(debug, kTag) << "TURN-over-TLS tunnel to " << options_.server_host << ":" << options_.server_port
                        << " closed";
  }
  auto on_closed = std::move(on_closed_);
  close();
  if (on_closed) on_closed();
}

void TurnTlsTunnelConnection::close() {
  if (closed_) return;
  closed_ = true;
  on_closed_ = nullptr;
  if (connector_) connector_->cancel();
  connector_.reset();
  boost::system::error_code ignored;
  local_.close(ignored);
  if (remote_) remote_->lowest_layer().close(ignored);
}

}  // namespace presentd::net

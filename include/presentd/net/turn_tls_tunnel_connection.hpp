// SPDX-License-Identifier: Apache-2.0
#pragma once
// One libnice TURN-over-TCP connection carried over TLS to the real TURN server: the plain
// loopback socket libnice connected to on one side, a TLS stream (through the proxy, if any)
// on the other, bytes pumped both ways.
//
// Backpressure: each direction has one buffer and reads again only when the previous write has
// completed, so a slow side stops the other side's reads and TCP flow control does the rest.
// Either side ending (EOF, error, TLS failure) closes both together: libnice then sees its TURN
// connection drop, as it would with a direct connection.
//
// Thread: event loop.
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "presentd/net/proxy_settings.hpp"

namespace presentd::net {

class ProxyConnector;

struct TurnTlsTunnelOptions {
  std::string server_host;  // name (SNI and certificate check) or numeric address
  std::uint16_t server_port = 443;
  std::string ca_file;  // empty: the system's trust store
  ProxySettings proxy;
  std::string listen_address = "127.0.0.1";
  std::chrono::milliseconds connect_timeout{10000};
};

// Totals over every connection of one tunnel (for status and tests).
struct TurnTlsTunnelCounters {
  std::uint64_t connections_total = 0;
  std::uint64_t connections_failed = 0;  // never reached the TLS stage
  std::uint64_t bytes_to_server = 0;
  std::uint64_t bytes_from_server = 0;
  std::string last_error;
};

class TurnTlsTunnelConnection : public std::enable_shared_from_this<TurnTlsTunnelConnection> {
public:
  TurnTlsTunnelConnection(boost::asio::ip::tcp::socket local, std::shared_ptr<boost::asio::ssl::context> tls,
                          const TurnTlsTunnelOptions& options, std::shared_ptr<TurnTlsTunnelCounters> counters,
                          std::function<void()> on_closed);
  void start();
  // Closes both sides now; `on_closed` is not called after this.
  void close();

private:
  void on_connected(const std::string& error, boost::asio::ip::tcp::socket socket);
  void pump_to_server();
  void pump_from_server();
  void end(const std::string& why);

  boost::asio::ip::tcp::socket local_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  const TurnTlsTunnelOptions options_;  // a copy: pending handlers may outlive the tunnel
  std::shared_ptr<TurnTlsTunnelCounters> counters_;
  std::function<void()> on_closed_;
  std::shared_ptr<ProxyConnector> connector_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> remote_;
  std::array<std::uint8_t, 16384> to_server_{};
  std::array<std::uint8_t, 16384> from_server_{};
  bool closed_ = false;
};

}  // namespace presentd::net

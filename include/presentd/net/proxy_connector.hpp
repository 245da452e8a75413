// SPDX-License-Identifier: Apache-2.0
#pragma once
// "Connect to host:port, through proxy X" → a connected TCP socket, on the event loop.
//
// With ProxyType::none the target itself is resolved and connected. With http, the proxy is
// asked for an HTTP CONNECT tunnel (Basic authentication when a username is set); with socks5,
// a SOCKS5 CONNECT (no authentication, or username/password). Names are resolved by Asio's
// resolver (its own helper thread, so the loop never blocks); through SOCKS5 the proxy resolves
// the target's name itself. The socket comes back ready for TLS or any other protocol.
//
// Thread: event loop. The handler runs there exactly once: with an empty error and the socket,
// or with a one-line error that names the hop that failed and never contains a password.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "presentd/net/proxy_settings.hpp"

namespace presentd::net {

using ConnectHandler = std::function<void(std::string error, boost::asio::ip::tcp::socket socket)>;

class ProxyConnector : public std::enable_shared_from_this<ProxyConnector> {
public:
  // Starts at once. Keep the returned pointer only to cancel; the connector keeps itself alive.
  static std::shared_ptr<ProxyConnector> start(const boost::asio::any_io_executor& executor, const ProxySettings& proxy,
                                               std::string host, std::uint16_t port, std::chrono::milliseconds timeout,
                                               ConnectHandler handler);
  // The handler is then called with "cancelled" (if it has not run yet).
  void cancel();

  ProxyConnector(const boost::asio::any_io_executor& executor, const ProxySettings& proxy, std::string host,
                 std::uint16_t port, ConnectHandler handler);

private:
  void run(std::chrono::milliseconds timeout);
  void on_connected(const boost::system::error_code& ec);
  void http_connect();
  void socks_greet();
  void socks_authenticate();
  void socks_connect();
  // Appends what arrives to buffer_ and calls `parse` until it returns true (done) or fails.
  void read_more(std::function<bool()> parse);
  void send(std::vector<std::uint8_t> bytes, std::function<void()> next);
  void finish(std::string error);
  std::string hop() const;     // "HTTP proxy 10.0.0.1:3128", used in every error
  std::string target() const;  // "turn.example.net:443"

  ProxySettings proxy_;
  std::string host_;
  std::uint16_t port_;
  ConnectHandler handler_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  std::vector<std::uint8_t> buffer_;
  std::vector<std::uint8_t> outgoing_;
  bool timed_out_ = false;
};

}  // namespace presentd::net

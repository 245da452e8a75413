// SPDX-License-Identifier: Apache-2.0
#pragma once
// TURN over TLS for libnice, whose only "TLS" relay type is Google's pseudo-TLS: a listener on a
// local address (127.0.0.1 by default, ephemeral port) that libnice is given as a plain
// TURN-over-TCP server. Every connection libnice makes to it is carried over a real TLS
// connection (SNI, certificate verified against the system store or a CA file, name checked)
// to the TURN server, optionally through an HTTP CONNECT or SOCKS5 proxy.
//
// One tunnel serves one TURN server and every session that uses it (libnice opens one TCP
// connection per allocation). Anything on the box may connect to the loopback port; it only
// ever reaches that one TURN server, which still demands its own TURN credentials.
//
// Thread: event loop. Destroying the tunnel closes the listener and every connection at once.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <map>
#include <memory>

#include "presentd/common/liveness.hpp"
#include "presentd/net/turn_tls_tunnel_connection.hpp"

namespace presentd::net {

class TurnTlsTunnel {
public:
  // Binds and starts accepting. Throws std::runtime_error (or crypto::CryptoError for the CA
  // file) with a clear message when it cannot.
  TurnTlsTunnel(boost::asio::io_context& io, TurnTlsTunnelOptions options);
  ~TurnTlsTunnel();
  TurnTlsTunnel(const TurnTlsTunnel&) = delete;
  TurnTlsTunnel& operator=(const TurnTlsTunnel&) = delete;

  const std::string& local_address() const { return options_.listen_address; }
  std::uint16_t local_port() const { return port_; }
  const TurnTlsTunnelOptions& options() const { return options_; }
  std::size_t open_connections() const { return connections_.size(); }
  const TurnTlsTunnelCounters& counters() const { return *counters_; }

private:
  void accept();

  TurnTlsTunnelOptions options_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;  // after a failed accept (e.g. out of descriptors)
  std::uint16_t port_ = 0;
  std::shared_ptr<TurnTlsTunnelCounters> counters_;
  std::map<std::uint64_t, std::shared_ptr<TurnTlsTunnelConnection>> connections_;
  std::uint64_t next_id_ = 0;
  // Accept completions that arrive after destruction see this expired.
  Liveness liveness_;  // tokens in deferred handlers: liveness.hpp
};

}  // namespace presentd::net

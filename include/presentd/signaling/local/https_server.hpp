// SPDX-License-Identifier: Apache-2.0
#pragma once
// The HTTPS listener of the presenter page, WHIP endpoint and status API.
// Thread: event loop; every connection lives there too (no strands needed with one thread).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "presentd/metrics/counter.hpp"
#include "presentd/signaling/local/connection_slots.hpp"
#include "presentd/signaling/local/http_router.hpp"

namespace presentd::signaling {

class HttpsConnection;

struct HttpsLimits {
  // A handshake takes milliseconds; a client that has not finished one in this time is holding
  // a slot, not connecting.
  std::chrono::seconds handshake_timeout{5};
  // A kept-alive connection may wait this long for its next request's first byte.
  std::chrono::seconds idle_timeout{30};
  // From a request's first byte to the end of its header: a client that trickles its header
  // (slowloris) is cut off here, whatever it sends meanwhile.
  std::chrono::seconds header_timeout{10};
  // The body, and writing the answer.
  std::chrono::seconds request_timeout{30};
  std::size_t max_header_bytes = std::size_t{16} * 1024;  // request line + header fields; more → 431
  std::size_t max_body_bytes = std::size_t{128} * 1024;   // an SDP offer with many candidates is ~10 KB; more → 413
  // Connection slots (connection_slots.hpp): /network/max_connections and
  // /network/max_connections_per_address.
  SlotLimits slots;
  // Strict-Transport-Security on every answer: only with a real (configured, CA-issued)
  // certificate (security_headers.hpp).
  bool hsts = false;
};

// Prometheus counters the listener bumps (app/daemon_metrics.hpp); each must outlive it.
struct HttpsCounters {
  metrics::Counter* refused_per_address = nullptr;  // a source at its cap, none of its own idle
  metrics::Counter* refused_full = nullptr;         // every usable slot taken, none idle
  metrics::Counter* idle_closed = nullptr;          // idle connections closed to make room
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
  // Connections already open stay; the new limits apply to newcomers.
  void set_slot_limits(SlotLimits limits) { slots_->set_limits(limits); }
  void count_in(const HttpsCounters& counters) { counters_ = counters; }

  // Stops accepting and closes every connection (shutdown).
  void close();
  std::size_t connection_count() const;
  // Of those, the ones waiting for a request.
  std::size_t idle_connection_count() const;

private:
  void accept();
  // Whether `socket` gets a slot (closing an idle connection if that makes room).
  bool admit(boost::asio::ip::tcp::socket& socket, ConnectionSlots::Id& slot);

  boost::asio::io_context& io_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  const HttpRouter& router_;
  HttpsLimits limits_;
  boost::asio::ip::tcp::acceptor acceptor_;
  // Shared with every connection, which reports its idle waits and its end there (it may
  // outlive the listener after a reload replaced it).
  std::shared_ptr<ConnectionSlots> slots_;
  std::map<ConnectionSlots::Id, std::weak_ptr<HttpsConnection>> connections_;
  HttpsCounters counters_;
  std::uint64_t refused_connections_ = 0;
  std::uint64_t idle_closed_ = 0;
};

}  // namespace presentd::signaling

// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/local/https_server.hpp"

#include <algorithm>

#include <boost/asio/ip/v6_only.hpp>

#include "presentd/common/log.hpp"
#include "presentd/net/address_key.hpp"
#include "signaling/local/https_connection.hpp"

namespace presentd::signaling {
namespace {
constexpr std::string_view kTag = "https";

void bump(metrics::Counter* counter) {
  if (counter != nullptr) counter->increment();
}

// A flood must not flood the journal too: the first and then every hundredth.
bool worth_logging(std::uint64_t& count) { return count++ % 100 == 0; }
}  // namespace

HttpsServer::HttpsServer(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls,
                         const HttpRouter& router, HttpsLimits limits)
    : io_(io),
      tls_(std::move(tls)),
      router_(router),
      limits_(limits),
      acceptor_(io),
      slots_(std::make_shared<ConnectionSlots>(limits.slots)) {}

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
    throw boost::system::system_error(
        ec, "cannot listen on " + endpoint.address().to_string() + " port " + std::to_string(endpoint.port()));
  }
  acceptor_.listen();
  accept();
}

void HttpsServer::accept() {
  acceptor_.async_accept(io_, [this](boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
    ConnectionSlots::Id slot = 0;
    if (!ec && admit(socket, slot)) {
      // TLS writes a response's header and body as separate records; with Nagle on, the second
      // waits for the client's delayed ACK (40 ms on Linux), which every WHIP answer paid.
      socket.set_option(boost::asio::ip::tcp::no_delay(true), ec);
      auto connection = std::make_shared<HttpsConnection>(std::move(socket), tls_, router_, limits_, slots_, slot);
      connections_[slot] = connection;
      connection->start();
    } else if (ec) {
      PD_LOG(warning, kTag) << "accept failed: " << ec.message();
    }
    accept();
  });
}

bool HttpsServer::admit(boost::asio::ip::tcp::socket& socket, ConnectionSlots::Id& slot) {
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec) return false;  // already gone
  std::erase_if(connections_, [](const auto& entry) { return entry.second.expired(); });
  const auto key = net::address_key(remote.address());
  const auto admission = slots_->admit(key);
  using Verdict = ConnectionSlots::Verdict;
  if (admission.verdict == Verdict::refused_per_address) {
    bump(counters_.refused_per_address);
    if (worth_logging(refused_connections_)) {
      PD_LOG(warning, kTag) << "refusing a connection from " << remote << ": " << key << " holds "
                            << slots_->held_by(key)
                            << " connections, none idle (/network/max_connections_per_address); "
                            << refused_connections_ << " refused so far";
    }
    return false;
  }
  if (admission.verdict == Verdict::refused_full) {
    bump(counters_.refused_full);
    if (worth_logging(refused_connections_)) {
      PD_LOG(warning, kTag) << "refusing a connection from " << remote << ": " << slots_->total()
                            << " connections open (/network/max_connections), none idle; " << refused_connections_
                            << " refused so far";
    }
    return false;
  }
  if (admission.evicted) {
    bump(counters_.idle_closed);
    if (worth_logging(idle_closed_)) {
      PD_LOG(info, kTag) << "closing an idle connection to make room for " << remote << " (" << slots_->total()
                         << " open, " << slots_->held_by(key) << " from " << key << "); " << idle_closed_
                         << " closed so far";
    }
    const auto it = connections_.find(*admission.evicted);
    if (it != connections_.end()) {
      if (auto idle = it->second.lock()) idle->close();
      connections_.erase(it);
    }
  }
  slot = admission.id;
  return true;
}

std::size_t HttpsServer::connection_count() const { return slots_->total(); }

std::size_t HttpsServer::idle_connection_count() const { return slots_->idle(); }

void HttpsServer::close() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& [slot, weak] : connections_) {
    if (auto connection = weak.lock()) connection->close();
  }
  connections_.clear();
}

}  // namespace presentd::signaling

// SPDX-License-Identifier: Apache-2.0
#pragma once
// The byte stream under one XMPP connection: a connected TCP socket that turns into TLS when the
// client asks (at once for Direct TLS, after <proceed/> for STARTTLS). XmppClient drives this
// interface only, so a test or a fuzz target can put an in-memory stream under the real client;
// the box always uses make_socket_transport().
//
// Thread: event loop. Handlers run there; after close() they may still run (with an error) or
// not at all, so callers hold their own liveness (xmpp_client.cpp's Link).
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

namespace presentd::xmpp {

class XmppTransport {
public:
  using IoHandler = std::function<void(boost::system::error_code, std::size_t)>;
  // `failure`: why the handshake failed, for the log (certificate verification result first).
  using HandshakeHandler = std::function<void(boost::system::error_code, std::string failure)>;

  virtual ~XmppTransport() = default;
  // TLS with the certificate verified for `domain` (xmpp_tls.hpp); only a verified handshake
  // succeeds. Reads and writes go through TLS once it did.
  virtual void handshake(const std::string& domain, bool direct_tls, HandshakeHandler done) = 0;
  virtual void read_some(std::span<std::uint8_t> buffer, IoHandler done) = 0;
  // Writes all of `data` (which must stay valid until `done`).
  virtual void write(std::string_view data, IoHandler done) = 0;
  virtual void close() = 0;
  // "TLSv1.3" and the like, for the log.
  [[nodiscard]] virtual std::string tls_version() = 0;
};

using TransportFactory = std::function<std::unique_ptr<XmppTransport>(boost::asio::ip::tcp::socket)>;

// The real one: the socket from the connector, TLS from `context`.
[[nodiscard]] TransportFactory make_socket_transport(std::shared_ptr<boost::asio::ssl::context> context);

}  // namespace presentd::xmpp

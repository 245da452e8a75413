// SPDX-License-Identifier: Apache-2.0
#pragma once
// How the XMPP client gets a connected TCP socket. The default resolves the host (Asio's
// resolver: getaddrinfo on Asio's private thread, never on the event loop) and tries each
// address in turn. A proxy connector (HTTP CONNECT, SOCKS5: src/net/, issue 8) has the same
// shape and is handed to XmppClient instead; whatever it does, it yields a socket that is
// already a byte stream to host:port, on which the client then runs TLS.
//
// Thread: event loop. The returned function cancels the attempt (its handler then runs with
// operation_aborted or not at all); calling it after completion does nothing.
#include <cstdint>
#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace presentd::xmpp {

using ConnectHandler = std::function<void(boost::system::error_code, boost::asio::ip::tcp::socket)>;
using CancelConnect = std::function<void()>;
using Connector = std::function<CancelConnect(const std::string& host, std::uint16_t port, ConnectHandler done)>;

[[nodiscard]] Connector make_tcp_connector(boost::asio::io_context& io);

}  // namespace presentd::xmpp

// SPDX-License-Identifier: Apache-2.0
#pragma once
// TLS for the XMPP client: the client context (peer verification against the system store or a
// configured CA file) and the per-connection settings: SNI and the hostname check against the
// XMPP domain (RFC 7590 §3.2: the certificate must be for the domain of the JID, not for the
// host the address came from), and for Direct TLS the ALPN protocol "xmpp-client" (XEP-0368).
//
// Thread: event loop.
#include <memory>
#include <string>

#include <openssl/ssl.h>
#include <boost/asio/ssl/context.hpp>

namespace presentd::xmpp {

// Throws std::runtime_error naming the file when a configured CA file cannot be loaded.
[[nodiscard]] std::shared_ptr<boost::asio::ssl::context> make_xmpp_tls_context(const std::string& ca_file);

// Call before the handshake. Returns false (OpenSSL out of memory) when it could not be set.
[[nodiscard]] bool prepare_tls_connection(SSL* ssl, const std::string& domain, bool direct_tls);

// Why the handshake failed, for the log: the certificate verification result when that was
// the cause ("certificate verify failed: unable to get local issuer certificate"), else the
// OpenSSL error.
[[nodiscard]] std::string describe_tls_failure(SSL* ssl, const boost::system::error_code& ec);

}  // namespace presentd::xmpp

// SPDX-License-Identifier: Apache-2.0
#pragma once
// TLS client settings shared by presentd's outgoing TLS connections (TURN over TLS now; the
// XMPP client can use the same): TLS 1.2 or newer, the server's chain verified against the
// system store or a configured CA file, and the server's name checked for every connection.
// Thread: any (the context is immutable once made and may be shared).
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

typedef struct ssl_st SSL;

namespace presentd::net {

// `ca_file` empty: the system's trust store. Throws crypto::CryptoError when the file cannot be
// loaded.
std::shared_ptr<boost::asio::ssl::context> make_tls_client_context(const std::string& ca_file);

// For one connection to `host`: SNI when `host` is a name (RFC 6066 forbids address literals
// there) and the certificate check against that name or IP address. False when OpenSSL refuses.
[[nodiscard]] bool set_tls_server_name(SSL* ssl, const std::string& host);

// After a failed handshake: why the certificate was refused ("certificate has expired"...), or
// the drained OpenSSL errors when it was not the certificate.
std::string describe_tls_failure(SSL* ssl, const std::string& fallback);

}  // namespace presentd::net

// SPDX-License-Identifier: Apache-2.0
#pragma once
// The OpenSSL server context for HTTPS: TLS 1.2 and 1.3 only, forward-secret ciphers.
#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "presentd/crypto/certificate.hpp"

namespace presentd::signaling {

std::shared_ptr<boost::asio::ssl::context> make_tls_server_context(const crypto::Identity& identity);

}  // namespace presentd::signaling

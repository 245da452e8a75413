// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/local/tls_server_context.hpp"

#include "presentd/crypto/openssl_error.hpp"

namespace presentd::signaling {

std::shared_ptr<boost::asio::ssl::context> make_tls_server_context(const crypto::Identity& identity) {
  auto context = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1 ||
      SSL_CTX_use_certificate(ctx, identity.certificate.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, identity.private_key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    crypto::throw_openssl_error("cannot set up the HTTPS context");
  }
  return context;
}

}  // namespace presentd::signaling

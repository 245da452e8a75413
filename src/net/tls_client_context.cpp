// SPDX-License-Identifier: Apache-2.0
#include "net/tls_client_context.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include "presentd/crypto/openssl_error.hpp"

namespace presentd::net {

std::shared_ptr<boost::asio::ssl::context> make_tls_client_context(const std::string& ca_file) {
  auto context = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
  SSL_CTX* ctx = context->native_handle();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  const int loaded = ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx)
                                     : SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
  if (loaded != 1) {
    crypto::throw_openssl_error(ca_file.empty() ? "cannot load the system's trusted certificates"
                                                : "cannot load the CA file \"" + ca_file + "\"");
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  return context;
}

bool set_tls_server_name(SSL* ssl, const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (!ec) return X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1;
  return SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0) == 1;
}

std::string describe_tls_failure(SSL* ssl, const std::string& fallback) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    crypto::drain_openssl_errors();
    return std::string("certificate refused: ") + X509_verify_cert_error_string(verify);
  }
  auto errors = crypto::drain_openssl_errors();
  return errors.empty() ? fallback : fallback + " (" + errors + ")";
}

}  // namespace presentd::net

// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/xmpp/xmpp_tls.hpp"

#include <openssl/x509v3.h>

#include <stdexcept>

namespace presentd::xmpp {

std::shared_ptr<boost::asio::ssl::context> make_xmpp_tls_context(const std::string& ca_file) {
  auto context = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->set_verify_mode(boost::asio::ssl::verify_peer);
  if (ca_file.empty()) {
    context->set_default_verify_paths();
  } else {
    boost::system::error_code ec;
    context->load_verify_file(ca_file, ec);
    if (ec) throw std::runtime_error("cannot load the CA file " + ca_file + ": " + ec.message());
  }
  return context;
}

bool prepare_tls_connection(SSL* ssl, const std::string& domain, bool direct_tls) {
  if (SSL_set_tlsext_host_name(ssl, domain.c_str()) != 1) return false;
  // OpenSSL checks the name during the handshake; a mismatch fails it like an unknown CA.
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set1_host(ssl, domain.c_str()) != 1) return false;
  if (direct_tls) {
    static constexpr unsigned char kAlpn[] = {11, 'x', 'm', 'p', 'p', '-', 'c', 'l', 'i', 'e', 'n', 't'};
    if (SSL_set_alpn_protos(ssl, kAlpn, sizeof(kAlpn)) != 0) return false;
  }
  return true;
}

std::string describe_tls_failure(SSL* ssl, const boost::system::error_code& ec) {
  const long result = SSL_get_verify_result(ssl);
  if (result != X509_V_OK) {
    return std::string("certificate verify failed: ") + X509_verify_cert_error_string(result);
  }
  return ec.message();
}

}  // namespace presentd::xmpp

// SPDX-License-Identifier: Apache-2.0
#include "presentd/crypto/certificate.hpp"

#include <array>
#include <string_view>

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "presentd/crypto/openssl_error.hpp"

namespace presentd::crypto {
namespace {

EvpPkeyPtr generate_key(KeyType type) {
  EvpPkeyPtr key(type == KeyType::ecdsa_p256 ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048));
  if (!key) throw_openssl_error("cannot generate a private key");
  return key;
}

void add_extension(X509* certificate, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>> extension(
      X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
  if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1) {
    throw_openssl_error("cannot add a certificate extension");
  }
}

std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

}  // namespace

Identity generate_self_signed(KeyType type, const std::vector<std::string>& dns_names, std::chrono::hours validity) {
  Identity identity{X509Ptr(X509_new()), generate_key(type)};
  X509* cert = identity.certificate.get();
  if (cert == nullptr) throw_openssl_error("cannot allocate a certificate");

  // A random 128-bit serial: browsers remember certificates by issuer+serial, so two boxes (or
  // one box after regenerating) must never present the same pair.
  std::array<unsigned char, 16> serial_bytes{};
  if (RAND_bytes(serial_bytes.data(), serial_bytes.size()) != 1) throw_openssl_error("no randomness for the serial");
  serial_bytes[0] &= 0x7f;  // keep it positive
  std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>> serial(BN_bin2bn(serial_bytes.data(), serial_bytes.size(), nullptr));
  if (!serial || BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) == nullptr) {
    throw_openssl_error("cannot set the serial number");
  }

  const std::string common_name = dns_names.empty() ? "presentd" : dns_names.front();
  X509_NAME* name = X509_get_subject_name(cert);
  if (X509_set_version(cert, 2) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                 -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert, name) != 1 || X509_gmtime_adj(X509_getm_notBefore(cert), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(std::chrono::seconds(validity).count())) == nullptr ||
      X509_set_pubkey(cert, identity.private_key.get()) != 1) {
    throw_openssl_error("cannot fill in the certificate");
  }
  if (!dns_names.empty()) {
    std::string alt_names;
    for (const auto& dns_name : dns_names) alt_names += (alt_names.empty() ? "DNS:" : ",DNS:") + dns_name;
    add_extension(cert, NID_subject_alt_name, alt_names);
  }
  add_extension(cert, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert, NID_ext_key_usage, "serverAuth,clientAuth");
  if (X509_sign(cert, identity.private_key.get(), EVP_sha256()) == 0)
    throw_openssl_error("cannot sign the certificate");
  return identity;
}

Identity load_pem_identity(const std::filesystem::path& certificate_file, const std::filesystem::path& key_file) {
  const auto open = [](const std::filesystem::path& path) {
    BioPtr bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) throw_openssl_error("cannot open " + path.string());
    return bio;
  };
  Identity identity;
  auto cert_bio = open(certificate_file);
  identity.certificate.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!identity.certificate) throw_openssl_error(certificate_file.string() + " holds no PEM certificate");
  auto key_bio = open(key_file);
  identity.private_key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!identity.private_key) throw_openssl_error(key_file.string() + " holds no unencrypted PEM private key");
  if (X509_check_private_key(identity.certificate.get(), identity.private_key.get()) != 1) {
    throw_openssl_error(key_file.string() + " is not the key of " + certificate_file.string());
  }
  return identity;
}

std::string certificate_to_pem(X509* certificate) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) throw_openssl_error("cannot encode the certificate");
  return bio_to_string(bio.get());
}

std::string private_key_to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw_openssl_error("cannot encode the private key");
  }
  return bio_to_string(bio.get());
}

std::string fingerprint(X509* certificate, std::string_view digest) {
  const EVP_MD* md = digest == "sha-256"   ? EVP_sha256()
                     : digest == "sha-384" ? EVP_sha384()
                     : digest == "sha-512" ? EVP_sha512()
                                           : nullptr;
  if (md == nullptr) throw CryptoError("unsupported fingerprint digest " + std::string(digest));
  std::array<unsigned char, EVP_MAX_MD_SIZE> bytes{};
  unsigned int length = 0;
  if (X509_digest(certificate, md, bytes.data(), &length) != 1) throw_openssl_error("cannot hash the certificate");
  // RFC 8122: upper-case hex pairs joined by colons.
  static constexpr std::string_view kHexDigits = "0123456789ABCDEF";
  std::string out;
  out.reserve(static_cast<std::size_t>(length) * 3);
  for (unsigned int i = 0; i < length; ++i) {
    if (i != 0) out += ':';
    out += kHexDigits[bytes[i] >> 4];
    out += kHexDigits[bytes[i] & 0x0F];
  }
  return out;
}

bool expires_within(X509* certificate, std::chrono::seconds margin) {
  const time_t limit = std::time(nullptr) + static_cast<time_t>(margin.count());
  time_t check_time = limit;
  // X509_cmp_time: -1 when notAfter is before the time given.
  return X509_cmp_time(X509_get0_notAfter(certificate), &check_time) < 0;
}

}  // namespace presentd::crypto

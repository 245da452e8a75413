// SPDX-License-Identifier: Apache-2.0
#include "presentd/dtls/dtls_identity_store.hpp"

#include <sys/stat.h>

#include "presentd/common/log.hpp"
#include "presentd/crypto/identity_store.hpp"
#include "presentd/crypto/openssl_error.hpp"

namespace presentd::dtls {
namespace {

constexpr std::chrono::hours kValidity{24 * 365};
constexpr std::chrono::seconds kRenewBefore{std::chrono::hours(24 * 30)};

bool has_key_type(const crypto::Identity& identity, crypto::KeyType type) {
  const int id = EVP_PKEY_get_base_id(identity.private_key.get());
  return type == crypto::KeyType::ecdsa_p256 ? id == EVP_PKEY_EC : id == EVP_PKEY_RSA;
}

}  // namespace

StoredDtlsIdentity load_or_create_dtls_identity(const std::filesystem::path& state_directory, crypto::KeyType type) {
  const auto directory = state_directory / "dtls";
  const auto certificate_file = directory / "dtls-certificate.pem";
  const auto key_file = directory / "dtls-key.pem";
  ::chmod(directory.c_str(), 0700);

  if (std::filesystem::exists(certificate_file) && std::filesystem::exists(key_file)) {
    try {
      StoredDtlsIdentity stored{crypto::load_pem_identity(certificate_file, key_file), false};
      const bool fresh = !crypto::expires_within(stored.identity.certificate.get(), kRenewBefore);
      if (fresh && has_key_type(stored.identity, type)) return stored;
      PD_LOG(notice, "dtls") << "replacing the DTLS certificate: " << (fresh ? "key type changed" : "expires soon");
    } catch (const crypto::CryptoError& error) {
      PD_LOG(warning, "dtls") << "replacing the unusable DTLS certificate: " << error.what();
    }
  }

  // No host name in the certificate: it is sent in clear to every peer and identifies nothing.
  StoredDtlsIdentity created{crypto::generate_self_signed(type, {"presentd"}, kValidity), true};
  // A full or read-only disk must not stop the daemon: sessions use it unsaved.
  if (!crypto::store_generated_identity(created.identity, key_file, certificate_file, "dtls")) return created;
  PD_LOG(notice, "dtls") << "generated the DTLS certificate " << certificate_file.string() << " (sha-256 "
                         << crypto::fingerprint(created.identity.certificate.get()) << ")";
  return created;
}

}  // namespace presentd::dtls

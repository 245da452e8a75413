// SPDX-License-Identifier: Apache-2.0
#pragma once
// Certificates and keys presentd creates or loads: the HTTPS identity now, the DTLS identity
// for media later. Thread: event loop (generation takes ~1 ms for P-256).
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "presentd/crypto/openssl_handles.hpp"

namespace presentd::crypto {

enum class KeyType { ecdsa_p256, rsa_2048 };

struct Identity {
  X509Ptr certificate;
  EvpPkeyPtr private_key;
};

// A self-signed certificate valid from one hour ago (clock skew) for `validity`.
// `dns_names` go into subjectAltName; the first one is also the subject CN.
Identity generate_self_signed(KeyType type, const std::vector<std::string>& dns_names, std::chrono::hours validity);

// PEM loading; throws CryptoError with the file name and OpenSSL's reason. The key must match
// the certificate.
Identity load_pem_identity(const std::filesystem::path& certificate_file, const std::filesystem::path& key_file);

std::string certificate_to_pem(X509* certificate);
std::string private_key_to_pem(EVP_PKEY* key);

// "AB:CD:..." upper-case hex of the DER digest (RFC 8122 §5 fingerprint form); `digest` is
// "sha-256", "sha-384" or "sha-512". Throws CryptoError for another digest name.
std::string fingerprint(X509* certificate, std::string_view digest = "sha-256");

// True when the certificate's notAfter is earlier than now + margin.
bool expires_within(X509* certificate, std::chrono::seconds margin);

}  // namespace presentd::crypto

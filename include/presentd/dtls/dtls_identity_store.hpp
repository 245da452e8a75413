// SPDX-License-Identifier: Apache-2.0
#pragma once
// The certificate presentd presents in every DTLS handshake. It is generated at first start and
// kept in the state directory, so the a=fingerprint in our answers stays the same across
// restarts (useful when reading logs and captures), and replaced 30 days before it expires or
// when the configured key type changes. Browsers do not check its validity dates (the fingerprint
// is the trust anchor), but a certificate that never changes for years would be poor practice.
// Thread: event loop, at start-up and on reload (P-256 generation takes ~1 ms, RSA-2048 ~100 ms).
#include <filesystem>

#include "presentd/crypto/certificate.hpp"

namespace presentd::dtls {

struct StoredDtlsIdentity {
  crypto::Identity identity;
  bool generated = false;  // created (or renewed) by this call
};

// Loads <state_directory>/dtls/dtls-{certificate,key}.pem when they are usable, of `type`, and not
// within 30 days of expiry; otherwise generates a new self-signed identity valid for a year and
// writes it there (key first, mode 0600). When the directory or files cannot be written (a full
// disk), it logs an error and returns the new identity unsaved.
StoredDtlsIdentity load_or_create_dtls_identity(const std::filesystem::path& state_directory, crypto::KeyType type);

}  // namespace presentd::dtls

// SPDX-License-Identifier: Apache-2.0
#pragma once
// Finds the HTTPS identity: the admin's files when configured, otherwise a self-signed one kept
// in the state directory (created at first start, renewed 30 days before it expires), so
// browsers that accepted it once keep accepting it across restarts.
// Thread: event loop, at start-up and on reload.
#include <filesystem>
#include <string>
#include <string_view>

#include "presentd/crypto/certificate.hpp"

namespace presentd::crypto {

struct StoredIdentity {
  Identity identity;
  std::filesystem::path certificate_file;
  bool generated = false;  // created by this call
};

// The admin's certificate and key files (config "tls"); both empty: generate and keep one.
struct IdentityFiles {
  std::string certificate;
  std::string private_key;
};

StoredIdentity load_or_create_https_identity(const IdentityFiles& files, const std::filesystem::path& state_directory);

// Writes `contents` to `path` through a temporary file and rename(), so a crash never leaves a
// half-written key; `mode` applies before any byte is written.
// A half-written temporary is removed. Throws CryptoError.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents, unsigned mode);

// Writes a generated identity (directory mode 0700, key first) for the next start. False, after
// one error line under `tag`, when the disk refuses it (full, read-only): the caller then uses the
// identity unsaved rather than stop the daemon.
bool store_generated_identity(const Identity& identity, const std::filesystem::path& key_file,
                              const std::filesystem::path& certificate_file, std::string_view tag);

}  // namespace presentd::crypto

// SPDX-License-Identifier: Apache-2.0
#include "presentd/crypto/identity_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "presentd/common/errno_text.hpp"
#include "presentd/common/log.hpp"
#include "presentd/crypto/openssl_error.hpp"

namespace presentd::crypto {
namespace {

constexpr std::chrono::hours kSelfSignedValidity{24 * 825};  // the longest lifetime browsers accept
constexpr std::chrono::seconds kRenewBefore{std::chrono::hours(24 * 30)};

std::string host_name() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "presentd";
  return name.data();
}

[[noreturn]] void throw_errno(const std::string& what) { throw CryptoError(what + ": " + errno_text(errno)); }

// A half-written temporary on a full disk would hold on to the little space that is left.
[[noreturn]] void remove_and_throw(const std::string& temporary, const std::string& what) {
  const int error = errno;
  ::unlink(temporary.c_str());
  errno = error;
  throw_errno(what + " " + temporary);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view contents, unsigned mode) {
  const auto temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw_errno("cannot create " + temporary);
  std::size_t written = 0;
  while (written < contents.size()) {
    const auto n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      errno = error;
      remove_and_throw(temporary, "cannot write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    errno = error;
    remove_and_throw(temporary, "cannot flush");
  }
  if (::close(fd) != 0) remove_and_throw(temporary, "cannot flush");
  if (::rename(temporary.c_str(), path.c_str()) != 0) remove_and_throw(temporary, "cannot rename");
}

bool store_generated_identity(const Identity& identity, const std::filesystem::path& key_file,
                              const std::filesystem::path& certificate_file, std::string_view tag) {
  try {
    const auto directory = key_file.parent_path();
    std::error_code ec;
    std::filesystem::create_directories(directory, ec);
    if (ec) throw CryptoError("cannot create " + directory.string() + ": " + ec.message());
    ::chmod(directory.c_str(), 0700);
    // Key first: a certificate on disk without its key would be loaded and then fail.
    write_file_atomically(key_file, private_key_to_pem(identity.private_key.get()), 0600);
    write_file_atomically(certificate_file, certificate_to_pem(identity.certificate.get()), 0644);
    return true;
  } catch (const CryptoError& error) {
    PD_LOG(error, tag) << "cannot store the new certificate (" << error.what()
                       << "); using it unsaved: it will not survive a restart";
    return false;
  }
}

StoredIdentity load_or_create_https_identity(const IdentityFiles& files, const std::filesystem::path& state_directory) {
  if (!files.certificate.empty()) {
    StoredIdentity stored{load_pem_identity(files.certificate, files.private_key), files.certificate, false};
    if (expires_within(stored.identity.certificate.get(), std::chrono::seconds(0))) {
      PD_LOG(warning, "tls") << files.certificate << " has expired: browsers will refuse it";
    }
    return stored;
  }

  const auto directory = state_directory / "tls";
  const auto certificate_file = directory / "https-certificate.pem";
  const auto key_file = directory / "https-key.pem";
  ::chmod(directory.c_str(), 0700);

  if (std::filesystem::exists(certificate_file) && std::filesystem::exists(key_file)) {
    try {
      StoredIdentity stored{load_pem_identity(certificate_file, key_file), certificate_file, false};
      if (!expires_within(stored.identity.certificate.get(), kRenewBefore)) return stored;
      PD_LOG(notice, "tls") << "the self-signed certificate expires within 30 days; generating a new one";
    } catch (const CryptoError& error) {
      PD_LOG(warning, "tls") << "replacing the unusable self-signed certificate: " << error.what();
    }
  }

  const auto name = host_name();
  StoredIdentity created{generate_self_signed(KeyType::ecdsa_p256, {name, name + ".local"}, kSelfSignedValidity),
                         certificate_file, true};
  // A full or read-only disk must not keep the room dark: the box serves with it unsaved.
  if (!store_generated_identity(created.identity, key_file, certificate_file, "tls")) return created;
  PD_LOG(notice, "tls") << "generated a self-signed certificate in " << certificate_file.string() << " (SHA-256 "
                        << fingerprint(created.identity.certificate.get()) << ")";
  return created;
}

}  // namespace presentd::crypto

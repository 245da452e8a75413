// SPDX-License-Identifier: Apache-2.0
// A state directory that cannot take the generated certificates (issue 12 item 5, a full disk):
// the daemon must start and serve with them unsaved, not exit. The endurance run
// bench/endurance/full_disk.py found that a first start on a full disk ended with "cannot start:
// cannot write .../https-key.pem.tmp: No space left on device".
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "presentd/crypto/identity_store.hpp"
#include "presentd/dtls/dtls_identity_store.hpp"
#include "support/temp_dir.hpp"

namespace presentd::crypto {
namespace {

// Files of this process may not grow past `bytes` while it lives: a write() past it fails
// (EFBIG, SIGXFSZ ignored) after a partial write, as one does on a disk that fills up.
class FileSizeLimit {
public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{bytes, saved_.rlim_max};
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    ::signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

private:
  rlimit saved_{};
  sighandler_t previous_handler_ = SIG_DFL;
};

bool has_temporary(const std::filesystem::path& directory) {
  if (!std::filesystem::exists(directory)) return false;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() == ".tmp") return true;
  }
  return false;
}

TEST(IdentityStoreFullDisk, HttpsCertificateIsServedUnsavedAndStoredOnceThereIsRoom) {
  test::TempDir state;
  StoredIdentity unsaved;
  {
    FileSizeLimit full(100);  // less than a PEM key: the write stops half-way
    ASSERT_NO_THROW(unsaved = load_or_create_https_identity({}, state.path()));
  }
  EXPECT_TRUE(unsaved.generated);
  EXPECT_NE(unsaved.identity.certificate.get(), nullptr);
  EXPECT_FALSE(std::filesystem::exists(state.path() / "tls/https-key.pem"));
  EXPECT_FALSE(has_temporary(state.path() / "tls")) << "the half-written temporary holds on to the space left";

  const auto stored = load_or_create_https_identity({}, state.path());
  EXPECT_TRUE(stored.generated);
  const auto reloaded = load_or_create_https_identity({}, state.path());
  EXPECT_FALSE(reloaded.generated);
  EXPECT_EQ(fingerprint(stored.identity.certificate.get()), fingerprint(reloaded.identity.certificate.get()));
}

TEST(IdentityStoreFullDisk, DtlsCertificateIsUsedUnsaved) {
  test::TempDir state;
  dtls::StoredDtlsIdentity unsaved;
  {
    FileSizeLimit full(100);
    ASSERT_NO_THROW(unsaved = dtls::load_or_create_dtls_identity(state.path(), KeyType::ecdsa_p256));
  }
  EXPECT_TRUE(unsaved.generated);
  EXPECT_NE(unsaved.identity.private_key.get(), nullptr);
  EXPECT_FALSE(std::filesystem::exists(state.path() / "dtls/dtls-key.pem"));
  EXPECT_FALSE(has_temporary(state.path() / "dtls"));
  EXPECT_TRUE(dtls::load_or_create_dtls_identity(state.path(), KeyType::ecdsa_p256).generated);
  EXPECT_TRUE(std::filesystem::exists(state.path() / "dtls/dtls-key.pem"));
}

}  // namespace
}  // namespace presentd::crypto

// SPDX-License-Identifier: Apache-2.0
#include "presentd/dtls/dtls_identity_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "presentd/crypto/identity_store.hpp"
#include "support/temp_dir.hpp"

namespace presentd::dtls {
namespace {

std::string sha256(const StoredDtlsIdentity& stored) { return crypto::fingerprint(stored.identity.certificate.get()); }

TEST(DtlsIdentityStore, GeneratedOnceThenKeptAcrossRestarts) {
  test::TempDir state;
  const auto first = load_or_create_dtls_identity(state.path(), crypto::KeyType::ecdsa_p256);
  EXPECT_TRUE(first.generated);
  EXPECT_EQ(EVP_PKEY_get_base_id(first.identity.private_key.get()), EVP_PKEY_EC);
  struct stat key_stat {};
  ASSERT_EQ(::stat((state.path() / "dtls" / "dtls-key.pem").c_str(), &key_stat), 0);
  EXPECT_EQ(key_stat.st_mode & 0777, 0600U);
  const auto second = load_or_create_dtls_identity(state.path(), crypto::KeyType::ecdsa_p256);
  EXPECT_FALSE(second.generated);
  EXPECT_EQ(sha256(first), sha256(second));
}

TEST(DtlsIdentityStore, KeyTypeChangeReplacesIt) {
  test::TempDir state;
  const auto ecdsa = load_or_create_dtls_identity(state.path(), crypto::KeyType::ecdsa_p256);
  const auto rsa = load_or_create_dtls_identity(state.path(), crypto::KeyType::rsa_2048);
  EXPECT_TRUE(rsa.generated);
  EXPECT_EQ(EVP_PKEY_get_bits(rsa.identity.private_key.get()), 2048);
  EXPECT_NE(sha256(ecdsa), sha256(rsa));
}

TEST(DtlsIdentityStore, SoonExpiringOrDamagedFilesAreReplaced) {
  test::TempDir state;
  std::filesystem::create_directories(state.path() / "dtls");
  // Valid for 10 days only: inside the 30-day renewal window.
  const auto short_lived = crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"x"}, std::chrono::hours(240));
  crypto::write_file_atomically(state.path() / "dtls" / "dtls-key.pem",
                                crypto::private_key_to_pem(short_lived.private_key.get()), 0600);
  crypto::write_file_atomically(state.path() / "dtls" / "dtls-certificate.pem",
                                crypto::certificate_to_pem(short_lived.certificate.get()), 0644);
  const auto renewed = load_or_create_dtls_identity(state.path(), crypto::KeyType::ecdsa_p256);
  EXPECT_TRUE(renewed.generated);
  EXPECT_NE(sha256(renewed), crypto::fingerprint(short_lived.certificate.get()));
  EXPECT_FALSE(crypto::expires_within(renewed.identity.certificate.get(), std::chrono::hours(24 * 300)));

  crypto::write_file_atomically(state.path() / "dtls" / "dtls-certificate.pem", "not a certificate", 0644);
  EXPECT_TRUE(load_or_create_dtls_identity(state.path(), crypto::KeyType::ecdsa_p256).generated);
}

}  // namespace
}  // namespace presentd::dtls

// SPDX-License-Identifier: Apache-2.0
#include "presentd/crypto/certificate.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <regex>

#include <openssl/x509v3.h>

#include "presentd/crypto/identity_store.hpp"
#include "presentd/crypto/openssl_error.hpp"
#include "support/temp_dir.hpp"

namespace presentd::crypto {
namespace {

TEST(Certificate, SelfSignedP256VerifiesWithItsOwnKeyAndNamesTheHost) {
  auto identity = generate_self_signed(KeyType::ecdsa_p256, {"box", "box.local"}, std::chrono::hours(48));
  EXPECT_EQ(X509_verify(identity.certificate.get(), identity.private_key.get()), 1);
  EXPECT_EQ(EVP_PKEY_get_base_id(identity.private_key.get()), EVP_PKEY_EC);
  EXPECT_EQ(X509_check_host(identity.certificate.get(), "box.local", 0, 0, nullptr), 1);
  EXPECT_NE(X509_check_host(identity.certificate.get(), "other.local", 0, 0, nullptr), 1);
  EXPECT_FALSE(expires_within(identity.certificate.get(), std::chrono::hours(24)));
  EXPECT_TRUE(expires_within(identity.certificate.get(), std::chrono::hours(72)));
}

TEST(Certificate, RsaByRequest) {
  auto identity = generate_self_signed(KeyType::rsa_2048, {"box"}, std::chrono::hours(1));
  EXPECT_EQ(EVP_PKEY_get_bits(identity.private_key.get()), 2048);
}

TEST(Certificate, FingerprintHasTheRfc8122Form) {
  auto identity = generate_self_signed(KeyType::ecdsa_p256, {"box"}, std::chrono::hours(1));
  const auto sha256 = fingerprint(identity.certificate.get());
  EXPECT_TRUE(std::regex_match(sha256, std::regex("([0-9A-F]{2}:){31}[0-9A-F]{2}"))) << sha256;
  EXPECT_EQ(fingerprint(identity.certificate.get(), "sha-512").size(), 64u * 3 - 1);
  EXPECT_THROW(fingerprint(identity.certificate.get(), "md5"), CryptoError);
}

TEST(IdentityStore, GeneratesOnceAndReusesAcrossRestarts) {
  test::TempDir state;
  const auto first = load_or_create_https_identity({}, state.path());
  EXPECT_TRUE(first.generated);
  const auto second = load_or_create_https_identity({}, state.path());
  EXPECT_FALSE(second.generated);
  EXPECT_EQ(fingerprint(first.identity.certificate.get()), fingerprint(second.identity.certificate.get()));

  struct stat key_stat {};
  ASSERT_EQ(::stat((state.path() / "tls/https-key.pem").c_str(), &key_stat), 0);
  EXPECT_EQ(key_stat.st_mode & 0777, 0600u);  // the private key is readable by presentd only
}

TEST(IdentityStore, ReplacesACorruptStoredCertificate) {
  test::TempDir state;
  const auto first = load_or_create_https_identity({}, state.path());
  state.write("tls/https-certificate.pem", "not a certificate");
  const auto second = load_or_create_https_identity({}, state.path());
  EXPECT_TRUE(second.generated);
}

TEST(IdentityStore, LoadsConfiguredFilesAndRejectsAMismatchedKey) {
  test::TempDir dir;
  auto a = generate_self_signed(KeyType::ecdsa_p256, {"a"}, std::chrono::hours(24));
  auto b = generate_self_signed(KeyType::ecdsa_p256, {"b"}, std::chrono::hours(24));
  const auto cert = dir.write("a.pem", certificate_to_pem(a.certificate.get()));
  const auto key_a = dir.write("a.key", private_key_to_pem(a.private_key.get()));
  const auto key_b = dir.write("b.key", private_key_to_pem(b.private_key.get()));

  const auto loaded = load_or_create_https_identity({cert.string(), key_a.string()}, dir.path());
  EXPECT_EQ(fingerprint(loaded.identity.certificate.get()), fingerprint(a.certificate.get()));
  try {
    load_or_create_https_identity({cert.string(), key_b.string()}, dir.path());
    FAIL() << "a mismatched key was accepted";
  } catch (const CryptoError& error) {
    EXPECT_NE(std::string(error.what()).find("is not the key of"), std::string::npos) << error.what();
  }
  const auto garbage = dir.write("garbage.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n");
  EXPECT_THROW(load_pem_identity(garbage, key_a), CryptoError);
}

}  // namespace
}  // namespace presentd::crypto

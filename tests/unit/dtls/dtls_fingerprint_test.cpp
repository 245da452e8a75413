// SPDX-License-Identifier: Apache-2.0
#include "presentd/dtls/dtls_fingerprint.hpp"

#include <gtest/gtest.h>

#include "presentd/crypto/certificate.hpp"

namespace presentd::dtls {
namespace {

TEST(DtlsFingerprint, ParsesAndNormalisesCaseAndSpaces) {
  std::string value;
  for (int i = 0; i < 32; ++i) value += (i ? ":" : "") + std::string(i % 2 ? "0f" : "A9");
  const auto parsed = parse_dtls_fingerprint("  SHA-256 " + value + "\r");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->algorithm, "sha-256");
  std::string upper = value;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(parsed->value, upper);
}

struct BadCase {
  const char* name;
  std::string text;
};

class DtlsFingerprintRejects : public ::testing::TestWithParam<BadCase> {};

std::string octets(int count, const std::string& octet = "AB") {
  std::string out;
  for (int i = 0; i < count; ++i) out += (i ? ":" : "") + octet;
  return out;
}

TEST_P(DtlsFingerprintRejects, Malformed) { EXPECT_FALSE(parse_dtls_fingerprint(GetParam().text)) << GetParam().name; }

INSTANTIATE_TEST_SUITE_P(Cases, DtlsFingerprintRejects,
                         ::testing::Values(BadCase{"sha-1 is not computed", "sha-1 " + octets(20)},
                                           BadCase{"md5", "md5 " + octets(16)},
                                           BadCase{"one octet short", "sha-256 " + octets(31)},
                                           BadCase{"one octet long", "sha-256 " + octets(33)},
                                           BadCase{"sha-384 length for sha-512", "sha-512 " + octets(48)},
                                           BadCase{"not hex", "sha-256 " + octets(32, "GZ")},
                                           BadCase{"no separator", "sha-256 " + std::string(64, 'A')},
                                           BadCase{"no value", "sha-256"}, BadCase{"empty", ""}));

TEST(DtlsFingerprint, CertificateMatchesOnlyItsOwnDigestPerAlgorithm) {
  const auto mine = crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"a"}, std::chrono::hours(1));
  const auto other = crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"a"}, std::chrono::hours(1));
  for (const char* algorithm : {"sha-256", "sha-384", "sha-512"}) {
    const auto own = certificate_fingerprint(mine.certificate.get(), algorithm);
    EXPECT_TRUE(certificate_matches(mine.certificate.get(), own)) << algorithm;
    EXPECT_FALSE(certificate_matches(other.certificate.get(), own)) << algorithm;
    // Lower-case hex from a peer still matches.
    auto lower = own;
    for (auto& c : lower.value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(certificate_matches(mine.certificate.get(), lower)) << algorithm;
    // Right digest, wrong algorithm label: the lengths differ, so it is refused.
    auto relabelled = own;
    relabelled.algorithm = std::string(algorithm) == "sha-256" ? "sha-384" : "sha-256";
    EXPECT_FALSE(certificate_matches(mine.certificate.get(), relabelled)) << algorithm;
  }
  EXPECT_FALSE(certificate_matches(nullptr, certificate_fingerprint(mine.certificate.get())));
}

TEST(DtlsFingerprint, OneFlippedNibbleIsAMismatch) {
  const auto mine = crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"a"}, std::chrono::hours(1));
  auto fingerprint = certificate_fingerprint(mine.certificate.get());
  auto& last = fingerprint.value.back();
  last = last == '0' ? '1' : '0';
  EXPECT_FALSE(certificate_matches(mine.certificate.get(), fingerprint));
}

}  // namespace
}  // namespace presentd::dtls

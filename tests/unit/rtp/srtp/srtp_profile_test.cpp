// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/srtp/srtp_profile.hpp"

#include <gtest/gtest.h>

#include <set>

namespace presentd::rtp {
namespace {

struct Expected {
  SrtpProfile profile;
  const char* name;
  const char* openssl_name;
  std::uint16_t dtls_id;
  std::size_t key;
  std::size_t salt;
  std::size_t rtp_trailer;
  std::size_t rtcp_trailer;
};

// Values as registered in RFC 5764 §4.1.2 / RFC 7714 §14.2 and tabulated in RFC 3711 §8.2 /
// RFC 7714 §12 (SRTCP adds the 4-octet E+index word, RFC 3711 §3.4), and as OpenSSL names them.
const Expected kExpected[] = {
    {SrtpProfile::aes_cm_128_hmac_sha1_80, "AES_CM_128_HMAC_SHA1_80", "SRTP_AES128_CM_SHA1_80", 0x0001, 16, 14, 10, 14},
    {SrtpProfile::aes_cm_128_hmac_sha1_32, "AES_CM_128_HMAC_SHA1_32", "SRTP_AES128_CM_SHA1_32", 0x0002, 16, 14, 4, 14},
    {SrtpProfile::aead_aes_128_gcm, "AEAD_AES_128_GCM", "SRTP_AEAD_AES_128_GCM", 0x0007, 16, 12, 16, 20},
    {SrtpProfile::aead_aes_256_gcm, "AEAD_AES_256_GCM", "SRTP_AEAD_AES_256_GCM", 0x0008, 32, 12, 16, 20},
};

TEST(SrtpProfile, TableMatchesTheRfcs) {
  for (const auto& e : kExpected) {
    const auto& info = srtp_profile_info(e.profile);
    SCOPED_TRACE(e.name);
    EXPECT_EQ(info.profile, e.profile);
    EXPECT_EQ(info.name, e.name);
    EXPECT_EQ(info.openssl_name, e.openssl_name);
    EXPECT_EQ(info.dtls_id, e.dtls_id);
    EXPECT_EQ(info.master_key_length, e.key);
    EXPECT_EQ(info.master_salt_length, e.salt);
    EXPECT_EQ(info.rtp_trailer_length, e.rtp_trailer);
    EXPECT_EQ(info.rtcp_trailer_length, e.rtcp_trailer);
    EXPECT_EQ(keying_material_length(e.profile), 2 * (e.key + e.salt));
    EXPECT_LE(e.rtcp_trailer, kMaxSrtpTrailerLength);
  }
  EXPECT_EQ(srtp_profiles().size(), std::size(kExpected));
}

TEST(SrtpProfile, LookupByOpensslNameAndDtlsId) {
  for (const auto& e : kExpected) {
    EXPECT_EQ(srtp_profile_from_openssl_name(e.openssl_name), e.profile);
    EXPECT_EQ(srtp_profile_from_dtls_id(e.dtls_id), e.profile);
  }
  for (const char* unknown : {"", "SRTP_NULL_SHA1_80", "srtp_aead_aes_128_gcm", "AEAD_AES_128_GCM",
                              "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"}) {
    EXPECT_EQ(srtp_profile_from_openssl_name(unknown), std::nullopt) << unknown;
  }
  for (const std::uint16_t unknown : {0x0000, 0x0005, 0x0006, 0x0009, 0x0100}) {
    EXPECT_EQ(srtp_profile_from_dtls_id(unknown), std::nullopt) << unknown;
  }
}

TEST(SrtpProfile, DefaultsAreTheThreeRequiredProfilesGcmFirst) {
  const auto defaults = default_srtp_profiles();
  ASSERT_EQ(defaults.size(), 3u);
  EXPECT_EQ(std::set<SrtpProfile>(defaults.begin(), defaults.end()),
            (std::set<SrtpProfile>{SrtpProfile::aead_aes_128_gcm, SrtpProfile::aead_aes_256_gcm,
                                   SrtpProfile::aes_cm_128_hmac_sha1_80}));
  EXPECT_EQ(srtp_openssl_profile_list(defaults), "SRTP_AEAD_AES_128_GCM:SRTP_AEAD_AES_256_GCM:SRTP_AES128_CM_SHA1_80");
  EXPECT_EQ(srtp_openssl_profile_list({}), "");
}

}  // namespace
}  // namespace presentd::rtp

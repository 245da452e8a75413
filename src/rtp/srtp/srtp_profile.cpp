// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/srtp/srtp_profile.hpp"

#include <array>

namespace presentd::rtp {
namespace {

// Lengths from RFC 3711 §8.2 / RFC 5764 §4.1.2 (AES-CM) and RFC 7714 §12 (GCM: 96-bit salt,
// 128-bit tag for both SRTP and SRTCP).
constexpr std::array<SrtpProfileInfo, 4> kProfiles{{
    {SrtpProfile::aead_aes_128_gcm, "AEAD_AES_128_GCM", "SRTP_AEAD_AES_128_GCM", 0x0007, 16, 12, 16, 4 + 16},
    {SrtpProfile::aead_aes_256_gcm, "AEAD_AES_256_GCM", "SRTP_AEAD_AES_256_GCM", 0x0008, 32, 12, 16, 4 + 16},
    {SrtpProfile::aes_cm_128_hmac_sha1_80, "AES_CM_128_HMAC_SHA1_80", "SRTP_AES128_CM_SHA1_80", 0x0001, 16, 14, 10,
     4 + 10},
    {SrtpProfile::aes_cm_128_hmac_sha1_32, "AES_CM_128_HMAC_SHA1_32", "SRTP_AES128_CM_SHA1_32", 0x0002, 16, 14, 4,
     4 + 10},
}};

constexpr std::array<SrtpProfile, 3> kDefaultProfiles{SrtpProfile::aead_aes_128_gcm, SrtpProfile::aead_aes_256_gcm,
                                                      SrtpProfile::aes_cm_128_hmac_sha1_80};

static_assert([] {
  for (const auto& p : kProfiles) {
    if (p.rtp_trailer_length > kMaxSrtpTrailerLength || p.rtcp_trailer_length > kMaxSrtpTrailerLength) return false;
  }
  return true;
}());

}  // namespace

std::span<const SrtpProfileInfo> srtp_profiles() { return kProfiles; }

const SrtpProfileInfo& srtp_profile_info(SrtpProfile profile) {
  for (const auto& info : kProfiles) {
    if (info.profile == profile) return info;
  }
  // Every enumerator is in the table (checked by the unit test); reaching here is a corrupted value.
  return kProfiles.back();
}

std::optional<SrtpProfile> srtp_profile_from_openssl_name(std::string_view openssl_name) {
  for (const auto& info : kProfiles) {
    if (info.openssl_name == openssl_name) return info.profile;
  }
  return std::nullopt;
}

std::optional<SrtpProfile> srtp_profile_from_dtls_id(std::uint16_t dtls_id) {
  for (const auto& info : kProfiles) {
    if (info.dtls_id == dtls_id) return info.profile;
  }
  return std::nullopt;
}

std::string srtp_openssl_profile_list(std::span<const SrtpProfile> profiles) {
  std::string out;
  for (const auto profile : profiles) {
    if (!out.empty()) out += ':';
    out += srtp_profile_info(profile).openssl_name;
  }
  return out;
}

std::span<const SrtpProfile> default_srtp_profiles() { return kDefaultProfiles; }

std::size_t keying_material_length(SrtpProfile profile) {
  const auto& info = srtp_profile_info(profile);
  return 2 * (info.master_key_length + info.master_salt_length);
}

}  // namespace presentd::rtp

// SPDX-License-Identifier: Apache-2.0
#pragma once
// SRTP protection profiles presentd negotiates through DTLS-SRTP (RFC 5764 §4.1.2, RFC 7714 §14.2)
// and the lengths each one implies. The DTLS module offers them to OpenSSL by name, reads back the
// chosen one and exports keying material of keying_material_length() bytes for it.
// Thread: none; constant tables only.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace presentd::rtp {

enum class SrtpProfile : std::uint8_t {
  aes_cm_128_hmac_sha1_80,  // RFC 3711 default; mandatory to implement in WebRTC (RFC 8827)
  aes_cm_128_hmac_sha1_32,  // 32-bit RTP tag; only for completeness, never preferred
  aead_aes_128_gcm,         // RFC 7714
  aead_aes_256_gcm,         // RFC 7714
};

struct SrtpProfileInfo {
  SrtpProfile profile;
  std::string_view name;           // RFC / SDES crypto-suite name, e.g. "AEAD_AES_128_GCM"
  std::string_view openssl_name;   // SSL_CTX_set_tlsext_use_srtp() name, e.g. "SRTP_AEAD_AES_128_GCM"
  std::uint16_t dtls_id;           // RFC 5764 §4.1.2 / RFC 7714 §14.2 protection profile value
  std::size_t master_key_length;   // octets
  std::size_t master_salt_length;  // octets
  // Octets srtp_protect()/srtp_protect_rtcp() append. RTP: the auth tag. SRTCP: the 4-octet
  // E-flag+index word (RFC 3711 §3.4) plus the tag. For AES_CM_128_HMAC_SHA1_32 the SRTCP tag is
  // still 80 bits (RFC 5764 §4.1.2).
  std::size_t rtp_trailer_length;
  std::size_t rtcp_trailer_length;
};

// Every profile above, in presentd's order of preference (first is most preferred). GCM first:
// it authenticates and encrypts in one pass and is ~6x cheaper per packet with Debian's libsrtp.
std::span<const SrtpProfileInfo> srtp_profiles();

const SrtpProfileInfo& srtp_profile_info(SrtpProfile profile);

// Lookups for what OpenSSL reports after the handshake (SSL_get_selected_srtp_profile()).
std::optional<SrtpProfile> srtp_profile_from_openssl_name(std::string_view openssl_name);
std::optional<SrtpProfile> srtp_profile_from_dtls_id(std::uint16_t dtls_id);

// "SRTP_AEAD_AES_128_GCM:..." for SSL_CTX_set_tlsext_use_srtp(); as a DTLS server OpenSSL picks the
// first entry of this list the client also offers, so the order is our preference.
std::string srtp_openssl_profile_list(std::span<const SrtpProfile> profiles);

// The profiles presentd offers by default: the three the issue requires (not the _32 one).
std::span<const SrtpProfile> default_srtp_profiles();

// Bytes to export with the "EXTRACTOR-dtls_srtp" label (RFC 5764 §4.2): two keys and two salts.
std::size_t keying_material_length(SrtpProfile profile);

// Largest trailer any profile appends; protect() reserves this much extra room.
inline constexpr std::size_t kMaxSrtpTrailerLength = 20;

}  // namespace presentd::rtp

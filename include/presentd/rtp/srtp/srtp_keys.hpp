// SPDX-License-Identifier: Apache-2.0
#pragma once
// SRTP master keys and the RFC 5764 §4.2 split of the DTLS exporter output into our (outbound) and
// the peer's (inbound) key and salt.
// Thread: none of its own; value types.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "presentd/rtp/srtp/srtp_profile.hpp"

namespace presentd::rtp {

// Label for SSL_export_keying_material() (RFC 5764 §4.2), no context.
inline constexpr std::string_view kDtlsSrtpExporterLabel = "EXTRACTOR-dtls_srtp";

enum class DtlsRole : std::uint8_t { client, server };

// One master key and master salt, stored back to back because that is the layout libsrtp's
// srtp_policy_t::key expects. The bytes are wiped when the object dies or is overwritten.
class SrtpMasterKey {
public:
  SrtpMasterKey() = default;
  SrtpMasterKey(std::span<const std::uint8_t> key, std::span<const std::uint8_t> salt);
  SrtpMasterKey(const SrtpMasterKey& other) = default;
  SrtpMasterKey(SrtpMasterKey&& other) noexcept = default;
  // Copy-and-swap: the previous bytes end up in `other`, whose destructor wipes them.
  SrtpMasterKey& operator=(SrtpMasterKey other) noexcept;
  ~SrtpMasterKey();

  std::span<const std::uint8_t> key() const { return std::span(key_and_salt_).first(key_length_); }
  std::span<const std::uint8_t> salt() const { return std::span(key_and_salt_).subspan(key_length_); }
  std::span<const std::uint8_t> key_and_salt() const { return key_and_salt_; }

private:
  std::vector<std::uint8_t> key_and_salt_;
  std::size_t key_length_ = 0;
};

struct SrtpKeyPair {
  SrtpMasterKey local;   // protects what we send (outbound: RTCP feedback, anything we echo)
  SrtpMasterKey remote;  // unprotects what the peer sends (inbound media)
};

// RFC 5764 §4.2: the exporter output is
//   client_write_SRTP_master_key | server_write_SRTP_master_key |
//   client_write_SRTP_master_salt | server_write_SRTP_master_salt
// so keys and salts are NOT interleaved per side. The DTLS client writes with the client key:
// as client our local key is the client's, as server it is the server's.
// Returns nullopt unless `exported` is exactly keying_material_length(profile) bytes.
std::optional<SrtpKeyPair> split_dtls_srtp_keying_material(SrtpProfile profile, std::span<const std::uint8_t> exported,
                                                           DtlsRole our_role);

}  // namespace presentd::rtp

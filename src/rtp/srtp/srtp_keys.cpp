// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/srtp/srtp_keys.hpp"

#include <openssl/crypto.h>

#include <utility>

namespace presentd::rtp {

SrtpMasterKey::SrtpMasterKey(std::span<const std::uint8_t> key, std::span<const std::uint8_t> salt)
    : key_length_(key.size()) {
  key_and_salt_.reserve(key.size() + salt.size());
  key_and_salt_.insert(key_and_salt_.end(), key.begin(), key.end());
  key_and_salt_.insert(key_and_salt_.end(), salt.begin(), salt.end());
}

SrtpMasterKey& SrtpMasterKey::operator=(SrtpMasterKey other) noexcept {
  std::swap(key_and_salt_, other.key_and_salt_);
  std::swap(key_length_, other.key_length_);
  return *this;
}

SrtpMasterKey::~SrtpMasterKey() {
  if (!key_and_salt_.empty()) OPENSSL_cleanse(key_and_salt_.data(), key_and_salt_.size());
}

std::optional<SrtpKeyPair> split_dtls_srtp_keying_material(SrtpProfile profile, std::span<const std::uint8_t> exported,
                                                           DtlsRole our_role) {
  const auto& info = srtp_profile_info(profile);
  if (exported.size() != keying_material_length(profile)) return std::nullopt;

  const std::size_t key_len = info.master_key_length;
  const std::size_t salt_len = info.master_salt_length;
  const auto client_key = exported.subspan(0, key_len);
  const auto server_key = exported.subspan(key_len, key_len);
  const auto client_salt = exported.subspan(2 * key_len, salt_len);
  const auto server_salt = exported.subspan(2 * key_len + salt_len, salt_len);

  SrtpMasterKey client(client_key, client_salt);
  SrtpMasterKey server(server_key, server_salt);
  if (our_role == DtlsRole::client) return SrtpKeyPair{std::move(client), std::move(server)};
  return SrtpKeyPair{std::move(server), std::move(client)};
}

}  // namespace presentd::rtp

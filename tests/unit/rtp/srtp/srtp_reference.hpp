// SPDX-License-Identifier: Apache-2.0
#pragma once
// An independent SRTP/SRTCP packet builder for tests, written from RFC 3711 and RFC 7714 with
// OpenSSL's EVP primitives only. It shares no code with libsrtp, so a packet it builds that
// presentd's SrtpSession (libsrtp) accepts shows both follow the RFCs, not merely each other.
// The tests first pin this builder to the RFCs' own vectors (tests/vectors/srtp/).
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace presentd::rtp::test {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

inline Bytes from_hex(std::string_view text) {
  Bytes out;
  int high = -1;
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) throw std::invalid_argument("not hex");
    const int nibble = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    if (high < 0) {
      high = nibble;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | nibble));
      high = -1;
    }
  }
  if (high >= 0) throw std::invalid_argument("odd number of hex digits");
  return out;
}

// Reads tests/vectors/srtp/<file>: "name = hex" lines, '#' comments.
inline std::map<std::string, Bytes> load_vectors(const std::string& file) {
  const std::string path = std::string(PRESENTD_SOURCE_DIR) + "/tests/vectors/srtp/" + file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::map<std::string, Bytes> vectors;
  std::string line;
  while (std::getline(in, line)) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    const auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string name = line.substr(0, equals);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
    vectors[name] = from_hex(std::string_view(line).substr(equals + 1));
  }
  return vectors;
}

inline Bytes concat(std::initializer_list<ByteSpan> parts) {
  Bytes out;
  for (const auto part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

inline Bytes be_bytes(std::uint64_t value, int count) {
  Bytes out;
  for (int i = count - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  return out;
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

// AES in counter mode with a 128-bit big-endian counter starting at `iv` (RFC 3711 §4.1.1 uses the
// low 16 bits as block counter; OpenSSL's CTR increments all 128, equal for < 2^16 blocks).
inline Bytes aes_ctr(ByteSpan key, ByteSpan iv, ByteSpan data) {
  const EVP_CIPHER* cipher = key.size() == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr();
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  Bytes out(data.size() + 16);
  int len = 0;
  int final_len = 0;
  if (!ctx || iv.size() != 16 || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(), iv.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, data.data(), static_cast<int>(data.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &final_len) != 1) {
    throw std::runtime_error("AES-CTR failed");
  }
  out.resize(static_cast<std::size_t>(len + final_len));
  return out;
}

inline Bytes hmac_sha1(ByteSpan key, ByteSpan data) {
  Bytes out(20);
  unsigned int len = 0;
  if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len) ==
      nullptr) {
    throw std::runtime_error("HMAC-SHA1 failed");
  }
  out.resize(len);
  return out;
}

// AES-GCM with a 12-octet IV and a 16-octet tag: returns ciphertext || tag.
inline Bytes aes_gcm_seal(ByteSpan key, ByteSpan iv, ByteSpan aad, ByteSpan plaintext) {
  const EVP_CIPHER* cipher = key.size() == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  Bytes out(plaintext.size() + 16);
  int len = 0;
  int final_len = 0;
  if (!ctx || iv.size() != 12 || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(), iv.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, plaintext.data(), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.data() + plaintext.size()) != 1) {
    throw std::runtime_error("AES-GCM failed");
  }
  return out;
}

// RFC 3711 §4.3.1 with key_derivation_rate 0: x = (label << 48) XOR master_salt, the PRF input
// block is x * 2^16, and the PRF is AES-CM keyed with the master key (AES-256 for 32-octet keys,
// RFC 6188). A 96-bit GCM master salt is padded with 16 zero bits on the right (RFC 7714 §11).
inline Bytes derive(ByteSpan master_key, ByteSpan master_salt, std::uint8_t label, std::size_t length) {
  Bytes block(16, 0);
  std::copy(master_salt.begin(), master_salt.end(), block.begin());
  block[7] ^= label;
  return aes_ctr(master_key, block, Bytes(length, 0));
}

struct SessionKeys {
  Bytes cipher_key;
  Bytes cipher_salt;
  Bytes auth_key;  // empty for GCM
};

enum class Stream { rtp, rtcp };

// Labels: RTP 0x00 cipher, 0x01 auth, 0x02 salt; RTCP 0x03, 0x04, 0x05 (RFC 3711 §4.3.2).
inline SessionKeys derive_session_keys(ByteSpan master_key, ByteSpan master_salt, Stream stream, bool gcm) {
  const std::uint8_t base = stream == Stream::rtp ? 0x00 : 0x03;
  SessionKeys keys;
  keys.cipher_key = derive(master_key, master_salt, base, master_key.size());
  keys.cipher_salt = derive(master_key, master_salt, base + 2, gcm ? 12 : 14);
  if (!gcm) keys.auth_key = derive(master_key, master_salt, base + 1, 20);
  return keys;
}

// RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).
inline Bytes aes_cm_iv(ByteSpan session_salt, std::uint32_t ssrc, std::uint64_t index) {
  Bytes iv(16, 0);
  std::copy(session_salt.begin(), session_salt.end(), iv.begin());
  const Bytes s = be_bytes(ssrc, 4);
  const Bytes i = be_bytes(index, 6);
  for (int n = 0; n < 4; ++n) iv[4 + n] ^= s[n];
  for (int n = 0; n < 6; ++n) iv[8 + n] ^= i[n];
  return iv;
}

// RFC 7714 §8.1 (RTP) and §9.1 (RTCP): 12-octet IV =
//   00 00 || SSRC || ROC || SEQ          (RTP)
//   00 00 || SSRC || 00 00 || 0 || index (RTCP, 31-bit index)
// XOR the 12-octet session salt.
inline Bytes gcm_iv(ByteSpan session_salt, std::uint32_t ssrc, std::uint64_t index48) {
  Bytes iv = concat({be_bytes(0, 2), be_bytes(ssrc, 4), be_bytes(index48, 6)});
  for (std::size_t n = 0; n < iv.size(); ++n) iv[n] ^= session_salt[n];
  return iv;
}

inline std::uint32_t read_u32(ByteSpan data, std::size_t offset) {
  return static_cast<std::uint32_t>(data[offset]) << 24 | static_cast<std::uint32_t>(data[offset + 1]) << 16 |
         static_cast<std::uint32_t>(data[offset + 2]) << 8 | data[offset + 3];
}

// SRTP per RFC 3711 §3.1/§4.2 for AES_CM_128_HMAC_SHA1_*: header || AES-CM(payload) ||
// HMAC-SHA1(k_a, header || ciphertext || ROC) truncated to tag_length.
inline Bytes build_srtp_aes_cm(const SessionKeys& keys, ByteSpan rtp, std::size_t header_length, std::uint32_t roc,
                               std::size_t tag_length) {
  const std::uint16_t seq = static_cast<std::uint16_t>(rtp[2] << 8 | rtp[3]);
  const std::uint64_t index = (std::uint64_t{roc} << 16) | seq;
  const auto iv = aes_cm_iv(keys.cipher_salt, read_u32(rtp, 8), index);
  Bytes out = concat({rtp.first(header_length), aes_ctr(keys.cipher_key, iv, rtp.subspan(header_length))});
  const auto tag = hmac_sha1(keys.auth_key, concat({out, be_bytes(roc, 4)}));
  out.insert(out.end(), tag.begin(), tag.begin() + static_cast<std::ptrdiff_t>(tag_length));
  return out;
}

// SRTCP per RFC 3711 §3.4: header(8) || AES-CM(rest) || E=1|index || HMAC-SHA1-80 over all before it.
inline Bytes build_srtcp_aes_cm(const SessionKeys& keys, ByteSpan rtcp, std::uint32_t index) {
  const auto iv = aes_cm_iv(keys.cipher_salt, read_u32(rtcp, 4), index);
  Bytes out = concat({rtcp.first(8), aes_ctr(keys.cipher_key, iv, rtcp.subspan(8)), be_bytes(0x80000000u | index, 4)});
  const auto tag = hmac_sha1(keys.auth_key, out);
  out.insert(out.end(), tag.begin(), tag.begin() + 10);
  return out;
}

// SRTP per RFC 7714 §8: header (AAD) || AES-GCM(payload) || 16-octet tag.
inline Bytes build_srtp_gcm(const SessionKeys& keys, ByteSpan rtp, std::size_t header_length, std::uint32_t roc) {
  const std::uint16_t seq = static_cast<std::uint16_t>(rtp[2] << 8 | rtp[3]);
  const auto iv = gcm_iv(keys.cipher_salt, read_u32(rtp, 8), (std::uint64_t{roc} << 16) | seq);
  return concat({rtp.first(header_length),
                 aes_gcm_seal(keys.cipher_key, iv, rtp.first(header_length), rtp.subspan(header_length))});
}

// SRTCP per RFC 7714 §9: header(8) || AES-GCM(rest) || tag || E=1|index; AAD = header || E|index.
inline Bytes build_srtcp_gcm(const SessionKeys& keys, ByteSpan rtcp, std::uint32_t index) {
  const Bytes e_index = be_bytes(0x80000000u | index, 4);
  const auto iv = gcm_iv(keys.cipher_salt, read_u32(rtcp, 4), index);
  return concat(
      {rtcp.first(8), aes_gcm_seal(keys.cipher_key, iv, concat({rtcp.first(8), e_index}), rtcp.subspan(8)), e_index});
}

// A plain RTP packet with a 12-octet header (V=2, no CSRC, no extension).
inline Bytes make_rtp(std::uint16_t seq, std::uint32_t timestamp, std::uint32_t ssrc, ByteSpan payload,
                      std::uint8_t payload_type = 96) {
  return concat({Bytes{0x80, payload_type}, be_bytes(seq, 2), be_bytes(timestamp, 4), be_bytes(ssrc, 4), payload});
}

// A receiver report (RFC 3550 §6.4.2) with one report block; contents arbitrary but well formed.
inline Bytes make_rtcp_rr(std::uint32_t sender_ssrc, std::uint32_t media_ssrc, std::uint32_t extended_seq) {
  return concat({Bytes{0x81, 201, 0x00, 0x07}, be_bytes(sender_ssrc, 4), be_bytes(media_ssrc, 4), be_bytes(0, 4),
                 be_bytes(extended_seq, 4), be_bytes(17, 4), be_bytes(0, 4), be_bytes(0, 4)});
}

inline Bytes pattern(std::size_t length, std::uint8_t seed) {
  Bytes out(length);
  for (std::size_t i = 0; i < length; ++i) out[i] = static_cast<std::uint8_t>(seed + 7 * i);
  return out;
}

}  // namespace presentd::rtp::test

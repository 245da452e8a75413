// SPDX-License-Identifier: Apache-2.0
#include "dtls/dtls_record.hpp"

#include "presentd/common/byte_reader.hpp"

namespace presentd::dtls {
namespace {

constexpr std::uint8_t kFirstContentType = 20;  // change_cipher_spec
constexpr std::uint8_t kLastContentType = 26;   // ack (RFC 9147 §4)
constexpr std::uint8_t kDtlsVersionMajor = 0xFE;

}  // namespace

std::optional<std::size_t> count_dtls_records(std::span<const std::uint8_t> datagram) {
  if (datagram.size() > kMaxDtlsDatagramLength) return std::nullopt;
  ByteReader reader(datagram);
  std::size_t records = 0;
  while (!reader.empty()) {
    const auto type = reader.u8();
    const auto major = reader.u8();
    const auto minor = reader.u8();
    // epoch (2) + sequence_number (6): not checked here, OpenSSL owns replay protection.
    const bool skipped = reader.bytes(8).has_value();
    const auto length = reader.u16();
    if (!type || !major || !minor || !skipped || !length) return std::nullopt;
    if (*type < kFirstContentType || *type > kLastContentType || *major != kDtlsVersionMajor) return std::nullopt;
    if (!reader.bytes(*length)) return std::nullopt;
    ++records;
  }
  if (records == 0) return std::nullopt;
  return records;
}

}  // namespace presentd::dtls

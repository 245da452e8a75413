// SPDX-License-Identifier: Apache-2.0
#pragma once
// A cheap sanity check on a datagram before OpenSSL sees it. OpenSSL silently discards records it
// cannot parse, so without this check garbage would be invisible; with it, malformed datagrams
// are counted and never reach the TLS state machine.
// Thread: none; pure function.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace presentd::dtls {

// DTLS record layer, RFC 6347 §4.1 (DTLS 1.2; DTLS 1.0 and the DTLS 1.3 plaintext records of
// RFC 9147 §4 use the same header):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  ContentType  | ProtocolVersion (0xFE, minor) |     epoch     ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~     epoch     |          sequence_number (48 bits)            ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                               |            length             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                    fragment (length octets) ...               |
//
// One datagram may carry several records back to back (RFC 6347 §4.1.1).
inline constexpr std::size_t kDtlsRecordHeaderLength = 13;

// Largest record OpenSSL accepts: 2^14 plaintext plus the allowed expansion (RFC 6347 §4.1.1,
// RFC 5246 §6.2.3), which bounds any datagram worth handing to it.
inline constexpr std::size_t kMaxDtlsDatagramLength = kDtlsRecordHeaderLength + 16384 + 2048;

// Number of records when `datagram` is one or more complete DTLSPlaintext records with content
// types 20..26 (change_cipher_spec, alert, handshake, application_data, heartbeat, tls12_cid,
// ack) and version major 0xFE; nullopt otherwise (empty, truncated, trailing bytes, RFC 9147
// unified headers, which only appear after DTLS 1.3 was negotiated and OpenSSL 3.0 never does).
[[nodiscard]] std::optional<std::size_t> count_dtls_records(std::span<const std::uint8_t> datagram);

}  // namespace presentd::dtls

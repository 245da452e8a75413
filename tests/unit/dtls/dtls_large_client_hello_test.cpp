// SPDX-License-Identifier: Apache-2.0
// Firefox offers DTLS 1.3 with an X25519MLKEM768 key share, which makes its ClientHello ~1.4 kB and
// splits it into two handshake fragments in two datagrams. OpenSSL 3.0 has no DTLS 1.3: it must
// reassemble the fragments and answer with a DTLS 1.2 ServerHello that picks our SRTP profile.
// The ClientHello below is built to that shape (RFC 9147 §5.2 / RFC 8446 §4.1.2 fields).
#include <gtest/gtest.h>

#include <random>

#include "dtls_pair.hpp"
#include "presentd/common/byte_reader.hpp"
#include "presentd/common/byte_writer.hpp"
#include "presentd/dtls/dtls_transport.hpp"

namespace presentd::dtls {
namespace {

constexpr std::uint16_t kDtls12 = 0xFEFD;
constexpr std::uint16_t kDtls13 = 0xFEFC;
constexpr std::uint16_t kX25519MlKem768 = 0x11EC;
constexpr std::uint16_t kX25519 = 0x001D;
constexpr std::uint16_t kUseSrtp = 0x000E;

std::vector<std::uint8_t> random_bytes(std::mt19937& rng, std::size_t count) {
  std::vector<std::uint8_t> out(count);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

void extension(ByteWriter& w, std::uint16_t type, const std::vector<std::uint8_t>& body) {
  w.u16(type);
  w.u16(static_cast<std::uint16_t>(body.size()));
  w.bytes(body);
}

// ClientHello body (RFC 6347 §4.2.1 layout, which DTLS 1.3 keeps on the wire).
std::vector<std::uint8_t> firefox_like_client_hello_body(std::mt19937& rng) {
  std::vector<std::uint8_t> body;
  ByteWriter w(body);
  w.u16(kDtls12);  // legacy_version
  w.bytes(random_bytes(rng, 32));
  w.u8(0);  // session id
  w.u8(0);  // cookie
  const std::vector<std::uint16_t> suites{0x1301, 0x1303, 0x1302, 0xC02B, 0xC02F, 0xCCA9, 0xCCA8, 0xC02C, 0xC030};
  w.u16(static_cast<std::uint16_t>(suites.size() * 2));
  for (const auto s : suites) w.u16(s);
  w.u8(1);
  w.u8(0);  // null compression

  std::vector<std::uint8_t> extensions;
  ByteWriter e(extensions);
  extension(e, 0x0017, {});                                                            // extended_master_secret
  extension(e, 0xFF01, {0x00});                                                        // renegotiation_info
  extension(e, 0x000A, {0x00, 0x08, 0x11, 0xEC, 0x00, 0x1D, 0x00, 0x17, 0x00, 0x18});  // supported_groups
  extension(e, 0x000B, {0x01, 0x00});                                                  // ec_point_formats
  extension(e, 0x000D, {0x00, 0x0C, 0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x04, 0x08, 0x05, 0x08, 0x06});
  // use_srtp: AEAD_AES_128_GCM, AEAD_AES_256_GCM, AES_CM_128_HMAC_SHA1_80, then an empty MKI.
  extension(e, kUseSrtp, {0x00, 0x06, 0x00, 0x07, 0x00, 0x08, 0x00, 0x01, 0x00});
  extension(e, 0x002B, {0x04, 0xFE, 0xFC, 0xFE, 0xFD});  // supported_versions: DTLS 1.3, 1.2
  std::vector<std::uint8_t> shares;
  ByteWriter s(shares);
  s.u16(0);  // patched below
  s.u16(kX25519MlKem768);
  s.u16(1216);
  s.bytes(random_bytes(rng, 1216));
  s.u16(kX25519);
  s.u16(32);
  s.bytes(random_bytes(rng, 32));
  s.patch_u16(0, static_cast<std::uint16_t>(shares.size() - 2));
  extension(e, 0x0033, shares);        // key_share
  extension(e, 0x002D, {0x01, 0x01});  // psk_key_exchange_modes
  w.u16(static_cast<std::uint16_t>(extensions.size()));
  w.bytes(extensions);
  return body;
}

// One record holding one fragment of handshake message 0 (RFC 6347 §4.2.2 header).
std::vector<std::uint8_t> fragment_record(const std::vector<std::uint8_t>& body, std::size_t offset, std::size_t length,
                                          std::uint16_t record_sequence) {
  std::vector<std::uint8_t> record;
  ByteWriter w(record);
  w.u8(22);
  w.u16(0xFEFF);  // RFC 9147 §4: the initial ClientHello may carry DTLS 1.0 as record version
  w.u16(0);       // epoch
  w.u16(0);
  w.u32(record_sequence);
  w.u16(static_cast<std::uint16_t>(12 + length));
  w.u8(1);  // client_hello
  w.u24(static_cast<std::uint32_t>(body.size()));
  w.u16(0);  // message_seq
  w.u24(static_cast<std::uint32_t>(offset));
  w.u24(static_cast<std::uint32_t>(length));
  w.bytes(std::span(body).subspan(offset, length));
  return record;
}

struct ServerHello {
  std::uint16_t version = 0;
  std::uint16_t cipher_suite = 0;
  std::optional<std::uint16_t> srtp_profile;
};

// First record of the server's first datagram: a ServerHello (RFC 5246 §7.4.1.3, DTLS header).
std::optional<ServerHello> parse_server_hello(std::span<const std::uint8_t> datagram) {
  ByteReader r(datagram);
  const auto type = r.u8();
  if (!type || *type != 22 || !r.bytes(12)) return std::nullopt;  // version, epoch, seq, length
  const auto msg_type = r.u8();
  if (!msg_type || *msg_type != 2 || !r.bytes(11)) return std::nullopt;  // length, seq, offset, fragment length
  ServerHello hello;
  const auto version = r.u16();
  const bool random = r.bytes(32).has_value();
  const auto session_id_length = r.u8();
  if (!version || !random || !session_id_length || !r.bytes(*session_id_length)) return std::nullopt;
  const auto suite = r.u16();
  const auto compression = r.u8();
  const auto extensions_length = r.u16();
  const auto extensions = extensions_length ? r.bytes(*extensions_length) : std::nullopt;
  if (!suite || !compression || !extensions) return std::nullopt;
  hello.version = *version;
  hello.cipher_suite = *suite;
  ByteReader e(*extensions);
  while (!e.empty()) {
    const auto ext_type = e.u16();
    const auto ext_length = e.u16();
    const auto ext_body = ext_length ? e.bytes(*ext_length) : std::nullopt;
    if (!ext_type || !ext_body) return std::nullopt;
    if (*ext_type != kUseSrtp) continue;
    ByteReader srtp(*ext_body);
    const auto list_length = srtp.u16();
    const auto profile = srtp.u16();
    if (list_length != 2 || !profile) return std::nullopt;
    hello.srtp_profile = profile;
  }
  return hello;
}

class DtlsLargeClientHello : public ::testing::TestWithParam<bool> {};

TEST_P(DtlsLargeClientHello, FragmentedDtls13OfferIsAnsweredWithDtls12AndGcm) {
  std::mt19937 rng(9147);
  const auto body = firefox_like_client_hello_body(rng);
  ASSERT_GT(body.size(), 1350U);  // more than one 1200-octet datagram can carry
  std::vector<std::vector<std::uint8_t>> datagrams{fragment_record(body, 0, 1100, 0),
                                                   fragment_record(body, 1100, body.size() - 1100, 1)};
  if (GetParam()) std::swap(datagrams[0], datagrams[1]);  // the second half overtakes the first

  const auto server_identity = testing::make_identity();
  const auto client_identity = testing::make_identity();
  DtlsConfig config;
  config.role = rtp::DtlsRole::server;
  config.remote_fingerprints = {testing::fingerprint_of(client_identity)};
  std::vector<std::vector<std::uint8_t>> sent;
  DtlsCallbacks callbacks;
  callbacks.send = [&](std::vector<std::uint8_t> datagram) { sent.push_back(std::move(datagram)); };
  DtlsTransport server(server_identity, config, callbacks);
  server.start();

  server.on_datagram(datagrams[0]);
  EXPECT_TRUE(sent.empty());  // half a ClientHello: nothing to answer yet
  server.on_datagram(datagrams[1]);
  ASSERT_EQ(server.state(), DtlsState::connecting) << server.failure_reason();
  ASSERT_FALSE(sent.empty());
  const auto hello = parse_server_hello(sent.front());
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->version, kDtls12);
  EXPECT_NE(hello->version, kDtls13);
  EXPECT_EQ(hello->cipher_suite, 0xC02B);  // ECDHE-ECDSA-AES128-GCM-SHA256: our certificate is P-256
  EXPECT_EQ(hello->srtp_profile, 0x0007);  // SRTP_AEAD_AES_128_GCM (RFC 7714 §14.2)
  for (const auto& datagram : sent) EXPECT_LE(datagram.size(), 1200U);
}

INSTANTIATE_TEST_SUITE_P(Order, DtlsLargeClientHello, ::testing::Values(false, true),
                         [](const auto& test_info) { return test_info.param ? "reversed" : "in_order"; });

}  // namespace
}  // namespace presentd::dtls

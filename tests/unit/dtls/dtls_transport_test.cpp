// SPDX-License-Identifier: Apache-2.0
#include "presentd/dtls/dtls_transport.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "dtls/dtls_record.hpp"
#include "dtls_pair.hpp"
#include "presentd/rtp/srtp/srtp_session.hpp"

namespace presentd::dtls {
namespace {

using testing::DtlsPair;
using testing::PairOptions;

// A minimal RTP packet (RFC 3550 §5.1): V=2, PT 96, the given sequence number, SSRC 0x11223344.
std::vector<std::uint8_t> rtp_packet(std::uint16_t sequence, std::uint8_t fill) {
  std::vector<std::uint8_t> packet{0x80,
                                   96,
                                   static_cast<std::uint8_t>(sequence >> 8),
                                   static_cast<std::uint8_t>(sequence),
                                   0,
                                   0,
                                   0x10,
                                   0,
                                   0x11,
                                   0x22,
                                   0x33,
                                   0x44};
  packet.insert(packet.end(), 100, fill);
  return packet;
}

// The keys must be usable as a pair: what one side protects the other unprotects, both ways,
// across the 16-bit sequence wrap (start chosen so the run crosses it).
void expect_srtp_works(const DtlsPair& pair) {
  ASSERT_TRUE(pair.client.keys && pair.server.keys && pair.client.profile);
  rtp::SrtpContext client(*pair.client.profile, *pair.client.keys);
  rtp::SrtpContext server(*pair.server.profile, *pair.server.keys);
  std::mt19937 rng(5764);
  const auto start = static_cast<std::uint16_t>(65530 - rng() % 8);
  for (std::uint16_t i = 0; i < 12; ++i) {
    const auto sequence = static_cast<std::uint16_t>(start + i);
    const auto plain = rtp_packet(sequence, static_cast<std::uint8_t>(i));
    auto to_server = plain;
    ASSERT_EQ(client.outbound.protect_rtp(to_server), rtp::SrtpResult::ok);
    EXPECT_NE(to_server, plain);
    ASSERT_EQ(server.inbound.unprotect_rtp(to_server), rtp::SrtpResult::ok);
    EXPECT_EQ(to_server, plain);
    auto to_client = plain;
    ASSERT_EQ(server.outbound.protect_rtp(to_client), rtp::SrtpResult::ok);
    ASSERT_EQ(client.inbound.unprotect_rtp(to_client), rtp::SrtpResult::ok);
    EXPECT_EQ(to_client, plain);
  }
  // A side's own outbound packet must not authenticate on its own inbound session.
  auto reflected = rtp_packet(static_cast<std::uint16_t>(start + 100), 0xAA);  // unseen index: not a replay
  ASSERT_EQ(client.outbound.protect_rtp(reflected), rtp::SrtpResult::ok);
  EXPECT_EQ(client.inbound.unprotect_rtp(reflected), rtp::SrtpResult::auth_failed);
}

void expect_mirrored_keys(const DtlsPair& pair) {
  ASSERT_TRUE(pair.client.keys && pair.server.keys);
  const auto as_vector = [](std::span<const std::uint8_t> s) { return std::vector<std::uint8_t>(s.begin(), s.end()); };
  EXPECT_EQ(as_vector(pair.client.keys->local.key_and_salt()), as_vector(pair.server.keys->remote.key_and_salt()));
  EXPECT_EQ(as_vector(pair.client.keys->remote.key_and_salt()), as_vector(pair.server.keys->local.key_and_salt()));
  EXPECT_NE(as_vector(pair.client.keys->local.key_and_salt()), as_vector(pair.client.keys->remote.key_and_salt()));
}

void expect_no_keys(const testing::Endpoint& side) {
  EXPECT_EQ(side.connected_calls, 0);
  EXPECT_FALSE(side.keys.has_value());
  EXPECT_FALSE(side.transport->srtp_profile().has_value());
}

TEST(DtlsTransport, HandshakeYieldsGcmAndMirroredKeysThatProtectSrtp) {
  DtlsPair pair;
  pair.client.transport->start();
  pair.server.transport->start();
  pair.deliver_all();
  ASSERT_TRUE(pair.both_connected()) << pair.client.transport->failure_reason()
                                     << pair.server.transport->failure_reason();
  EXPECT_EQ(pair.client.connected_calls, 1);
  EXPECT_EQ(pair.server.connected_calls, 1);
  EXPECT_EQ(pair.client.profile, rtp::SrtpProfile::aead_aes_128_gcm);
  EXPECT_EQ(pair.server.profile, rtp::SrtpProfile::aead_aes_128_gcm);
  EXPECT_EQ(pair.server.transport->srtp_profile(), rtp::SrtpProfile::aead_aes_128_gcm);
  EXPECT_EQ(pair.client.keys->local.key().size(), 16U);
  EXPECT_EQ(pair.client.keys->local.salt().size(), 12U);
  expect_mirrored_keys(pair);
  expect_srtp_works(pair);
  // Every datagram is whole DTLS records and within the MTU.
  for (const auto size : pair.client.sent_sizes) EXPECT_LE(size, 1200U);
  for (const auto size : pair.server.sent_sizes) EXPECT_LE(size, 1200U);
  EXPECT_EQ(pair.client.transport->stats().datagrams_sent, pair.client.sent_sizes.size());
  EXPECT_EQ(pair.server.transport->stats().datagrams_received, pair.client.sent_sizes.size());
  EXPECT_FALSE(pair.client.transport->next_timeout().has_value());
}

TEST(DtlsTransport, EveryDatagramSentIsWholeRecords) {
  DtlsPair pair;
  pair.client.transport->start();
  pair.deliver_all([](bool, std::deque<std::vector<std::uint8_t>>& batch) {
    for (const auto& datagram : batch) EXPECT_TRUE(count_dtls_records(datagram).has_value());
  });
  EXPECT_TRUE(pair.both_connected());
}

struct ProfileCase {
  std::vector<rtp::SrtpProfile> client_offers;
  std::vector<rtp::SrtpProfile> server_accepts;
  rtp::SrtpProfile expected;
};

class DtlsProfileNegotiation : public ::testing::TestWithParam<ProfileCase> {};

TEST_P(DtlsProfileNegotiation, ServerPicksItsFirstProfileTheClientOffers) {
  PairOptions options;
  options.client_config.srtp_profiles = GetParam().client_offers;
  options.server_config.srtp_profiles = GetParam().server_accepts;
  DtlsPair pair(options);
  pair.client.transport->start();
  pair.deliver_all();
  ASSERT_TRUE(pair.both_connected()) << pair.server.transport->failure_reason();
  EXPECT_EQ(pair.client.profile, GetParam().expected);
  EXPECT_EQ(pair.server.profile, GetParam().expected);
  const auto& info = rtp::srtp_profile_info(GetParam().expected);
  EXPECT_EQ(pair.client.keys->local.key().size(), info.master_key_length);
  EXPECT_EQ(pair.client.keys->local.salt().size(), info.master_salt_length);
  expect_mirrored_keys(pair);
  expect_srtp_works(pair);
}

using P = rtp::SrtpProfile;
INSTANTIATE_TEST_SUITE_P(
    Profiles, DtlsProfileNegotiation,
    ::testing::Values(ProfileCase{{P::aes_cm_128_hmac_sha1_80},
                                  {P::aead_aes_128_gcm, P::aead_aes_256_gcm, P::aes_cm_128_hmac_sha1_80},
                                  P::aes_cm_128_hmac_sha1_80},
                      ProfileCase{{P::aes_cm_128_hmac_sha1_80, P::aead_aes_256_gcm},
                                  {P::aead_aes_128_gcm, P::aead_aes_256_gcm, P::aes_cm_128_hmac_sha1_80},
                                  P::aead_aes_256_gcm},
                      // Chrome's order: GCM first, server preference wins anyway.
                      ProfileCase{{P::aead_aes_256_gcm, P::aead_aes_128_gcm, P::aes_cm_128_hmac_sha1_80},
                                  {P::aead_aes_128_gcm, P::aead_aes_256_gcm, P::aes_cm_128_hmac_sha1_80},
                                  P::aead_aes_128_gcm},
                      ProfileCase{
                          {P::aes_cm_128_hmac_sha1_32}, {P::aes_cm_128_hmac_sha1_32}, P::aes_cm_128_hmac_sha1_32}));

TEST(DtlsTransport, NoCommonSrtpProfileFailsWithoutKeys) {
  PairOptions options;
  options.client_config.srtp_profiles = {P::aes_cm_128_hmac_sha1_32};
  DtlsPair pair(options);
  pair.client.transport->start();
  pair.deliver_all();
  EXPECT_FALSE(pair.both_connected());
  EXPECT_TRUE(pair.client.transport->state() == DtlsState::failed ||
              pair.server.transport->state() == DtlsState::failed);
  expect_no_keys(pair.client);
  expect_no_keys(pair.server);
}

struct AlgorithmCase {
  std::string algorithm;
  crypto::KeyType key;
};

class DtlsFingerprintAlgorithms : public ::testing::TestWithParam<AlgorithmCase> {};

TEST_P(DtlsFingerprintAlgorithms, HandshakeChecksTheAlgorithmTheOfferUsed) {
  PairOptions options;
  options.fingerprint_algorithm = GetParam().algorithm;
  options.server_key = GetParam().key;
  DtlsPair pair(options);
  pair.client.transport->start();
  pair.deliver_all();
  ASSERT_TRUE(pair.both_connected()) << pair.client.transport->failure_reason()
                                     << pair.server.transport->failure_reason();
  expect_mirrored_keys(pair);
  expect_srtp_works(pair);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, DtlsFingerprintAlgorithms,
                         ::testing::Values(AlgorithmCase{"sha-256", crypto::KeyType::ecdsa_p256},
                                           AlgorithmCase{"sha-384", crypto::KeyType::ecdsa_p256},
                                           AlgorithmCase{"sha-512", crypto::KeyType::ecdsa_p256},
                                           AlgorithmCase{"sha-256", crypto::KeyType::rsa_2048}));

// A fingerprint of some other certificate: what a tampered offer (or a man in the middle) gives.
std::vector<DtlsFingerprint> foreign_fingerprint(std::string_view algorithm = "sha-256") {
  return {testing::fingerprint_of(testing::make_identity(), algorithm)};
}

struct MismatchCase {
  bool server_checks_wrong_fingerprint;  // else the client does
  std::string algorithm;
};

class DtlsFingerprintMismatch : public ::testing::TestWithParam<MismatchCase> {};

TEST_P(DtlsFingerprintMismatch, RejectingSideFailsWithAClearReasonAndNobodyGetsKeys) {
  PairOptions options;
  options.fingerprint_algorithm = GetParam().algorithm;
  auto& wrong = GetParam().server_checks_wrong_fingerprint ? options.server_expects : options.client_expects;
  wrong = foreign_fingerprint(GetParam().algorithm);
  DtlsPair pair(options);
  pair.client.transport->start();
  pair.deliver_all();
  const auto& rejecting = GetParam().server_checks_wrong_fingerprint ? pair.server : pair.client;
  const auto& rejected = GetParam().server_checks_wrong_fingerprint ? pair.client : pair.server;
  EXPECT_EQ(rejecting.transport->state(), DtlsState::failed);
  ASSERT_EQ(rejecting.failures.size(), 1U);
  EXPECT_NE(rejecting.failures[0].find("a=fingerprint"), std::string::npos) << rejecting.failures[0];
  // The bad_certificate alert reaches the other side, which fails too, before it could finish.
  EXPECT_EQ(rejected.transport->state(), DtlsState::failed);
  EXPECT_NE(rejected.transport->failure_reason().find("bad certificate"), std::string::npos);
  expect_no_keys(pair.server);
  expect_no_keys(pair.client);
}

INSTANTIATE_TEST_SUITE_P(Sides, DtlsFingerprintMismatch,
                         ::testing::Values(MismatchCase{true, "sha-256"}, MismatchCase{false, "sha-256"},
                                           MismatchCase{true, "sha-384"}, MismatchCase{false, "sha-512"}));

TEST(DtlsTransport, EveryOfferedFingerprintMustMatch) {
  // The client's real sha-256 plus a wrong sha-384: one mismatch is enough to refuse.
  PairOptions options;
  options.server_also_expects = foreign_fingerprint("sha-384");
  DtlsPair pair(options);
  ASSERT_EQ(pair.server_expected.size(), 2U);
  pair.client.transport->start();
  pair.deliver_all();
  EXPECT_EQ(pair.server.transport->state(), DtlsState::failed);
  expect_no_keys(pair.server);
  expect_no_keys(pair.client);
}

TEST(DtlsTransport, UnsupportedAlgorithmsBesideAMatchingOneAreIgnored) {
  PairOptions options;
  options.server_also_expects = {DtlsFingerprint{"sha-1", "AB:CD:EF"}};
  DtlsPair pair(options);
  pair.client.transport->start();
  pair.deliver_all();
  EXPECT_TRUE(pair.both_connected());
}

TEST(DtlsTransport, ConstructionRejectsAnOfferWithoutUsableFingerprint) {
  const auto identity = testing::make_identity();
  DtlsConfig config;
  config.remote_fingerprints = {DtlsFingerprint{"sha-1", "AB:CD"}};
  DtlsCallbacks callbacks;
  callbacks.send = [](std::vector<std::uint8_t>) {};
  EXPECT_THROW(DtlsTransport(identity, config, callbacks), DtlsError);
  config.remote_fingerprints = {testing::fingerprint_of(identity)};
  EXPECT_THROW(DtlsTransport(identity, config, DtlsCallbacks{}), DtlsError);  // no send callback
  config.mtu = 100;
  EXPECT_THROW(DtlsTransport(identity, config, callbacks), DtlsError);
}

}  // namespace
}  // namespace presentd::dtls

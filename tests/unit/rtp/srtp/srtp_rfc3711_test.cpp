// SPDX-License-Identifier: Apache-2.0
// RFC 3711 Appendix B vectors, then libsrtp (through SrtpSession) against packets built from them
// by the independent OpenSSL builder in srtp_reference.hpp.
#include <gtest/gtest.h>

#include <random>

#include "presentd/rtp/srtp/srtp_session.hpp"
#include "srtp_reference.hpp"

namespace presentd::rtp {
namespace {

using test::Bytes;

class Rfc3711 : public ::testing::Test {
protected:
  std::map<std::string, Bytes> v = test::load_vectors("rfc3711_appendix_b.txt");
  SrtpMasterKey master() const { return SrtpMasterKey(v.at("b3_master_key"), v.at("b3_master_salt")); }
  test::SessionKeys rtp_keys() const {
    return test::derive_session_keys(v.at("b3_master_key"), v.at("b3_master_salt"), test::Stream::rtp, false);
  }
};

TEST_F(Rfc3711, B2KeystreamFromTheSection411Counter) {
  // §4.1.1 IV with SSRC = ROC = SEQ = 0 is the shifted salt itself.
  const auto iv = test::aes_cm_iv(v.at("b2_session_salt"), 0, 0);
  EXPECT_EQ(iv, v.at("b2_counter_first"));

  // The whole 65282-block segment, so the last three blocks are the RFC's counters ...FEFF..FF01.
  const std::size_t segment = 1044512;
  const auto keystream = test::aes_ctr(v.at("b2_session_key"), iv, Bytes(segment, 0));
  ASSERT_EQ(keystream.size(), segment);
  EXPECT_EQ(Bytes(keystream.begin(), keystream.begin() + 48), v.at("b2_keystream_first"));
  EXPECT_EQ(Bytes(keystream.end() - 48, keystream.end()), v.at("b2_keystream_last"));
}

TEST_F(Rfc3711, B3KeyDerivation) {
  const auto& key = v.at("b3_master_key");
  const auto& salt = v.at("b3_master_salt");
  EXPECT_EQ(test::derive(key, salt, 0x00, 16), v.at("b3_cipher_key"));
  EXPECT_EQ(test::derive(key, salt, 0x02, 14), v.at("b3_cipher_salt"));
  EXPECT_EQ(test::derive(key, salt, 0x01, 94), v.at("b3_auth_key"));

  const auto keys = rtp_keys();
  EXPECT_EQ(keys.cipher_key, v.at("b3_cipher_key"));
  EXPECT_EQ(keys.cipher_salt, v.at("b3_cipher_salt"));
  EXPECT_EQ(keys.auth_key, Bytes(v.at("b3_auth_key").begin(), v.at("b3_auth_key").begin() + 20));
}

// Packets built by hand with the B.3-derived keys across the sequence-number wrap: libsrtp must
// guess ROC = 1 after the wrap exactly as §3.3.1 says, or the HMAC (which covers the ROC) fails.
TEST_F(Rfc3711, SessionDecryptsHandBuiltPacketsAcrossTheWrap) {
  SrtpSession inbound(SrtpProfile::aes_cm_128_hmac_sha1_80, master(), SrtpSession::Direction::inbound);
  const auto keys = rtp_keys();
  std::mt19937 rng(3711);
  const std::uint32_t ssrc = static_cast<std::uint32_t>(rng());
  const std::uint16_t first = static_cast<std::uint16_t>(65535 - rng() % 20);

  for (std::uint32_t n = 0; n < 40; ++n) {
    const auto seq = static_cast<std::uint16_t>(first + n);
    const std::uint32_t roc = (first + n) > 65535 ? 1 : 0;
    const auto payload = test::pattern(160 + n, static_cast<std::uint8_t>(n));
    const auto plain = test::make_rtp(seq, 90000 * n, ssrc, payload);
    auto packet = test::build_srtp_aes_cm(keys, plain, 12, roc, 10);
    ASSERT_NE(Bytes(packet.begin() + 12, packet.begin() + 12 + payload.size()), payload);

    ASSERT_EQ(inbound.unprotect_rtp(packet), SrtpResult::ok) << "seq " << seq << " roc " << roc;
    EXPECT_EQ(packet, plain);
  }
  EXPECT_EQ(inbound.stats().ok, 40u);
  EXPECT_EQ(inbound.stats().auth_failed, 0u);
}

// The reverse direction: libsrtp's output must be byte-identical to the hand-built packet.
TEST_F(Rfc3711, SessionProtectMatchesHandBuiltPacket) {
  SrtpSession outbound(SrtpProfile::aes_cm_128_hmac_sha1_80, master(), SrtpSession::Direction::outbound);
  const auto keys = rtp_keys();
  for (const std::uint16_t seq : {std::uint16_t{65534}, std::uint16_t{65535}, std::uint16_t{0}, std::uint16_t{1}}) {
    const std::uint32_t roc = seq < 100 ? 1 : 0;
    const auto plain = test::make_rtp(seq, 1234, 0xCAFEBABE, test::pattern(100, 9));
    auto packet = plain;
    ASSERT_EQ(outbound.protect_rtp(packet), SrtpResult::ok);
    EXPECT_EQ(packet, test::build_srtp_aes_cm(keys, plain, 12, roc, 10)) << "seq " << seq;
  }
}

TEST_F(Rfc3711, ThirtyTwoBitTagProfile) {
  SrtpSession inbound(SrtpProfile::aes_cm_128_hmac_sha1_32, master(), SrtpSession::Direction::inbound);
  const auto plain = test::make_rtp(4242, 1, 0x01020304, test::pattern(50, 1));
  auto packet = test::build_srtp_aes_cm(rtp_keys(), plain, 12, 0, 4);
  ASSERT_EQ(inbound.unprotect_rtp(packet), SrtpResult::ok);
  EXPECT_EQ(packet, plain);
}

// SRTCP (RFC 3711 §3.4) with the RTCP labels 0x03..0x05.
TEST_F(Rfc3711, SessionDecryptsHandBuiltSrtcpAndProtectsIdentically) {
  const auto keys = test::derive_session_keys(v.at("b3_master_key"), v.at("b3_master_salt"), test::Stream::rtcp, false);
  SrtpSession inbound(SrtpProfile::aes_cm_128_hmac_sha1_80, master(), SrtpSession::Direction::inbound);
  SrtpSession outbound(SrtpProfile::aes_cm_128_hmac_sha1_80, master(), SrtpSession::Direction::outbound);
  for (std::uint32_t index = 0; index < 5; ++index) {
    const auto plain = test::make_rtcp_rr(0x11223344, 0x55667788, 70000 + index);
    auto packet = test::build_srtcp_aes_cm(keys, plain, index);
    ASSERT_EQ(inbound.unprotect_rtcp(packet), SrtpResult::ok) << "index " << index;
    EXPECT_EQ(packet, plain);

    // libsrtp increments the SRTCP index before sending, so its n-th packet carries index n + 1.
    auto ours = plain;
    ASSERT_EQ(outbound.protect_rtcp(ours), SrtpResult::ok);
    EXPECT_EQ(ours, test::build_srtcp_aes_cm(keys, plain, index + 1));
  }
}

}  // namespace
}  // namespace presentd::rtp

// SPDX-License-Identifier: Apache-2.0
// RFC 7714 (AES-GCM for SRTP): the independent OpenSSL builder reproduces the RFC's RTP and SRTCP
// vectors, then libsrtp (through SrtpSession) must accept packets that builder makes with keys
// derived from a master key, and must itself produce byte-identical packets.
#include <gtest/gtest.h>

#include <random>

#include "presentd/rtp/srtp/srtp_session.hpp"
#include "srtp_reference.hpp"

namespace presentd::rtp {
namespace {

using test::Bytes;

struct GcmCase {
  SrtpProfile profile;
  const char* key_name;
  const char* rtp_name;
  const char* rtcp_name;
};

class Rfc7714 : public ::testing::TestWithParam<GcmCase> {
protected:
  std::map<std::string, Bytes> v = test::load_vectors("rfc7714_section16_17.txt");
};

TEST_F(Rfc7714, RtpIvSection81) {
  // SSRC 0x5501a0b2, ROC 0, SEQ 0xf17b from the vector packet's header.
  EXPECT_EQ(test::gcm_iv(v.at("salt"), 0x5501a0b2, 0xf17b), v.at("rtp_iv"));
}

TEST_P(Rfc7714, BuilderReproducesRtpVector) {
  const test::SessionKeys keys{v.at(GetParam().key_name), v.at("salt"), {}};
  EXPECT_EQ(test::build_srtp_gcm(keys, v.at("rtp_plaintext"), 12, 0), v.at(GetParam().rtp_name));
}

TEST_P(Rfc7714, BuilderReproducesSrtcpVector) {
  const test::SessionKeys keys{v.at(GetParam().key_name), v.at("salt"), {}};
  EXPECT_EQ(test::build_srtcp_gcm(keys, v.at("rtcp_plaintext"), 0x5d4), v.at(GetParam().rtcp_name));
}

// The vector's plaintext packets, protected by the RFC-checked builder under session keys derived
// (RFC 3711 §4.3 PRF, salt padded per RFC 7714 §11) from a master key, go through libsrtp.
TEST_P(Rfc7714, SessionDecryptsBuilderPacketsFromDerivedKeys) {
  const auto& info = srtp_profile_info(GetParam().profile);
  const auto master_key = test::pattern(info.master_key_length, 0x31);
  const auto master_salt = test::pattern(info.master_salt_length, 0xa7);
  const SrtpMasterKey master(master_key, master_salt);
  SrtpSession inbound(GetParam().profile, master, SrtpSession::Direction::inbound);

  const auto rtp_keys = test::derive_session_keys(master_key, master_salt, test::Stream::rtp, true);
  auto packet = test::build_srtp_gcm(rtp_keys, v.at("rtp_plaintext"), 12, 0);
  ASSERT_EQ(inbound.unprotect_rtp(packet), SrtpResult::ok);
  EXPECT_EQ(packet, v.at("rtp_plaintext"));

  const auto rtcp_keys = test::derive_session_keys(master_key, master_salt, test::Stream::rtcp, true);
  auto rtcp = test::build_srtcp_gcm(rtcp_keys, v.at("rtcp_plaintext"), 0x5d4);
  ASSERT_EQ(inbound.unprotect_rtcp(rtcp), SrtpResult::ok);
  EXPECT_EQ(rtcp, v.at("rtcp_plaintext"));
}

// Across the wrap, in both directions: libsrtp's ROC guess goes into the IV (§8.1), so a wrong
// guess fails the tag; and libsrtp's output must equal the builder's byte for byte.
TEST_P(Rfc7714, SessionAgreesWithBuilderAcrossTheWrap) {
  const auto& info = srtp_profile_info(GetParam().profile);
  const auto master_key = test::pattern(info.master_key_length, 0x5c);
  const auto master_salt = test::pattern(info.master_salt_length, 0x03);
  const SrtpMasterKey master(master_key, master_salt);
  SrtpSession inbound(GetParam().profile, master, SrtpSession::Direction::inbound);
  SrtpSession outbound(GetParam().profile, master, SrtpSession::Direction::outbound);
  const auto keys = test::derive_session_keys(master_key, master_salt, test::Stream::rtp, true);

  std::mt19937 rng(7714);
  const std::uint32_t ssrc = static_cast<std::uint32_t>(rng());
  const std::uint16_t first = static_cast<std::uint16_t>(65535 - rng() % 20);
  for (std::uint32_t n = 0; n < 40; ++n) {
    const auto seq = static_cast<std::uint16_t>(first + n);
    const std::uint32_t roc = (first + n) > 65535 ? 1 : 0;
    const auto plain = test::make_rtp(seq, 3000 * n, ssrc, test::pattern(300 + n, static_cast<std::uint8_t>(n)));
    const auto expected = test::build_srtp_gcm(keys, plain, 12, roc);

    auto ours = plain;
    ASSERT_EQ(outbound.protect_rtp(ours), SrtpResult::ok);
    EXPECT_EQ(ours, expected) << "seq " << seq;

    auto theirs = expected;
    ASSERT_EQ(inbound.unprotect_rtp(theirs), SrtpResult::ok) << "seq " << seq << " roc " << roc;
    EXPECT_EQ(theirs, plain);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, Rfc7714,
    ::testing::Values(GcmCase{SrtpProfile::aead_aes_128_gcm, "key_128", "rtp_protected_128", "rtcp_protected_128"},
                      GcmCase{SrtpProfile::aead_aes_256_gcm, "key_256", "rtp_protected_256", "rtcp_protected_256"}),
    [](const auto& param_info) { return std::string(srtp_profile_info(param_info.param.profile).name); });

}  // namespace
}  // namespace presentd::rtp

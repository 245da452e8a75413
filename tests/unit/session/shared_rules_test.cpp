// SPDX-License-Identifier: Apache-2.0
// Rules two layers both enforce are written once; these tables prove the upper layer never
// accepts what the lower one refuses (issue 12: an a=fingerprint the SDP layer took and the DTLS
// layer could not use stopped the daemon).
//   - fingerprints: every one the answer builder takes, the DTLS transport can verify;
//   - video codecs: every format an answer may name has a depacketizer and a decoder;
//   - SRTP profiles: every profile the DTLS context offers, the SRTP layer can run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>

#include "presentd/crypto/certificate.hpp"
#include "presentd/dtls/dtls_fingerprint.hpp"
#include "presentd/dtls/dtls_transport.hpp"
#include "presentd/media/decode/video_decoder.hpp"
#include "presentd/rtp/depacketizer/depacketizer.hpp"
#include "presentd/rtp/srtp/srtp_session.hpp"
#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "support/sdp/sdp_fixtures.hpp"

namespace presentd::session {
namespace {

sdp::AnswerConfig answer_config(std::vector<rtp::PayloadFormat> codecs = {}) {
  sdp::AnswerConfig config;
  config.ice_ufrag = "pdUf";
  config.ice_pwd = "presentdIcePasswordOf24x";
  config.fingerprint = {"sha-256", "12:34"};
  if (!codecs.empty()) config.video_codecs = std::move(codecs);
  return config;
}

// kMinimalOffer with its a=fingerprint value (after "a=fingerprint:") replaced.
std::string offer_with_fingerprint(const std::string& value) {
  std::string offer = sdp::testing::kMinimalOffer;
  const auto at = offer.find("a=fingerprint:") + 14;
  return offer.replace(at, offer.find("\r\n", at) - at, value);
}

sdp::Result<sdp::Answer> answer(const std::string& text, const sdp::AnswerConfig& config = answer_config()) {
  const auto offer = sdp::parse_sdp(text);
  if (!offer) return offer.error();
  return sdp::build_answer(*offer, config);
}

dtls::DtlsConfig dtls_config_for(const sdp::Negotiated& negotiated) {
  dtls::DtlsConfig config;
  for (const auto& f : negotiated.remote_fingerprints) config.remote_fingerprints.push_back({f.algorithm, f.value});
  return config;
}

TEST(SharedRules, EveryFingerprintTheAnswerBuilderTakesTheDtlsTransportCanVerify) {
  const auto peer = crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"peer"}, std::chrono::hours(1));
  const auto ours = crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"box"}, std::chrono::hours(1));
  ASSERT_FALSE(dtls::usable_fingerprint_algorithms().empty());
  for (const auto algorithm : dtls::usable_fingerprint_algorithms()) {
    SCOPED_TRACE(std::string(algorithm));
    const auto real = dtls::certificate_fingerprint(peer.certificate.get(), algorithm);
    // As a sender may write it: upper-case hash name, lower-case hex.
    std::string value = real.value;
    for (auto& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string name(algorithm);
    for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto taken = answer(offer_with_fingerprint(name + " " + value));
    ASSERT_TRUE(taken) << taken.error().message;
    const auto config = dtls_config_for(taken->negotiated);
    ASSERT_EQ(config.remote_fingerprints.size(), 1u);
    EXPECT_TRUE(dtls::certificate_matches(peer.certificate.get(), config.remote_fingerprints[0]));
    dtls::DtlsCallbacks callbacks;
    callbacks.send = [](std::vector<std::uint8_t>) {};
    EXPECT_NO_THROW(dtls::DtlsTransport(ours, config, callbacks));
  }
}

TEST(SharedRules, AnOfferWithOnlyFingerprintsTheDtlsLayerCannotUseIsRefusedByTheAnswerBuilder) {
  const std::string sha256(95, 'A');  // 32 octets' worth of characters, but no colons
  const struct {
    const char* what;
    std::string value;
  } cases[] = {
      {"sha-1", "sha-1 " + std::string("AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD")},
      {"sha-224",
       "sha-224 " + std::string("AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55")},
      {"md5", "md5 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"},
      {"unknown algorithm", "sha-3 AA:BB"},
      {"sha-256 too short", "sha-256 AA:BB:CC:DD"},
      {"sha-256 too long",
       "sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:00"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const auto refused = answer(offer_with_fingerprint(c.value));
    // Refused now (a 4xx for the sender); the parser may refuse the worst ones even earlier.
    ASSERT_FALSE(refused);
    EXPECT_GE(sdp::http_status(refused.error().code), 400);
    EXPECT_LT(sdp::http_status(refused.error().code), 500);
    EXPECT_FALSE(
        dtls::make_dtls_fingerprint(c.value.substr(0, c.value.find(' ')), c.value.substr(c.value.find(' ') + 1)));
  }
}

TEST(SharedRules, EveryVideoFormatAnAnswerMayNameHasADepacketizerAndADecoder) {
  // An offer with every format presentd knows; the answer builder told to prefer each in turn.
  std::string offer = sdp::testing::kMinimalOffer;
  offer.replace(offer.find("m=video 9 UDP/TLS/RTP/SAVPF 96"), 30, "m=video 9 UDP/TLS/RTP/SAVPF 96 98 102 111");
  offer +=
      "a=rtpmap:98 VP9/90000\r\na=rtpmap:102 H264/90000\r\na=fmtp:102 packetization-mode=1;profile-level-id=42e01f\r\n"
      "a=rtpmap:111 opus/48000/2\r\n";
  for (const auto format :
       {rtp::PayloadFormat::vp8, rtp::PayloadFormat::vp9, rtp::PayloadFormat::h264, rtp::PayloadFormat::opus}) {
    SCOPED_TRACE(static_cast<int>(format));
    const auto taken = answer(offer, answer_config({format}));
    if (!taken) continue;  // opus is no video format: nothing to answer with
    for (const auto& video : taken->negotiated.video) {
      for (const auto& [pt, chosen] : video.payload_types) {
        EXPECT_NE(std::find(rtp::kVideoPayloadFormats.begin(), rtp::kVideoPayloadFormats.end(), chosen),
                  rtp::kVideoPayloadFormats.end());
        EXPECT_NE(rtp::make_depacketizer(chosen), nullptr);
        EXPECT_NE(media::make_video_decoder(chosen, {}), nullptr);
      }
    }
  }
  for (const auto format : rtp::kVideoPayloadFormats) {
    SCOPED_TRACE(static_cast<int>(format));
    const auto taken = answer(offer, answer_config({format}));
    ASSERT_TRUE(taken) << taken.error().message;
    ASSERT_EQ(taken->negotiated.video.size(), 1u);
    EXPECT_EQ(taken->negotiated.video[0].payload_types.begin()->second, format);
  }
}

TEST(SharedRules, EverySrtpProfileTheDtlsContextOffersTheSrtpLayerCanRun) {
  const dtls::DtlsConfig defaults;
  ASSERT_FALSE(defaults.srtp_profiles.empty());
  for (const auto profile : defaults.srtp_profiles) {
    const auto& info = rtp::srtp_profile_info(profile);
    SCOPED_TRACE(std::string(info.name));
    const std::vector<std::uint8_t> key(info.master_key_length, 0x11), salt(info.master_salt_length, 0x22);
    const rtp::SrtpKeyPair keys{rtp::SrtpMasterKey(key, salt), rtp::SrtpMasterKey(key, salt)};
    EXPECT_NO_THROW(rtp::SrtpContext(profile, keys));
  }
}

}  // namespace
}  // namespace presentd::session

// SPDX-License-Identifier: Apache-2.0
// ICE then DTLS-SRTP as a session uses them: two SecureTransports on loopback (real libnice,
// real OpenSSL), one answering (DTLS server) and one offering (client), pumped from this thread.
#include "presentd/session/secure_transport.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "presentd/dtls/dtls_fingerprint.hpp"
#include "presentd/sdp/candidate.hpp"
#include "support/run_until.hpp"

namespace presentd::session {
namespace {

using namespace std::chrono_literals;

struct Events : SecureTransport::Listener {
  int gathered = 0;
  int activity = 0;
  std::optional<rtp::SrtpKeyPair> keys;
  std::vector<std::vector<std::uint8_t>> srtp;
  std::vector<std::pair<EndReason, std::string>> ended;
  void on_transport_gathered() override { ++gathered; }
  void on_transport_keys(rtp::SrtpProfile, const rtp::SrtpKeyPair& k) override { keys = k; }
  void on_transport_activity() override { ++activity; }
  void on_srtp_datagram(std::span<const std::uint8_t> d) override { srtp.emplace_back(d.begin(), d.end()); }
  void on_transport_ended(EndReason reason, const std::string& detail) override { ended.emplace_back(reason, detail); }
};

crypto::Identity make_identity() {
  return crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"transport-test"}, std::chrono::hours(1));
}

std::string fingerprint_of(const crypto::Identity& identity) {
  return dtls::certificate_fingerprint(identity.certificate.get()).value;
}

class SecureTransportTest : public ::testing::Test {
protected:
  std::unique_ptr<SecureTransport> make(bool controlling, sdp::Setup setup, const std::string& expected_fingerprint,
                                        const crypto::Identity& identity, Events& events) {
    ice::IceAgentConfig ice;
    ice.controlling = controlling;
    ice.local_addresses = {"127.0.0.1"};
    ice.port_min = 47000;
    ice.port_max = 47999;
    sdp::Negotiated negotiated;
    negotiated.local_setup = setup;
    negotiated.remote_fingerprints.push_back({"sha-256", expected_fingerprint});
    const SecureTransport::Setup transport_setup{ice, identity, negotiated, controlling ? "offerer" : "answerer"};
    return std::make_unique<SecureTransport>(io_, pump_, transport_setup, events,
                                             [](std::string_view, const std::function<void()>& work) { work(); });
  }
  // Both gather, then each learns the other's credentials and candidates, as signalling does.
  void connect(SecureTransport& a, Events& ea, SecureTransport& b, Events& eb) {
    ASSERT_TRUE(a.ice().gather());
    ASSERT_TRUE(b.ice().gather());
    ASSERT_TRUE(testing::run_until(io_, [&] { return ea.gathered > 0 && eb.gathered > 0; }));
    a.ice().set_remote(signalled_by(b));
    b.ice().set_remote(signalled_by(a));
  }
  static sdp::Negotiated signalled_by(const SecureTransport& peer) {
    sdp::Negotiated n;
    n.remote_ice_ufrag = peer.ice().local_credentials().ufrag;
    n.remote_ice_pwd = peer.ice().local_credentials().password;
    for (const auto& line : peer.ice().local_candidates()) {
      if (auto candidate = sdp::parse_candidate(line)) n.remote_candidates.push_back(*candidate);
    }
    n.remote_end_of_candidates = true;
    return n;
  }

  boost::asio::io_context io_;
  GMainContext* context_ = g_main_context_new();
  ice::GlibContextPump pump_{io_, context_};
  crypto::Identity answerer_identity_ = make_identity();
  crypto::Identity offerer_identity_ = make_identity();
  void SetUp() override { pump_.start(); }
  void TearDown() override {
    pump_.stop();
    g_main_context_unref(context_);
  }
};

TEST_F(SecureTransportTest, KeysAreMadeOverTheSelectedPairAndSrtpIsSortedFromDtls) {
  Events answerer_events, offerer_events;
  auto answerer =
      make(false, sdp::Setup::passive, fingerprint_of(offerer_identity_), answerer_identity_, answerer_events);
  auto offerer = make(true, sdp::Setup::active, fingerprint_of(answerer_identity_), offerer_identity_, offerer_events);
  connect(*answerer, answerer_events, *offerer, offerer_events);
  ASSERT_TRUE(testing::run_until(io_, [&] { return answerer_events.keys && offerer_events.keys; }));
  EXPECT_EQ(answerer->dtls().state(), dtls::DtlsState::connected);
  EXPECT_TRUE(answerer->ever_connected());
  // The handshake's records were the transport's own: none reached the SRTP listener.
  EXPECT_TRUE(answerer_events.srtp.empty());
  EXPECT_GT(answerer_events.activity, 0);

  // RFC 7983: first octet 128..191 is RTP/RTCP and goes up; a stray octet is noise.
  const std::vector<std::uint8_t> rtp{0x80, 0x60, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1};
  const std::vector<std::uint8_t> noise{0x42, 1, 2, 3};
  ASSERT_TRUE(offerer->send(noise));
  ASSERT_TRUE(offerer->send(rtp));
  ASSERT_TRUE(testing::run_until(io_, [&] { return !answerer_events.srtp.empty(); }));
  EXPECT_EQ(answerer_events.srtp.size(), 1u);
  EXPECT_EQ(answerer_events.srtp.front(), rtp);
  EXPECT_TRUE(answerer_events.ended.empty());
}

TEST_F(SecureTransportTest, APeerCertificateThatDoesNotMatchEndsTheSessionAsDtlsFailed) {
  Events answerer_events, offerer_events;
  const auto stranger = make_identity();
  auto answerer = make(false, sdp::Setup::passive, fingerprint_of(stranger), answerer_identity_, answerer_events);
  auto offerer = make(true, sdp::Setup::active, fingerprint_of(answerer_identity_), offerer_identity_, offerer_events);
  connect(*answerer, answerer_events, *offerer, offerer_events);
  ASSERT_TRUE(testing::run_until(io_, [&] { return !answerer_events.ended.empty(); }));
  EXPECT_EQ(answerer_events.ended.front().first, EndReason::dtls_failed);
  EXPECT_NE(answerer_events.ended.front().second.find("DTLS failed"), std::string::npos);
  EXPECT_FALSE(answerer_events.keys);
}

}  // namespace
}  // namespace presentd::session

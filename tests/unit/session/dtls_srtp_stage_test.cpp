// SPDX-License-Identifier: Apache-2.0
// Two DTLS-SRTP stages back to back through the event loop (each datagram posted to the other
// side), with the stage's own retransmission timer: keys, a lost flight, a wrong fingerprint.
#include "presentd/session/dtls_srtp_stage.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "presentd/dtls/dtls_fingerprint.hpp"
#include "support/run_until.hpp"

namespace presentd::session {
namespace {

using namespace std::chrono_literals;

struct Side : DtlsSrtpStage::Listener {
  std::optional<rtp::SrtpProfile> profile;
  std::optional<rtp::SrtpKeyPair> keys;
  std::vector<std::string> failures;
  int closed = 0;
  void on_srtp_keys(rtp::SrtpProfile p, const rtp::SrtpKeyPair& k) override {
    profile = p;
    keys = k;
  }
  void on_dtls_failed(const std::string& reason) override { failures.push_back(reason); }
  void on_dtls_closed() override { ++closed; }
};

crypto::Identity make_identity() {
  return crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"stage-test"}, std::chrono::hours(1));
}

sdp::Negotiated negotiated(sdp::Setup local_setup, const crypto::Identity& peer) {
  sdp::Negotiated n;
  n.local_setup = local_setup;
  n.remote_fingerprints.push_back({"sha-256", dtls::certificate_fingerprint(peer.certificate.get()).value});
  return n;
}

std::vector<std::uint8_t> bytes(std::span<const std::uint8_t> key) { return {key.begin(), key.end()}; }

class DtlsSrtpStageTest : public ::testing::Test {
protected:
  // The answerer (a=setup:passive, DTLS server) and the offerer (the client), wired through
  // the loop; `drop_client_datagrams` of the client's first datagrams are lost.
  void make_pair(const crypto::Identity& server_expects, int drop_client_datagrams = 0) {
    dropped_ = drop_client_datagrams;
    const Contain contain = [this](std::string_view, const std::function<void()>& work) {
      ++contained_;
      work();
    };
    server_ = std::make_unique<DtlsSrtpStage>(
        io_, server_identity_, negotiated(sdp::Setup::passive, server_expects),
        [this](std::span<const std::uint8_t> d) { deliver(d, client_); }, server_side_, contain);
    client_ = std::make_unique<DtlsSrtpStage>(
        io_, client_identity_, negotiated(sdp::Setup::active, server_identity_),
        [this](std::span<const std::uint8_t> d) {
          ++client_sent_;
          if (dropped_ > 0) return void(--dropped_);
          deliver(d, server_);
        },
        client_side_, contain);
  }
  void deliver(std::span<const std::uint8_t> datagram, std::unique_ptr<DtlsSrtpStage>& to) {
    boost::asio::post(io_, [&to, copy = std::vector<std::uint8_t>(datagram.begin(), datagram.end())] {
      if (to) to->on_datagram(copy);
    });
  }
  bool run_until(const std::function<bool()>& done) { return testing::run_until(io_, done, 5s); }

  boost::asio::io_context io_;
  crypto::Identity server_identity_ = make_identity();
  crypto::Identity client_identity_ = make_identity();
  Side server_side_, client_side_;
  std::unique_ptr<DtlsSrtpStage> server_, client_;
  int dropped_ = 0;
  int client_sent_ = 0;
  int contained_ = 0;
};

TEST_F(DtlsSrtpStageTest, TheHandshakeOverTheLoopGivesBothSidesMirroredKeys) {
  make_pair(client_identity_);
  client_->start();
  ASSERT_TRUE(run_until([&] { return server_side_.keys && client_side_.keys; }));
  EXPECT_EQ(server_->state(), dtls::DtlsState::connected);
  EXPECT_EQ(client_->state(), dtls::DtlsState::connected);
  EXPECT_EQ(server_side_.profile, client_side_.profile);
  // What one side protects with, the other unprotects with.
  EXPECT_EQ(bytes(server_side_.keys->local.key()), bytes(client_side_.keys->remote.key()));
  EXPECT_EQ(bytes(server_side_.keys->remote.key()), bytes(client_side_.keys->local.key()));
  EXPECT_NE(bytes(server_side_.keys->local.key()), bytes(server_side_.keys->remote.key()));
  EXPECT_TRUE(server_side_.failures.empty());
  // A second start() (ICE reconnected) begins nothing new.
  client_->start();
  EXPECT_EQ(client_->state(), dtls::DtlsState::connected);
}

TEST_F(DtlsSrtpStageTest, ALostFlightIsSentAgainByTheStagesOwnTimerInsideTheSessionBoundary) {
  make_pair(client_identity_, /*drop_client_datagrams=*/1);
  client_->start();
  ASSERT_TRUE(run_until([&] { return server_side_.keys && client_side_.keys; }));
  // The lost ClientHello was sent again when the timer fired, and the timer ran contained.
  EXPECT_GE(client_sent_, 3);
  EXPECT_GE(contained_, 1);
  EXPECT_GE(client_->stats().retransmission_timeouts, 1u);
}

TEST_F(DtlsSrtpStageTest, AStoppedStageSendsNoMoreRetransmissions) {
  make_pair(client_identity_, /*drop_client_datagrams=*/1000);
  client_->start();
  const int hello = client_sent_;
  ASSERT_GE(hello, 1);
  // The session ended: its flight is lost and must not be sent again (the initial timeout is
  // 100 ms, so half a second would see several retransmissions otherwise).
  client_->stop();
  client_->start();
  io_.run_for(500ms);
  EXPECT_EQ(client_sent_, hello);
}

TEST_F(DtlsSrtpStageTest, ACertificateThatMatchesNoSignalledFingerprintFailsWithoutKeys) {
  const auto stranger = make_identity();
  make_pair(stranger);
  client_->start();
  ASSERT_TRUE(run_until([&] { return !server_side_.failures.empty(); }));
  EXPECT_FALSE(server_side_.keys);
  EXPECT_FALSE(client_side_.keys);
  EXPECT_EQ(server_->state(), dtls::DtlsState::failed);
}

TEST_F(DtlsSrtpStageTest, AFailureReportedAfterTheStageIsGoneReachesNobody) {
  const auto stranger = make_identity();
  make_pair(stranger);
  client_->start();
  // One handler at a time until the server has failed: its report is posted, not yet run.
  while (server_->state() != dtls::DtlsState::failed) ASSERT_EQ(io_.run_one_for(2s), 1u);
  server_.reset();
  io_.run_for(100ms);
  EXPECT_TRUE(server_side_.failures.empty());
}

}  // namespace
}  // namespace presentd::session

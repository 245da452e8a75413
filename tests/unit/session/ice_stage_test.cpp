// SPDX-License-Identifier: Apache-2.0
// The session's ICE stage with real libnice agents on loopback, pumped from this thread's
// io_context: what a session applies to what the peer signals (candidates, trickle, restarts).
#include "presentd/session/ice_stage.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "presentd/sdp/candidate.hpp"
#include "support/ice/pump_loop.hpp"

namespace presentd::session {
namespace {

using namespace std::chrono_literals;

struct Events : IceStage::Listener {
  int gathered = 0;
  int connected = 0;
  int failed = 0;
  std::vector<std::vector<std::uint8_t>> datagrams;
  void on_ice_gathering_done() override { ++gathered; }
  void on_ice_connected() override { ++connected; }
  void on_ice_failed() override { ++failed; }
  void on_ice_datagram(std::span<const std::uint8_t> datagram) override {
    datagrams.emplace_back(datagram.begin(), datagram.end());
  }
};

// What the other side's offer or answer tells this one: its credentials and every candidate.
sdp::Negotiated signalled_by(const IceStage& peer) {
  sdp::Negotiated negotiated;
  const auto credentials = peer.local_credentials();
  negotiated.remote_ice_ufrag = credentials.ufrag;
  negotiated.remote_ice_pwd = credentials.password;
  for (const auto& line : peer.local_candidates()) {
    if (auto candidate = sdp::parse_candidate(line)) negotiated.remote_candidates.push_back(*candidate);
  }
  negotiated.remote_end_of_candidates = true;
  return negotiated;
}

sdp::TrickleCandidate host_candidate(int port) {
  auto candidate = sdp::parse_candidate("candidate:1 1 UDP 2122260223 127.0.0.1 " + std::to_string(port) + " typ host");
  EXPECT_TRUE(candidate);
  return sdp::TrickleCandidate{std::string("0"), std::nullopt, *candidate};
}

sdp::SdpFragment fragment_with(std::size_t candidates, int first_port = 20000) {
  sdp::SdpFragment fragment;
  for (std::size_t i = 0; i < candidates; ++i) fragment.candidates.push_back(host_candidate(first_port + int(i)));
  return fragment;
}

class IceStageTest : public ::testing::Test {
protected:
  ice::IceAgentConfig config(bool controlling) {
    ice::IceAgentConfig c;
    c.controlling = controlling;
    c.local_addresses = {"127.0.0.1"};
    c.port_min = 46000;
    c.port_max = 46999;
    return c;
  }
  // A stage that has the peer's credentials (so restarts and trickle are meaningful).
  std::unique_ptr<IceStage> answered_stage(Events& events) {
    auto stage = std::make_unique<IceStage>(pump_, config(false), events, "test", "sender", contain());
    sdp::Negotiated negotiated;
    negotiated.remote_ice_ufrag = "peer";
    negotiated.remote_ice_pwd = "peer-password-of-22-chars";
    stage->set_remote(negotiated);
    return stage;
  }

  // Runs the work and counts it, as the session's boundary would contain it.
  Contain contain() {
    return [this](std::string_view, const std::function<void()>& work) {
      ++contained_;
      work();
    };
  }

  int contained_ = 0;
  boost::asio::io_context io_;
  GMainContext* context_ = g_main_context_new();
  ice::GlibContextPump pump_{io_, context_};
  void SetUp() override { pump_.start(); }
  void TearDown() override {
    pump_.stop();
    g_main_context_unref(context_);
  }
};

TEST_F(IceStageTest, TwoStagesConnectFromWhatEachSignalsAndCarryDatagrams) {
  Events answerer_events, offerer_events;
  IceStage answerer(pump_, config(false), answerer_events, "answerer", "sender", contain());
  IceStage offerer(pump_, config(true), offerer_events, "offerer", "viewer", contain());
  ASSERT_TRUE(answerer.gather());
  ASSERT_TRUE(offerer.gather());
  ASSERT_TRUE(ice::run_until(io_, [&] { return answerer_events.gathered > 0 && offerer_events.gathered > 0; }));

  const auto offer = signalled_by(offerer);
  EXPECT_EQ(answerer.set_remote(offer), offer.remote_candidates.size());
  offerer.set_remote(signalled_by(answerer));
  EXPECT_EQ(answerer.remote_ufrag(), offer.remote_ice_ufrag);
  ASSERT_TRUE(ice::run_until(io_, [&] { return answerer_events.connected > 0 && offerer_events.connected > 0; }));
  EXPECT_TRUE(answerer.ever_connected());
  EXPECT_EQ(answerer.state(), ice::IceState::connected);
  EXPECT_TRUE(answerer.selected_pair().has_value());

  const std::vector<std::uint8_t> datagram{0x80, 0x60, 0, 1};
  ASSERT_TRUE(offerer.send(datagram));
  ASSERT_TRUE(ice::run_until(io_, [&] { return !answerer_events.datagrams.empty(); }));
  EXPECT_EQ(answerer_events.datagrams.front(), datagram);
  EXPECT_EQ(answerer_events.failed, 0);
  // Every event libnice gave (gathering, states, the datagram) ran inside the session's boundary.
  EXPECT_GE(contained_, 4);
}

TEST_F(IceStageTest, TrickledCandidatesStopAtTheSessionCap) {
  Events events;
  auto stage = answered_stage(events);
  EXPECT_TRUE(stage->add_trickle(fragment_with(kMaxRemoteCandidates - 1)));
  EXPECT_TRUE(stage->add_trickle(fragment_with(1, 30000)));
  // One more would pass the cap: refused whole, nothing added.
  EXPECT_FALSE(stage->add_trickle(fragment_with(1, 30001)));
  EXPECT_FALSE(stage->add_trickle(fragment_with(kMaxRemoteCandidates)));
}

TEST_F(IceStageTest, ARestartNeedsBothCredentialsAndABoundedCheckList) {
  Events events;
  auto stage = answered_stage(events);
  ASSERT_TRUE(stage->gather());
  const auto before = stage->local_credentials();

  auto half = fragment_with(1);
  half.ice_ufrag = "new1";
  const auto refused = stage->restart(half);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, sdp::ErrorCode::missing_field);

  auto flood = fragment_with(kMaxRemoteCandidates + 1);
  flood.ice_ufrag = "new1";
  flood.ice_pwd = "new-password-of-22-chars";
  EXPECT_FALSE(stage->restart(flood));
  EXPECT_EQ(stage->restarts(), 0u);
  EXPECT_EQ(stage->remote_ufrag(), "peer");

  auto restart = fragment_with(2);
  restart.ice_ufrag = "new1";
  restart.ice_pwd = "new-password-of-22-chars";
  const auto credentials = stage->restart(restart);
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_NE(credentials->ufrag, before.ufrag);
  EXPECT_EQ(stage->local_credentials().ufrag, credentials->ufrag);
  EXPECT_EQ(stage->restarts(), 1u);
  EXPECT_EQ(stage->remote_ufrag(), "new1");
  EXPECT_EQ(stage->remote_pwd(), "new-password-of-22-chars");
  // The restart began a new check list: the cap counts from its two candidates.
  EXPECT_TRUE(stage->add_trickle(fragment_with(kMaxRemoteCandidates - 2, 40000)));
  EXPECT_FALSE(stage->add_trickle(fragment_with(1, 41000)));
}

}  // namespace
}  // namespace presentd::session

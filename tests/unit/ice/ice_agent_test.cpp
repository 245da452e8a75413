// SPDX-License-Identifier: Apache-2.0
// Two real libnice agents on loopback, both pumped from one Asio io_context on this thread:
// the proof that ICE runs on the event loop with no GLib loop thread.
#include "presentd/ice/ice_agent.hpp"

#include <sys/socket.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <functional>
#include <iterator>
#include <set>
#include <string_view>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/write.hpp>

#include "support/coturn_server.hpp"
#include "support/ice/pump_loop.hpp"
#include "support/temp_dir.hpp"

namespace presentd::ice {
namespace {

using namespace std::chrono_literals;

struct Peer : IceAgent::Listener {
  std::vector<std::string> candidates;
  bool gathering_done = false;
  int gathering_done_calls = 0;
  std::vector<std::string> candidates_when_done;
  std::vector<IceState> states;
  std::vector<std::vector<std::uint8_t>> received;

  void on_ice_candidate(const std::string& line) override { candidates.push_back(line); }
  void on_ice_gathering_done() override {
    gathering_done = true;
    ++gathering_done_calls;
    candidates_when_done = candidates;
  }
  void on_ice_state(IceState state) override { states.push_back(state); }
  void on_ice_data(std::span<const std::uint8_t> data) override { received.emplace_back(data.begin(), data.end()); }
};

class IceAgentTest : public ::testing::Test {
protected:
  IceAgentConfig config(bool controlling) {
    IceAgentConfig c;
    c.controlling = controlling;
    c.local_addresses = {"127.0.0.1"};
    c.port_min = 42000;
    c.port_max = 42999;
    return c;
  }

  void connect(IceAgent& a, Peer& pa, IceAgent& b, Peer& pb) {
    ASSERT_TRUE(a.gather());
    ASSERT_TRUE(b.gather());
    ASSERT_TRUE(run_until(io_, [&] { return pa.gathering_done && pb.gathering_done; }));
    const auto ca = a.local_credentials();
    const auto cb = b.local_credentials();
    ASSERT_FALSE(ca.ufrag.empty());
    a.set_remote_credentials(cb.ufrag, cb.password);
    b.set_remote_credentials(ca.ufrag, ca.password);
    for (const auto& line : pb.candidates) a.add_remote_candidate(line);
    for (const auto& line : pa.candidates) b.add_remote_candidate("a=" + line + "\r\n");
    a.remote_gathering_done();
    b.remote_gathering_done();
    ASSERT_TRUE(run_until(io_, [&] { return a.state() == IceState::connected && b.state() == IceState::connected; }));
  }

  boost::asio::io_context io_;
  GMainContext* context_ = g_main_context_new();
  GlibContextPump pump_{io_, context_};
  void SetUp() override { pump_.start(); }
  void TearDown() override { g_main_context_unref(context_); }
};

TEST_F(IceAgentTest, TwoAgentsConnectAndExchangeDatagramsOnTheAsioThread) {
  Peer pa, pb;
  IceAgent controlled(pump_, config(false), pa);
  IceAgent controlling(pump_, config(true), pb);
  connect(controlled, pa, controlling, pb);

  // Host UDP and passive TCP candidates on the configured range.
  bool has_udp = false, has_tcp_passive = false;
  for (const auto& line : pa.candidates) {
    has_udp |= line.find(" UDP ") != std::string::npos;
    has_tcp_passive |= line.find("tcptype passive") != std::string::npos;
  }
  EXPECT_TRUE(has_udp);
  EXPECT_TRUE(has_tcp_passive);
  EXPECT_TRUE(controlled.selected_pair_description().has_value());

  const auto main_thread = std::this_thread::get_id();
  std::vector<std::uint8_t> datagram(1200);
  for (int i = 0; i < 200; ++i) {
    datagram[0] = static_cast<std::uint8_t>(i);
    ASSERT_TRUE(controlling.send(datagram));
    if (i % 20 == 0) io_.poll();
  }
  ASSERT_TRUE(run_until(
      io_, [&] { return pa.received.size() >= 190; }, 5s))
      << pa.received.size();
  EXPECT_EQ(std::this_thread::get_id(), main_thread);
  EXPECT_EQ(pa.received.front().size(), 1200u);
  ASSERT_TRUE(controlled.send(std::vector<std::uint8_t>{0x80, 1, 2, 3}));
  ASSERT_TRUE(run_until(io_, [&] { return !pb.received.empty(); }));
  EXPECT_EQ(pb.received.front(), (std::vector<std::uint8_t>{0x80, 1, 2, 3}));
}

TEST_F(IceAgentTest, APeerThatSendsNoCandidatesConnectsThroughPeerReflexiveChecks) {
  // The OBS case: the offer carries no candidates, so only the other side knows addresses; our
  // agent learns the sender from its connectivity checks.
  Peer pa, pb;
  IceAgent receiver(pump_, config(false), pa);
  IceAgent sender(pump_, config(true), pb);
  ASSERT_TRUE(receiver.gather());
  ASSERT_TRUE(sender.gather());
  ASSERT_TRUE(run_until(io_, [&] { return pa.gathering_done && pb.gathering_done; }));
  receiver.set_remote_credentials(sender.local_credentials().ufrag, sender.local_credentials().password);
  sender.set_remote_credentials(receiver.local_credentials().ufrag, receiver.local_credentials().password);
  for (const auto& line : pa.candidates) sender.add_remote_candidate(line);  // answer → sender only
  ASSERT_TRUE(run_until(io_, [&] { return receiver.state() == IceState::connected; }));
  ASSERT_TRUE(run_until(io_, [&] { return sender.state() == IceState::connected; }));
  ASSERT_TRUE(sender.send(std::vector<std::uint8_t>{0x80, 9}));
  ASSERT_TRUE(run_until(io_, [&] { return !pa.received.empty(); }));
}

TEST_F(IceAgentTest, DatagramsSentBeforeAPairIsSelectedAreHeldAndDeliveredInOrderOnceItIs) {
  // The DTLS race with Chrome: the sender's ClientHello reaches us before our (controlled) side
  // has selected a pair, and our answering flight must not be lost. Here the controlled agent has
  // no remote candidates at all yet, so it certainly has no pair.
  Peer pa, pb;
  IceAgent controlled(pump_, config(false), pa);
  IceAgent controlling(pump_, config(true), pb);
  ASSERT_TRUE(controlled.gather());
  ASSERT_TRUE(controlling.gather());
  ASSERT_TRUE(run_until(io_, [&] { return pa.gathering_done && pb.gathering_done; }));
  const std::vector<std::uint8_t> first{22, 0xFE, 0xFD, 1};
  const std::vector<std::uint8_t> second{22, 0xFE, 0xFD, 2};
  EXPECT_FALSE(controlled.send(first));  // what a plain send does: nothing to send on
  controlled.send_when_connected(first);
  controlled.send_when_connected(second);
  EXPECT_EQ(controlled.held_datagrams(), 2u);

  controlled.set_remote_credentials(controlling.local_credentials().ufrag, controlling.local_credentials().password);
  controlling.set_remote_credentials(controlled.local_credentials().ufrag, controlled.local_credentials().password);
  for (const auto& line : pa.candidates) controlling.add_remote_candidate(line);
  for (const auto& line : pb.candidates) controlled.add_remote_candidate(line);
  ASSERT_TRUE(run_until(io_, [&] { return pb.received.size() >= 2; })) << pb.received.size();
  EXPECT_EQ(pb.received[0], first);
  EXPECT_EQ(pb.received[1], second);
  EXPECT_EQ(controlled.dropped_held_datagrams(), 0u);
  // With a pair in use nothing is held any more.
  controlled.send_when_connected(first);
  EXPECT_EQ(controlled.held_datagrams(), 2u);
  ASSERT_TRUE(run_until(io_, [&] { return pb.received.size() >= 3; }));
}

TEST_F(IceAgentTest, HoldingIsBounded) {
  Peer pa;
  IceAgent agent(pump_, config(false), pa);
  ASSERT_TRUE(agent.gather());
  ASSERT_TRUE(run_until(io_, [&] { return pa.gathering_done; }));
  for (int i = 0; i < 40; ++i) agent.send_when_connected(std::vector<std::uint8_t>{22, static_cast<std::uint8_t>(i)});
  EXPECT_EQ(agent.held_datagrams(), 40u);
  EXPECT_EQ(agent.dropped_held_datagrams(), 24u);  // 16 kept, the rest refused
}

TEST_F(IceAgentTest, MdnsCandidatesAreSkippedNotFatal) {
  Peer pa;
  IceAgent agent(pump_, config(false), pa);
  EXPECT_FALSE(agent.add_remote_candidate(
      "candidate:1 1 udp 2122260223 8d0a6f3c-3b7e-4c2e-9c4a-1f2e3d4c5b6a.local 54321 typ host generation 0"));
  EXPECT_FALSE(agent.add_remote_candidate("candidate:garbage"));
  EXPECT_FALSE(agent.add_remote_candidate(""));
}

TEST_F(IceAgentTest, AnIceRestartKeepsDatagramsFlowingAndConnectsWithTheNewCredentials) {
  // RFC 8445 §9 as WHIP drives it: the sender restarts with new credentials, we restart on its
  // fragment and answer ours; the pair in use carries data all along, then new checks succeed.
  Peer pa, pb;
  IceAgent controlled(pump_, config(false), pa);
  IceAgent controlling(pump_, config(true), pb);
  connect(controlled, pa, controlling, pb);
  const auto old_controlled = controlled.local_credentials();
  const auto old_controlling = controlling.local_credentials();

  ASSERT_TRUE(controlling.restart(old_controlled.ufrag, old_controlled.password));  // the sender's new offer
  const auto new_controlling = controlling.local_credentials();
  EXPECT_NE(new_controlling.ufrag, old_controlling.ufrag);
  ASSERT_TRUE(controlled.restart(new_controlling.ufrag, new_controlling.password));  // presentd's PATCH handling
  const auto new_controlled = controlled.local_credentials();
  EXPECT_NE(new_controlled.ufrag, old_controlled.ufrag);
  EXPECT_NE(new_controlled.password, old_controlled.password);

  // Between the restart and its answer, data still flows over the old pair both ways.
  const auto received_before = pa.received.size();
  ASSERT_TRUE(controlling.send(std::vector<std::uint8_t>{0x80, 7}));
  ASSERT_TRUE(run_until(io_, [&] { return pa.received.size() > received_before; }));
  ASSERT_TRUE(controlled.send(std::vector<std::uint8_t>{0x80, 8}));
  ASSERT_TRUE(run_until(io_, [&] { return !pb.received.empty(); }));

  // The answer reaches the sender: new checks with the new credentials on both sides.
  const auto states_before = pa.states.size();
  controlling.set_remote_credentials(new_controlled.ufrag, new_controlled.password);
  for (const auto& line : controlled.local_candidates()) controlling.add_remote_candidate(line);
  for (const auto& line : controlling.local_candidates()) controlled.add_remote_candidate(line);
  controlled.remote_gathering_done();
  controlling.remote_gathering_done();
  ASSERT_TRUE(run_until(io_, [&] {
    return pa.states.size() > states_before && controlled.state() == IceState::connected &&
           controlling.state() == IceState::connected;
  })) << pa.states.size();
  const auto received_after = pa.received.size();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(controlling.send(std::vector<std::uint8_t>{0x80, 9}));
  ASSERT_TRUE(run_until(io_, [&] { return pa.received.size() >= received_after + 18; }));
}

TEST_F(IceAgentTest, DestroyingAConnectedAgentStopsItsCallbacks) {
  Peer pa, pb;
  auto controlled = std::make_unique<IceAgent>(pump_, config(false), pa);
  IceAgent controlling(pump_, config(true), pb);
  connect(*controlled, pa, controlling, pb);
  controlled.reset();
  const auto before = pa.received.size();
  for (int i = 0; i < 20; ++i) (void)controlling.send(std::vector<std::uint8_t>{0x80, 1});
  run_until(
      io_, [] { return false; }, 300ms);
  EXPECT_EQ(pa.received.size(), before);  // nothing reached the destroyed agent's listener
}

// libnice frees a closed agent only once its asynchronous close completes, in the main context
// that was thread-default when the close began. Left to GLib's global default context (nobody
// iterates it) the close never completed and each session's agent stayed allocated: the 1000
// WHIP cycles of bench/endurance grew 0.7 MiB.
TEST_F(IceAgentTest, DestroyedAgentsAreFreedByLibnice) {
  const auto before = IceAgent::native_agents_alive();
  {
    Peer pa, pb;
    auto controlled = std::make_unique<IceAgent>(pump_, config(false), pa);
    auto controlling = std::make_unique<IceAgent>(pump_, config(true), pb);
    connect(*controlled, pa, *controlling, pb);
    EXPECT_EQ(IceAgent::native_agents_alive(), before + 2);
    controlled.reset();
    controlling.reset();
  }
  EXPECT_TRUE(run_until(
      io_, [&] { return IceAgent::native_agents_alive() == before; }, 5s))
      << IceAgent::native_agents_alive() - before << " agents still allocated";
}

// The numbers of this process's open sockets (libnice's among them once an agent gathered).
std::set<int> open_sockets() {
  std::set<int> sockets;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(entry.path(), ec);
    if (!ec && target.native().starts_with("socket:")) sockets.insert(std::stoi(entry.path().filename().native()));
  }
  return sockets;
}

TEST_F(IceAgentTest, AConnectionAcceptedOnTheFdNumberOfADestroyedAgentIsServed) {
  // The hostile WHIP suite's hang: a session ends (its agent is destroyed from a handler) and the
  // next HTTPS connection is accepted on one of libnice's old fd numbers before the pump iterates.
  boost::asio::ip::tcp::acceptor acceptor(io_, {boost::asio::ip::make_address("127.0.0.1"), 0});
  boost::asio::ip::tcp::socket client(io_);
  client.connect(acceptor.local_endpoint());  // waits in the backlog until accepted
  Peer pa, pb;
  auto controlled = std::make_unique<IceAgent>(pump_, config(false), pa);
  IceAgent controlling(pump_, config(true), pb);
  connect(*controlled, pa, controlling, pb);  // the agent's sockets are polled through the pump
  const auto before = open_sockets();

  controlled.reset();
  std::set<int> closed;  // libnice closes the agent's sockets synchronously
  std::ranges::set_difference(before, open_sockets(), std::inserter(closed, closed.end()));
  ASSERT_FALSE(closed.empty());
  // The kernel hands out the lowest free number; earlier tests may have left lower ones free, so
  // the accepted connection is moved onto one of the agent's numbers before Asio registers it.
  const int accepted = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  ASSERT_GE(accepted, 0);
  boost::asio::ip::tcp::socket served(io_, boost::asio::ip::tcp::v4(), take_number(accepted, *closed.begin()));
  bool heard = false;
  served.async_wait(boost::asio::socket_base::wait_read, [&](boost::system::error_code ec) { heard = !ec; });
  ASSERT_TRUE(run_one_pump_iteration(io_, pump_));  // where a stale registration would be released
  boost::asio::write(client, boost::asio::buffer(std::string_view("GET / HTTP/1.1\r\n")));
  EXPECT_TRUE(run_until(io_, [&] { return heard; }));
}

// A real coturn on loopback (TURN over UDP, long-term credentials) for the relay cases.
class IceAgentTurnTest : public IceAgentTest {
protected:
  Peer pa_;
  static constexpr std::uint16_t kTurnPort = 34791;

  void SetUp() override {
    IceAgentTest::SetUp();
    test::CoturnOptions options;
    options.listen_address = "127.0.0.1";
    options.relay_address = "127.0.0.1";
    options.port = kTurnPort;
    options.tls_port = kTurnPort + 1;
    options.users = {{"box", "Box-Turn-Pw"}};
    coturn_ = std::make_unique<test::CoturnServer>(dir_.path(), options);
    ASSERT_TRUE(coturn_->ready()) << coturn_->log();
  }

  IceAgentConfig turn_config() {
    auto c = config(false);
    c.tcp = false;
    c.turn_servers = {{"127.0.0.1", kTurnPort, TurnServer::Transport::udp, "box", "Box-Turn-Pw"}};
    return c;
  }

  static bool has_type(const std::vector<std::string>& lines, std::string_view type) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(type) != l.npos; });
  }

  test::TempDir dir_;
  std::unique_ptr<test::CoturnServer> coturn_;
};

TEST_F(IceAgentTurnTest, GatheringCountsAsDoneOnceEachTurnServerGaveARelayedCandidate) {
  // libnice ends gathering only when its last request is answered or times out. A STUN server
  // that never answers (a bound socket that reads and keeps quiet) holds libnice's end back by
  // seconds; the TURN server answers at once. The answer must not wait for the silent one.
  boost::asio::ip::udp::socket silent(io_, {boost::asio::ip::make_address("127.0.0.1"), 0});
  std::array<std::uint8_t, 1500> buffer{};
  boost::asio::ip::udp::endpoint from;
  int requests = 0;
  int requests_after_done = 0;
  std::function<void()> read = [&] {
    silent.async_receive_from(boost::asio::buffer(buffer), from, [&](boost::system::error_code ec, std::size_t) {
      if (ec) return;
      ++requests;
      if (pa_.gathering_done) ++requests_after_done;
      read();
    });
  };
  read();
  auto c = turn_config();
  c.stun_server = std::make_pair(std::string("127.0.0.1"), silent.local_endpoint().port());
  IceAgent agent(pump_, c, pa_);
  ASSERT_TRUE(agent.gather());
  ASSERT_TRUE(run_until(io_, [&] { return pa_.gathering_done; })) << coturn_->log();
  EXPECT_TRUE(has_type(pa_.candidates_when_done, " typ relay")) << pa_.candidates_when_done.size();
  EXPECT_TRUE(has_type(pa_.candidates_when_done, " typ host"));
  EXPECT_TRUE(has_type(agent.local_candidates(), " typ relay"));
  // libnice was still asking the silent server after we reported: its gathering had not ended.
  ASSERT_TRUE(run_until(io_, [&] { return requests_after_done > 0; })) << requests;
  // When libnice does give up on it, the listener does not hear "done" a second time. libnice
  // gives up on a STUN request after its retransmissions (well under 10 s).
  run_until(
      io_, [] { return false; }, 6s);
  EXPECT_EQ(pa_.gathering_done_calls, 1);
}

TEST_F(IceAgentTurnTest, ARelayOnlyPeerIsOfferedOnlyOurRelayedCandidates) {
  IceAgent agent(pump_, turn_config(), pa_);
  ASSERT_TRUE(agent.gather());
  ASSERT_TRUE(run_until(io_, [&] { return pa_.gathering_done; })) << coturn_->log();
  ASSERT_TRUE(has_type(agent.local_candidates(), " typ host"));  // no remote candidates yet: all of them

  ASSERT_TRUE(agent.add_remote_candidate(
      "candidate:3 1 udp 41885439 127.0.0.1 49999 typ relay raddr 127.0.0.1 rport 40000 generation 0"));
  const auto relay_only = agent.local_candidates();
  ASSERT_FALSE(relay_only.empty());
  EXPECT_FALSE(has_type(relay_only, " typ host"));
  EXPECT_TRUE(has_type(relay_only, " typ relay"));

  // A trickled host (or mDNS) candidate: the peer is not relay-only after all.
  agent.add_remote_candidate(
      "candidate:1 1 udp 2122260223 8d0a6f3c-3b7e-4c2e-9c4a-1f2e3d4c5b6a.local 54321 typ host generation 0");
  EXPECT_TRUE(has_type(agent.local_candidates(), " typ host"));
}

TEST_F(IceAgentTest, WithoutARelayedCandidateOfOursARelayOnlyPeerStillGetsTheHostCandidates) {
  Peer pa;
  IceAgent agent(pump_, config(false), pa);
  ASSERT_TRUE(agent.gather());
  ASSERT_TRUE(run_until(io_, [&] { return pa.gathering_done; }));
  ASSERT_TRUE(agent.add_remote_candidate(
      "candidate:3 1 udp 41885439 127.0.0.1 49999 typ relay raddr 127.0.0.1 rport 40000 generation 0"));
  const auto lines = agent.local_candidates();
  EXPECT_FALSE(lines.empty());
  EXPECT_EQ(lines.size(), pa.candidates.size());
}

}  // namespace
}  // namespace presentd::ice

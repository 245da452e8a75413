// SPDX-License-Identifier: Apache-2.0
// DtlsTransport under a hostile network: loss, reordering, duplication, small MTUs, garbage,
// and the ends of an association.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "dtls/dtls_record.hpp"
#include "dtls_pair.hpp"
#include "presentd/dtls/dtls_transport.hpp"

namespace presentd::dtls {
namespace {

using testing::DtlsPair;
using testing::PairOptions;
using Batch = std::deque<std::vector<std::uint8_t>>;

// Runs deliveries and, when both sides are quiet but not done, the timers, like the event loop.
void run_until_quiet(DtlsPair& pair, const DtlsPair::Filter& filter, int max_timer_rounds = 8) {
  pair.deliver_all(filter);
  for (int round = 0; round < max_timer_rounds && !pair.both_connected(); ++round) {
    if (!pair.fire_next_timer()) break;
    pair.deliver_all(filter);
  }
}

TEST(DtlsTransportNetwork, LostClientHelloIsRetransmittedWhenTheTimerFires) {
  DtlsPair pair;
  pair.client.transport->start();
  ASSERT_FALSE(pair.client.outbox.empty());
  const auto first_flight = pair.client.outbox;
  pair.client.outbox.clear();  // lost
  ASSERT_TRUE(pair.client.transport->next_timeout().has_value());
  EXPECT_FALSE(pair.server.transport->next_timeout().has_value());  // a server has nothing to resend yet
  run_until_quiet(pair, {});
  ASSERT_TRUE(pair.both_connected()) << pair.client.transport->failure_reason();
  EXPECT_GE(pair.client.transport->stats().retransmission_timeouts, 1U);
  EXPECT_EQ(pair.client.profile, rtp::SrtpProfile::aead_aes_128_gcm);
}

TEST(DtlsTransportNetwork, LostServerFlightIsRecoveredByTimers) {
  DtlsPair pair;
  bool dropped = false;
  pair.client.transport->start();
  run_until_quiet(pair, [&](bool from_client, Batch& batch) {
    if (!from_client && !dropped) {
      batch.clear();  // ServerHello .. ServerHelloDone
      dropped = true;
    }
  });
  EXPECT_TRUE(dropped);
  ASSERT_TRUE(pair.both_connected()) << pair.client.transport->failure_reason();
  EXPECT_GE(
      pair.client.transport->stats().retransmission_timeouts + pair.server.transport->stats().retransmission_timeouts,
      1U);
}

TEST(DtlsTransportNetwork, LostFinalServerFlightIsResentWhenTheClientRepeatsItsFinished) {
  DtlsPair pair;
  int server_batches = 0;
  pair.client.transport->start();
  run_until_quiet(pair, [&](bool from_client, Batch& batch) {
    if (!from_client && ++server_batches == 2) batch.clear();  // ChangeCipherSpec + Finished
  });
  ASSERT_TRUE(pair.both_connected()) << pair.client.transport->failure_reason();
  EXPECT_EQ(pair.client.connected_calls, 1);
  EXPECT_EQ(pair.server.connected_calls, 1);
  EXPECT_GE(pair.client.transport->stats().retransmission_timeouts, 1U);
}

TEST(DtlsTransportNetwork, ReorderedAndDuplicatedDatagramsStillComplete) {
  PairOptions options;
  options.server_key = crypto::KeyType::rsa_2048;  // a longer flight with more datagrams to shuffle
  options.server_config.mtu = 400;
  DtlsPair pair(options);
  std::mt19937 rng(6347);
  std::size_t largest_batch = 0;
  pair.client.transport->start();
  pair.deliver_all([&](bool, Batch& batch) {
    largest_batch = std::max(largest_batch, batch.size());
    Batch doubled;
    for (const auto& datagram : batch) {
      doubled.push_back(datagram);
      doubled.push_back(datagram);
    }
    std::shuffle(doubled.begin(), doubled.end(), rng);
    batch = std::move(doubled);
  });
  ASSERT_TRUE(pair.both_connected()) << pair.client.transport->failure_reason() << " / "
                                     << pair.server.transport->failure_reason();
  EXPECT_GE(largest_batch, 4U);
  EXPECT_EQ(pair.client.connected_calls, 1);
  EXPECT_EQ(pair.server.connected_calls, 1);
}

TEST(DtlsTransportNetwork, SmallMtuFragmentsHandshakeMessagesAndTheyReassemble) {
  PairOptions options;
  options.client_key = crypto::KeyType::rsa_2048;
  options.server_key = crypto::KeyType::rsa_2048;
  options.client_config.mtu = 300;
  options.server_config.mtu = 300;
  DtlsPair pair(options);
  pair.client.transport->start();
  pair.deliver_all();
  ASSERT_TRUE(pair.both_connected()) << pair.client.transport->failure_reason();
  // An RSA-2048 certificate is ~750 octets: it cannot have fit in one 300-octet datagram.
  EXPECT_GT(pair.server.sent_sizes.size(), 5U);
  for (const auto size : pair.client.sent_sizes) EXPECT_LE(size, 300U);
  for (const auto size : pair.server.sent_sizes) EXPECT_LE(size, 300U);
}

TEST(DtlsTransportNetwork, GarbageIsCountedAndTheHandshakeGoesOn) {
  DtlsPair pair;
  std::mt19937 rng(7983);
  const std::vector<std::vector<std::uint8_t>> garbage{
      {},                                                  // empty
      {22},                                                // truncated header
      {22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 1},  // length beyond the datagram
      {22, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},      // TLS, not DTLS, version
      {19, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},      // content type out of range
      {0x30, 1, 2, 3, 4},                                  // RFC 9147 unified header
      std::vector<std::uint8_t>(kMaxDtlsDatagramLength + 1, 23),
  };
  pair.client.transport->start();
  for (const auto& datagram : garbage) pair.server.transport->on_datagram(datagram);
  EXPECT_EQ(pair.server.transport->stats().malformed_datagrams, garbage.size());
  EXPECT_EQ(pair.server.transport->stats().datagrams_received, 0U);
  // Well-formed headers around random bodies reach OpenSSL, which must survive them.
  for (int i = 0; i < 50; ++i) {
    std::vector<std::uint8_t> datagram{23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(i), 0, 32};
    for (int b = 0; b < 32; ++b) datagram.push_back(static_cast<std::uint8_t>(rng()));
    pair.client.transport->on_datagram(datagram);
  }
  EXPECT_EQ(pair.client.transport->stats().datagrams_received, 50U);
  pair.deliver_all();
  ASSERT_TRUE(pair.both_connected()) << pair.client.transport->failure_reason();
  // Once connected, forged epoch-1 records (bad MAC) are dropped silently (RFC 6347 §4.1.2.7).
  const auto received = pair.server.transport->stats().datagrams_received;
  for (int i = 0; i < 20; ++i) {
    std::vector<std::uint8_t> forged{23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 1, static_cast<std::uint8_t>(i), 0, 40};
    for (int b = 0; b < 40; ++b) forged.push_back(static_cast<std::uint8_t>(rng()));
    pair.server.transport->on_datagram(forged);
  }
  EXPECT_EQ(pair.server.transport->stats().datagrams_received, received + 20);
  EXPECT_EQ(pair.server.transport->state(), DtlsState::connected);
  EXPECT_EQ(pair.server.transport->stats().application_data_bytes, 0U);
  EXPECT_TRUE(pair.server.failures.empty());
}

TEST(DtlsTransportNetwork, PeerCloseNotifyClosesAndLaterDatagramsAreIgnored) {
  DtlsPair pair;
  pair.client.transport->start();
  pair.deliver_all();
  ASSERT_TRUE(pair.both_connected());
  pair.client.transport->close();
  EXPECT_EQ(pair.client.transport->state(), DtlsState::closed);
  ASSERT_FALSE(pair.client.outbox.empty());  // close_notify
  pair.deliver_all();
  EXPECT_EQ(pair.server.transport->state(), DtlsState::closed);
  EXPECT_EQ(pair.server.closed_calls, 1);
  EXPECT_EQ(pair.client.closed_calls, 0);  // a local close() reports nothing
  EXPECT_TRUE(pair.server.failures.empty());
  const auto ignored = pair.server.transport->stats().ignored_datagrams;
  pair.server.transport->on_datagram(std::vector<std::uint8_t>{23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 9, 0, 0});
  EXPECT_EQ(pair.server.transport->stats().ignored_datagrams, ignored + 1);
  EXPECT_FALSE(pair.server.transport->next_timeout().has_value());
}

TEST(DtlsTransportNetwork, AfterFailureNothingIsProcessedOrSent) {
  PairOptions options;
  options.server_expects = {testing::fingerprint_of(testing::make_identity())};
  DtlsPair pair(options);
  pair.client.transport->start();
  pair.deliver_all();
  ASSERT_EQ(pair.server.transport->state(), DtlsState::failed);
  const auto sent = pair.server.transport->stats().datagrams_sent;
  pair.client.transport->on_timeout();
  pair.server.transport->on_timeout();
  pair.server.transport->on_datagram(std::vector<std::uint8_t>{22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0});
  EXPECT_EQ(pair.server.transport->stats().ignored_datagrams, 1U);
  EXPECT_EQ(pair.server.transport->stats().datagrams_sent, sent);
  EXPECT_EQ(pair.server.failures.size(), 1U);
  EXPECT_FALSE(pair.server.transport->next_timeout().has_value());
}

TEST(DtlsTransportNetwork, UnansweredClientBacksOffThenGivesUp) {
  DtlsPair pair;
  pair.client.transport->start();
  std::vector<Clock::Duration> waits;
  while (pair.client.transport->state() == DtlsState::connecting && waits.size() < 40) {
    pair.client.outbox.clear();  // the peer never answers
    const auto before = pair.clock.now();
    if (!pair.fire_next_timer()) break;
    waits.push_back(pair.clock.now() - before);
  }
  EXPECT_EQ(pair.client.transport->state(), DtlsState::failed);
  EXPECT_EQ(pair.client.failures.size(), 1U);
  EXPECT_FALSE(pair.client.transport->next_timeout().has_value());
  ASSERT_GE(waits.size(), 11U);
  // 100 ms, then doubling (RFC 6347 §4.2.4.1), capped at 60 s (small slack for real time passing).
  const auto near = [](Clock::Duration actual, std::chrono::milliseconds expected) {
    return actual <= expected && actual > expected - std::chrono::milliseconds(50);
  };
  EXPECT_TRUE(near(waits[0], std::chrono::milliseconds(100))) << waits[0].count();
  EXPECT_TRUE(near(waits[1], std::chrono::milliseconds(200)));
  EXPECT_TRUE(near(waits[2], std::chrono::milliseconds(400)));
  EXPECT_TRUE(near(waits[9], std::chrono::milliseconds(51200)));
  EXPECT_TRUE(near(waits[10], std::chrono::milliseconds(60000)));
  EXPECT_GE(pair.client.transport->stats().retransmission_timeouts, 8U);
}

}  // namespace
}  // namespace presentd::dtls

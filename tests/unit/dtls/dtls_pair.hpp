// SPDX-License-Identifier: Apache-2.0
#pragma once
// Two DtlsTransports wired back to back in memory. Datagrams each side sends wait in a queue until
// the test delivers them, so a test can drop, duplicate or reorder them; retransmission timers
// are driven by hand through next_timeout()/on_timeout(), the way the session's steady_timer does.
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "presentd/crypto/certificate.hpp"
#include "presentd/dtls/dtls_transport.hpp"

namespace presentd::dtls::testing {

// Moves the clock OpenSSL's DTLS timers read (defined in dtls_wall_clock_test.cpp).
void advance_openssl_wall_clock(Clock::Duration duration);

inline crypto::Identity make_identity(crypto::KeyType type = crypto::KeyType::ecdsa_p256) {
  return crypto::generate_self_signed(type, {"dtls-test"}, std::chrono::hours(24));
}

inline DtlsFingerprint fingerprint_of(const crypto::Identity& identity, std::string_view algorithm = "sha-256") {
  return certificate_fingerprint(identity.certificate.get(), algorithm);
}

// What one side observed through its callbacks.
struct Endpoint {
  std::unique_ptr<DtlsTransport> transport;
  std::deque<std::vector<std::uint8_t>> outbox;  // sent, not yet delivered to the other side
  std::vector<std::size_t> sent_sizes;
  std::optional<rtp::SrtpProfile> profile;
  std::optional<rtp::SrtpKeyPair> keys;
  int connected_calls = 0;
  std::vector<std::string> failures;
  int closed_calls = 0;
};

struct PairOptions {
  crypto::KeyType client_key = crypto::KeyType::ecdsa_p256;
  crypto::KeyType server_key = crypto::KeyType::ecdsa_p256;
  DtlsConfig client_config{};  // role and fingerprints are filled in
  DtlsConfig server_config{};
  // Replaces the fingerprint each side expects (to simulate a tampered offer).
  std::optional<std::vector<DtlsFingerprint>> client_expects;
  std::optional<std::vector<DtlsFingerprint>> server_expects;
  // Appended to what the server expects (an offer with several a=fingerprint lines).
  std::vector<DtlsFingerprint> server_also_expects;
  std::string fingerprint_algorithm = "sha-256";
};

class DtlsPair {
public:
  explicit DtlsPair(PairOptions options = {})
      : client_identity_(make_identity(options.client_key)), server_identity_(make_identity(options.server_key)) {
    options.client_config.role = rtp::DtlsRole::client;
    options.server_config.role = rtp::DtlsRole::server;
    options.client_config.remote_fingerprints =
        options.client_expects.value_or(std::vector{fingerprint_of(server_identity_, options.fingerprint_algorithm)});
    options.server_config.remote_fingerprints =
        options.server_expects.value_or(std::vector{fingerprint_of(client_identity_, options.fingerprint_algorithm)});
    auto& expected = options.server_config.remote_fingerprints;
    expected.insert(expected.end(), options.server_also_expects.begin(), options.server_also_expects.end());
    server_expected = expected;
    client.transport = make(client_identity_, options.client_config, client);
    server.transport = make(server_identity_, options.server_config, server);
  }

  // Hands every queued datagram to the other side, in order, until both sides are quiet.
  // `filter` sees each batch (one side's outbox) before delivery and may rewrite it.
  using Filter = std::function<void(bool from_client, std::deque<std::vector<std::uint8_t>>& batch)>;
  void deliver_all(const Filter& filter = {}, int max_rounds = 50) {
    for (int round = 0; round < max_rounds && (!client.outbox.empty() || !server.outbox.empty()); ++round) {
      deliver(client, server, true, filter);
      deliver(server, client, false, filter);
    }
  }

  // Waits (on the test clocks) for the earliest timer either side asked for and fires it, as the
  // owner's steady_timer would. Returns false when neither side has a timer running.
  bool fire_next_timer() {
    std::optional<Clock::Duration> earliest;
    for (auto* side : {&client, &server}) {
      const auto timeout = side->transport->next_timeout();
      if (timeout && (!earliest || *timeout < *earliest)) earliest = timeout;
    }
    if (!earliest) return false;
    clock.advance(*earliest);
    advance_openssl_wall_clock(*earliest);
    for (auto* side : {&client, &server}) {
      const auto timeout = side->transport->next_timeout();
      if (timeout && *timeout == Clock::Duration::zero()) side->transport->on_timeout();
    }
    return true;
  }

  bool both_connected() const {
    return client.transport->state() == DtlsState::connected && server.transport->state() == DtlsState::connected;
  }

  Endpoint client;
  Endpoint server;
  ManualClock clock;  // total time the test let pass
  std::vector<DtlsFingerprint> server_expected;
  crypto::Identity client_identity_;
  crypto::Identity server_identity_;

private:
  static std::unique_ptr<DtlsTransport> make(const crypto::Identity& identity, DtlsConfig config, Endpoint& endpoint) {
    DtlsCallbacks callbacks;
    callbacks.send = [&endpoint](std::vector<std::uint8_t> datagram) {
      endpoint.sent_sizes.push_back(datagram.size());
      endpoint.outbox.push_back(std::move(datagram));
    };
    callbacks.on_connected = [&endpoint](rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys) {
      ++endpoint.connected_calls;
      endpoint.profile = profile;
      endpoint.keys = keys;
    };
    callbacks.on_failed = [&endpoint](const std::string& reason) { endpoint.failures.push_back(reason); };
    callbacks.on_closed = [&endpoint] { ++endpoint.closed_calls; };
    return std::make_unique<DtlsTransport>(identity, std::move(config), std::move(callbacks));
  }

  static void deliver(Endpoint& from, Endpoint& to, bool from_client, const Filter& filter) {
    auto batch = std::move(from.outbox);
    from.outbox.clear();
    if (filter) filter(from_client, batch);
    for (const auto& datagram : batch) to.transport->on_datagram(datagram);
  }
};

}  // namespace presentd::dtls::testing

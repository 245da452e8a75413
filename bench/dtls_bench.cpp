// SPDX-License-Identifier: Apache-2.0
// Cost of one complete DTLS-SRTP handshake on the event loop, both ends in this process (so each
// figure is client + server CPU; presentd pays roughly half). It bounds how much of the "offer
// received -> media flowing" budget DTLS takes, and shows what RSA-2048 costs next to P-256.
#include <benchmark/benchmark.h>

#include <deque>

#include "presentd/crypto/certificate.hpp"
#include "presentd/dtls/dtls_transport.hpp"

namespace {

using presentd::crypto::KeyType;
using namespace presentd;

void handshake(benchmark::State& state, KeyType key_type) {
  const auto client_identity = crypto::generate_self_signed(key_type, {"bench"}, std::chrono::hours(24));
  const auto server_identity = crypto::generate_self_signed(key_type, {"bench"}, std::chrono::hours(24));
  for (auto _ : state) {
    std::deque<std::vector<std::uint8_t>> to_server;
    std::deque<std::vector<std::uint8_t>> to_client;
    int connected = 0;
    const auto make = [&](const crypto::Identity& own, const crypto::Identity& peer, rtp::DtlsRole role,
                          std::deque<std::vector<std::uint8_t>>& outbox) {
      dtls::DtlsConfig config;
      config.role = role;
      config.remote_fingerprints = {dtls::certificate_fingerprint(peer.certificate.get())};
      dtls::DtlsCallbacks callbacks;
      callbacks.send = [&outbox](std::vector<std::uint8_t> d) { outbox.push_back(std::move(d)); };
      callbacks.on_connected = [&connected](rtp::SrtpProfile, const rtp::SrtpKeyPair&) { ++connected; };
      return dtls::DtlsTransport(own, std::move(config), std::move(callbacks));
    };
    auto client = make(client_identity, server_identity, rtp::DtlsRole::client, to_server);
    auto server = make(server_identity, client_identity, rtp::DtlsRole::server, to_client);
    client.start();
    while (!to_server.empty() || !to_client.empty()) {
      for (; !to_server.empty(); to_server.pop_front()) server.on_datagram(to_server.front());
      for (; !to_client.empty(); to_client.pop_front()) client.on_datagram(to_client.front());
    }
    if (connected != 2) state.SkipWithError("handshake did not complete");
  }
}

void BM_DtlsHandshakeEcdsaP256(benchmark::State& state) { handshake(state, KeyType::ecdsa_p256); }
void BM_DtlsHandshakeRsa2048(benchmark::State& state) { handshake(state, KeyType::rsa_2048); }

BENCHMARK(BM_DtlsHandshakeEcdsaP256)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DtlsHandshakeRsa2048)->Unit(benchmark::kMillisecond);

}  // namespace

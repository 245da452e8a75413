// SPDX-License-Identifier: Apache-2.0
// Fuzzes what an attacker on the ICE 5-tuple can send to the DTLS layer: the record check
// (count_dtls_records) on the whole input, then a fresh server-side DtlsTransport fed the input
// split into datagrams.
// Input layout: repeated [u16 big-endian length][datagram], the rest is one last datagram. Seeds are
// real ClientHellos captured from `openssl s_client` (tests/fuzz/make_dtls_seeds.py).
#include <cstddef>
#include <cstdint>
#include <span>

#include "dtls/dtls_record.hpp"
#include "presentd/common/byte_reader.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/dtls/dtls_transport.hpp"

namespace {

const presentd::crypto::Identity& identity() {
  static const auto id =
      presentd::crypto::generate_self_signed(presentd::crypto::KeyType::ecdsa_p256, {"fuzz"}, std::chrono::hours(24));
  return id;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace presentd;
  const std::span<const std::uint8_t> input(data, size);
  (void)dtls::count_dtls_records(input);

  dtls::DtlsConfig config;
  config.role = rtp::DtlsRole::server;
  config.remote_fingerprints = {dtls::certificate_fingerprint(identity().certificate.get())};
  dtls::DtlsCallbacks callbacks;
  std::size_t sent = 0;
  callbacks.send = [&sent](std::vector<std::uint8_t> datagram) { sent += datagram.size(); };
  dtls::DtlsTransport transport(identity(), config, callbacks);
  transport.start();

  ByteReader reader(input);
  for (int datagrams = 0; datagrams < 64 && !reader.empty(); ++datagrams) {
    const auto length = reader.u16();
    const auto datagram = length ? reader.bytes(*length) : std::nullopt;
    if (!datagram) {
      transport.on_datagram(reader.rest());
      break;
    }
    transport.on_datagram(*datagram);
  }
  if (transport.next_timeout()) transport.on_timeout();
  return 0;
}

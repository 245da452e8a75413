// SPDX-License-Identifier: Apache-2.0
// DtlsTransport against an independent DTLS implementation: the `openssl s_client` program, over
// real UDP on loopback through a small shim (the test plays the event loop: poll, recvfrom,
// on_datagram, send callback -> sendto, timers from next_timeout()).
// s_client exports the RFC 5764 keying material itself, so the keys are compared byte for byte.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <regex>
#include <sstream>
#include <thread>

#include "dtls_pair.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/dtls/dtls_transport.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace presentd::dtls {
namespace {

// The owner of a DtlsTransport as the session will be: a UDP socket (standing in for the ICE
// pair), the send callback writing to it, and a poll loop that feeds datagrams and fires timers.
class UdpShim {
public:
  UdpShim() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return;
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  }
  ~UdpShim() {
    if (fd_ >= 0) ::close(fd_);
  }
  UdpShim(const UdpShim&) = delete;
  UdpShim& operator=(const UdpShim&) = delete;

  void set_peer_port(std::uint16_t peer_port) {
    peer_.sin_family = AF_INET;
    peer_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    peer_.sin_port = htons(peer_port);
    peer_length_ = sizeof peer_;
  }

  std::unique_ptr<DtlsTransport> make_transport(const crypto::Identity& identity, DtlsConfig config) {
    DtlsCallbacks callbacks;
    callbacks.send = [this](std::vector<std::uint8_t> datagram) {
      answered_ = true;
      ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&peer_), peer_length_);
    };
    callbacks.on_connected = [this](rtp::SrtpProfile p, const rtp::SrtpKeyPair& k) {
      profile = p;
      keys = k;
    };
    callbacks.on_closed = [this] { closed = true; };
    return std::make_unique<DtlsTransport>(identity, std::move(config), std::move(callbacks));
  }

  // Polls until `done()` or the transport failed, at most 10 s of real time.
  void run(DtlsTransport& transport, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && transport.state() != DtlsState::failed && std::chrono::steady_clock::now() < deadline) {
      const auto timeout = transport.next_timeout();
      const Clock::Duration cap = std::chrono::milliseconds(50);
      const auto wait = timeout ? std::min(*timeout, cap) : cap;
      pollfd descriptor{fd_, POLLIN, 0};
      if (::poll(&descriptor, 1, static_cast<int>(wait.count() / 1000)) > 0) {
        std::array<std::uint8_t, 2048> buffer{};
        peer_length_ = sizeof peer_;
        const auto n =
            ::recvfrom(fd_, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&peer_), &peer_length_);
        if (n <= 0) continue;
        if (!answered_) ++received_before_answer;
        transport.on_datagram(std::span(buffer.data(), static_cast<std::size_t>(n)));
      } else if (timeout) {
        transport.on_timeout();
      }
    }
  }

  std::uint16_t port = 0;
  std::optional<rtp::SrtpProfile> profile;
  std::optional<rtp::SrtpKeyPair> keys;
  bool closed = false;
  std::size_t received_before_answer = 0;  // datagrams that arrived before we sent anything

private:
  int fd_;
  sockaddr_in peer_{};
  socklen_t peer_length_ = 0;
  bool answered_ = false;
};

struct Pipe {
  Pipe() : ok(::pipe(ends.data()) == 0) {}
  ~Pipe() {
    for (const int fd : ends) {
      if (fd >= 0) ::close(fd);
    }
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  int operator[](std::size_t i) const { return ends[i]; }
  std::array<int, 2> ends{-1, -1};
  bool ok;
};

std::string hex(std::span<const std::uint8_t> bytes) {
  std::ostringstream out;
  for (const auto b : bytes) {
    const char* digits = "0123456789ABCDEF";
    out << digits[b >> 4] << digits[b & 15];
  }
  return out.str();
}

std::optional<std::string> find_openssl() {
  for (const char* path : {"/usr/bin/openssl", "/bin/openssl"}) {
    if (std::filesystem::exists(path)) return std::string(path);
  }
  return std::nullopt;
}

std::string exported_keying_material(const std::string& log) {
  std::smatch match;
  if (!std::regex_search(log, match, std::regex("Keying material: ([0-9A-F]+)"))) return "(none in: " + log + ")";
  return match[1].str();
}

struct InteropCase {
  const char* name;
  std::string client_profiles;  // s_client -use_srtp
  rtp::SrtpProfile expected;
  std::string extra_arguments;
  std::size_t client_hello_datagrams;  // what arrives before the server has anything to answer
};

class DtlsOpenSslInterop : public ::testing::TestWithParam<InteropCase> {};

// We are the DTLS server (we answered a=setup:passive), s_client the browser.
TEST_P(DtlsOpenSslInterop, ServerHandshakeKeysAndCloseMatchOpenSslClient) {
  const auto openssl = find_openssl();
  if (!openssl) GTEST_SKIP() << "openssl program not installed";
  test::TempDir directory;
  const auto client_identity = testing::make_identity();
  const auto server_identity = testing::make_identity();
  const auto client_cert = directory.write("client.pem", crypto::certificate_to_pem(client_identity.certificate.get()));
  const auto client_key =
      directory.write("client-key.pem", crypto::private_key_to_pem(client_identity.private_key.get()));
  const auto length = rtp::keying_material_length(GetParam().expected);

  UdpShim shim;
  ASSERT_NE(shim.port, 0);
  DtlsConfig config;
  config.role = rtp::DtlsRole::server;
  config.remote_fingerprints = {testing::fingerprint_of(client_identity)};
  auto transport = shim.make_transport(server_identity, config);
  transport->start();

  const auto output = directory.path() / "s_client.out";
  std::ostringstream command;
  command << "exec " << *openssl << " s_client -dtls1_2 -connect 127.0.0.1:" << shim.port << " -cert " << client_cert
          << " -key " << client_key << " -use_srtp " << GetParam().client_profiles
          << " -keymatexport EXTRACTOR-dtls_srtp -keymatexportlen " << length << " " << GetParam().extra_arguments
          << " < /dev/null";
  test::ChildProcess client({"/bin/sh", "-c", command.str()}, {}, output);
  // s_client reads EOF from stdin right after the handshake and closes the association.
  shim.run(*transport, [&] { return shim.closed; });
  client.wait_for_exit(std::chrono::seconds(5));
  const auto log = test::read_file(output);
  ASSERT_EQ(transport->state(), DtlsState::closed) << transport->failure_reason() << "\n" << log;
  ASSERT_TRUE(shim.profile && shim.keys);
  EXPECT_EQ(*shim.profile, GetParam().expected);
  EXPECT_EQ(shim.received_before_answer, GetParam().client_hello_datagrams);
  EXPECT_NE(log.find("SRTP Extension negotiated, profile=" +
                     std::string(rtp::srtp_profile_info(GetParam().expected).openssl_name)),
            std::string::npos)
      << log;
  // RFC 5764 §4.2 layout: client key | server key | client salt | server salt. We are the server.
  const auto& keys = *shim.keys;
  EXPECT_EQ(exported_keying_material(log),
            hex(keys.remote.key()) + hex(keys.local.key()) + hex(keys.remote.salt()) + hex(keys.local.salt()));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DtlsOpenSslInterop,
    ::testing::Values(
        InteropCase{"gcm", "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80", rtp::SrtpProfile::aead_aes_128_gcm, "", 1},
        InteropCase{"aes_cm_only", "SRTP_AES128_CM_SHA1_80", rtp::SrtpProfile::aes_cm_128_hmac_sha1_80, "", 1},
        // A 250-character SNI and a 300-octet link MTU split the ClientHello over two datagrams,
        // as Firefox's large key share does; OpenSSL must reassemble it.
        InteropCase{"fragmented_client_hello", "SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM",
                    rtp::SrtpProfile::aead_aes_128_gcm, "-mtu 300 -servername " + std::string(250, 'f'), 2}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

// We are the DTLS client (the offer said a=setup:passive, we answered active), s_server the peer.
TEST(DtlsOpenSslInteropClient, ClientHandshakeAgainstOpenSslServerExportsTheSameKeys) {
  const auto openssl = find_openssl();
  if (!openssl) GTEST_SKIP() << "openssl program not installed";
  test::TempDir directory;
  const auto client_identity = testing::make_identity();
  const auto server_identity = testing::make_identity(crypto::KeyType::rsa_2048);
  const auto server_cert = directory.write("server.pem", crypto::certificate_to_pem(server_identity.certificate.get()));
  const auto server_key =
      directory.write("server-key.pem", crypto::private_key_to_pem(server_identity.private_key.get()));
  std::uint16_t server_port = 0;
  {
    UdpShim probe;  // a free port for s_server
    server_port = probe.port;
  }
  const auto output = directory.path() / "s_server.out";
  // s_server quits at EOF on stdin even with -ign_eof, so its stdin is a pipe nobody writes to.
  Pipe stdin_pipe;
  ASSERT_TRUE(stdin_pipe.ok);
  std::ostringstream command;
  command << "exec " << *openssl << " s_server -dtls1_2 -accept 127.0.0.1:" << server_port << " -cert " << server_cert
          << " -key " << server_key << " -naccept 1 -verify 1 -use_srtp SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_256_GCM"
          << " -keymatexport EXTRACTOR-dtls_srtp -keymatexportlen 60 < /dev/fd/" << stdin_pipe[0];
  test::ChildProcess server({"/bin/sh", "-c", command.str()}, {}, output);
  // s_server prints ACCEPT once it listens; waiting on an external process is real time.
  const auto listening_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (test::read_file(output).find("ACCEPT") == std::string::npos &&
         std::chrono::steady_clock::now() < listening_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  UdpShim shim;
  shim.set_peer_port(server_port);
  DtlsConfig config;
  config.role = rtp::DtlsRole::client;
  config.remote_fingerprints = {testing::fingerprint_of(server_identity, "sha-384")};
  auto transport = shim.make_transport(client_identity, config);
  transport->start();
  shim.run(*transport, [&] {
    return shim.keys.has_value() && test::read_file(output).find("Keying material") != std::string::npos;
  });
  const auto log = test::read_file(output);
  ASSERT_EQ(transport->state(), DtlsState::connected) << transport->failure_reason() << "\n" << log;
  // s_server prefers its own order: AES-CM first, then AES-256-GCM (60 octets of keying material).
  EXPECT_EQ(shim.profile, rtp::SrtpProfile::aes_cm_128_hmac_sha1_80);
  ASSERT_EQ(rtp::keying_material_length(*shim.profile), 60U);
  EXPECT_NE(log.find("SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80"), std::string::npos) << log;
  const auto& keys = *shim.keys;  // we are the client: local is the client's key
  EXPECT_EQ(exported_keying_material(log),
            hex(keys.local.key()) + hex(keys.remote.key()) + hex(keys.local.salt()) + hex(keys.remote.salt()));
  transport->close();
  EXPECT_EQ(transport->state(), DtlsState::closed);
  // -naccept 1: s_server exits once it has seen our close_notify.
  EXPECT_EQ(server.wait_for_exit(std::chrono::seconds(5)), 0) << test::read_file(output);
}

}  // namespace
}  // namespace presentd::dtls

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
#include <regex>
#include <sstream>

#include "crypto/certificate.hpp"
#include "dtls/dtls_transport.hpp"
#include "dtls_pair.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace presentd::dtls {
namespace {

struct UdpSocket {
  UdpSocket() : fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return;
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  }
  ~UdpSocket() {
    if (fd >= 0) ::close(fd);
  }
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;
  int fd;
  std::uint16_t port = 0;
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
  const auto client_key = directory.write("client-key.pem", crypto::private_key_to_pem(client_identity.private_key.get()));
  const auto length = rtp::keying_material_length(GetParam().expected);

  UdpSocket socket;
  ASSERT_NE(socket.port, 0);
  sockaddr_in peer{};
  socklen_t peer_length = 0;
  DtlsConfig config;
  config.role = rtp::DtlsRole::server;
  config.remote_fingerprints = {testing::fingerprint_of(client_identity)};
  std::optional<rtp::SrtpProfile> profile;
  std::optional<rtp::SrtpKeyPair> keys;
  bool closed = false;
  DtlsCallbacks callbacks;
  std::size_t received_before_answer = 0;
  bool answered = false;
  callbacks.send = [&](std::vector<std::uint8_t> datagram) {
    answered = true;
    ::sendto(socket.fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&peer), peer_length);
  };
  callbacks.on_connected = [&](rtp::SrtpProfile p, const rtp::SrtpKeyPair& k) {
    profile = p;
    keys = k;
  };
  callbacks.on_closed = [&] { closed = true; };
  DtlsTransport transport(server_identity, config, callbacks);
  transport.start();

  const auto output = directory.path() / "s_client.out";
  std::ostringstream command;
  command << "exec " << *openssl << " s_client -dtls1_2 -connect 127.0.0.1:" << socket.port << " -cert " << client_cert
          << " -key " << client_key << " -use_srtp " << GetParam().client_profiles
          << " -keymatexport EXTRACTOR-dtls_srtp -keymatexportlen " << length << " " << GetParam().extra_arguments
          << " < /dev/null";
  test::ChildProcess client({"/bin/sh", "-c", command.str()}, {}, output);

  // The event loop: datagrams and timers until the client has closed the association.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!closed && transport.state() != DtlsState::failed && std::chrono::steady_clock::now() < deadline) {
    const auto timeout = transport.next_timeout();
    const auto wait = timeout ? std::min<Clock::Duration>(*timeout, std::chrono::milliseconds(100))
                              : Clock::Duration(std::chrono::milliseconds(100));
    pollfd descriptor{socket.fd, POLLIN, 0};
    const int ready = ::poll(&descriptor, 1, static_cast<int>(wait.count() / 1000));
    if (ready > 0) {
      std::array<std::uint8_t, 2048> buffer{};
      peer_length = sizeof peer;
      const auto n = ::recvfrom(socket.fd, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&peer),
                                &peer_length);
      if (n > 0 && !answered) ++received_before_answer;
      if (n > 0) transport.on_datagram(std::span(buffer.data(), static_cast<std::size_t>(n)));
    } else if (timeout) {
      transport.on_timeout();
    }
  }
  client.wait_for_exit(std::chrono::seconds(5));
  const auto log = test::read_file(output);
  ASSERT_EQ(transport.state(), DtlsState::closed) << transport.failure_reason() << "\n" << log;
  EXPECT_TRUE(closed);
  ASSERT_TRUE(profile && keys);
  EXPECT_EQ(*profile, GetParam().expected);
  EXPECT_EQ(received_before_answer, GetParam().client_hello_datagrams);
  EXPECT_NE(log.find("SRTP Extension negotiated, profile=" +
                     std::string(rtp::srtp_profile_info(GetParam().expected).openssl_name)),
            std::string::npos)
      << log;
  // RFC 5764 §4.2 layout: client key | server key | client salt | server salt. We are the server.
  const std::string expected = hex(keys->remote.key()) + hex(keys->local.key()) + hex(keys->remote.salt()) +
                               hex(keys->local.salt());
  std::smatch match;
  ASSERT_TRUE(std::regex_search(log, match, std::regex("Keying material: ([0-9A-F]+)"))) << log;
  EXPECT_EQ(match[1].str(), expected);
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

}  // namespace
}  // namespace presentd::dtls

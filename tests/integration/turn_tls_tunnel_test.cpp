// SPDX-License-Identifier: Apache-2.0
// net::TurnTlsTunnel against a real coturn TLS listener, without libnice: a plain TCP client
// (standing in for libnice) sends a STUN Binding request into the tunnel's loopback port and
// must get coturn's Binding success back over TLS. A certificate from an untrusted CA or for
// another name is refused with a clear reason and the client's connection closed.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "presentd/net/turn_tls_tunnel.hpp"
#include "support/coturn_server.hpp"
#include "support/network_namespace.hpp"
#include "support/squid_proxy.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificate.hpp"

namespace presentd::test {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

// RFC 5389 §6: Binding request, no attributes, magic cookie, 96-bit transaction ID.
const std::array<std::uint8_t, 20> kBindingRequest{0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1,  2,
                                                   3,    4,    5,    6,    7,    8,    9,    10,   11, 12};

class TurnTlsTunnelTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string why;
    network_ = enter_private_network(why);
    ASSERT_TRUE(network_) << why;
    certificate_ = make_test_certificate(dir_.path(), "turn", "IP:" + network_->box_address + ",DNS:turn.test");
    CoturnOptions options;
    options.listen_address = network_->box_address;
    options.relay_address = network_->box_address;
    options.certificate = certificate_.certificate;
    options.private_key = certificate_.private_key;
    options.users = {{"box", "boxpass"}};
    coturn_ = std::make_unique<CoturnServer>(dir_.path(), options);
    ASSERT_TRUE(coturn_->ready()) << coturn_->log();
  }

  net::TurnTlsTunnelOptions tunnel_options() const {
    net::TurnTlsTunnelOptions options;
    options.server_host = network_->box_address;
    options.server_port = 5349;
    options.ca_file = certificate_.certificate.string();
    return options;
  }

  // Sends a Binding request through the tunnel; returns the reply's first 20 bytes ("" when the
  // tunnel closed instead).
  std::string binding_through(net::TurnTlsTunnel& tunnel) {
    tcp::socket client(io_);
    client.connect({asio::ip::make_address(tunnel.local_address()), tunnel.local_port()});
    asio::write(client, asio::buffer(kBindingRequest));
    std::array<std::uint8_t, 20> reply{};
    std::string result;
    bool done = false;
    asio::async_read(client, asio::buffer(reply), [&](const boost::system::error_code& ec, std::size_t) {
      if (!ec) result.assign(reinterpret_cast<const char*>(reply.data()), reply.size());
      done = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!done && std::chrono::steady_clock::now() < deadline) io_.run_one_for(100ms);
    EXPECT_TRUE(done);
    return result;
  }

  TempDir dir_;
  std::optional<PrivateNetwork> network_;
  TestCertificate certificate_;
  std::unique_ptr<CoturnServer> coturn_;
  asio::io_context io_;
};

TEST_F(TurnTlsTunnelTest, CarriesStunToCoturnOverVerifiedTls) {
  net::TurnTlsTunnel tunnel(io_, tunnel_options());
  EXPECT_EQ(tunnel.local_address(), "127.0.0.1");
  const auto reply = binding_through(tunnel);
  ASSERT_EQ(reply.size(), 20u) << tunnel.counters().last_error;
  EXPECT_EQ(static_cast<std::uint8_t>(reply[0]), 0x01);  // 0x0101: Binding success response
  EXPECT_EQ(static_cast<std::uint8_t>(reply[1]), 0x01);
  EXPECT_EQ(reply.substr(8), std::string(reinterpret_cast<const char*>(kBindingRequest.data()) + 8, 12));
  EXPECT_EQ(tunnel.counters().bytes_to_server, 20u);
  EXPECT_GE(tunnel.counters().bytes_from_server, 20u);
  EXPECT_EQ(tunnel.counters().connections_failed, 0u);
}

TEST_F(TurnTlsTunnelTest, AnUntrustedCertificateIsRefused) {
  const auto other = make_test_certificate(dir_.path(), "other-ca", "DNS:other.test");
  auto options = tunnel_options();
  options.ca_file = other.certificate.string();
  net::TurnTlsTunnel tunnel(io_, options);
  EXPECT_EQ(binding_through(tunnel), "");
  EXPECT_NE(tunnel.counters().last_error.find("certificate refused"), std::string::npos)
      << tunnel.counters().last_error;
  EXPECT_EQ(tunnel.counters().connections_failed, 1u);
  EXPECT_EQ(tunnel.counters().bytes_to_server, 0u);
}

TEST_F(TurnTlsTunnelTest, ACertificateForAnotherAddressIsRefused) {
  // Trusted CA, but the certificate does not name the address presentd connected to.
  const auto elsewhere = make_test_certificate(dir_.path(), "elsewhere", "IP:192.0.2.1");
  coturn_.reset();
  CoturnOptions options;
  options.listen_address = network_->box_address;
  options.relay_address = network_->box_address;
  options.certificate = elsewhere.certificate;
  options.private_key = elsewhere.private_key;
  options.users = {{"box", "boxpass"}};
  coturn_ = std::make_unique<CoturnServer>(dir_.path(), options);
  ASSERT_TRUE(coturn_->ready()) << coturn_->log();
  auto tunnel_settings = tunnel_options();
  tunnel_settings.ca_file = elsewhere.certificate.string();
  net::TurnTlsTunnel tunnel(io_, tunnel_settings);
  EXPECT_EQ(binding_through(tunnel), "");
  EXPECT_NE(tunnel.counters().last_error.find("certificate refused"), std::string::npos)
      << tunnel.counters().last_error;
}

TEST_F(TurnTlsTunnelTest, ThroughSquid) {
  SquidProxy squid(dir_.path(), network_->box_address, 3128, "presenter", "proxy-pw");
  ASSERT_TRUE(squid.ready()) << squid.cache_log();
  auto options = tunnel_options();
  options.proxy = {net::ProxyType::http, network_->box_address, 3128, "presenter", "proxy-pw"};
  net::TurnTlsTunnel tunnel(io_, options);
  const auto reply = binding_through(tunnel);
  ASSERT_EQ(reply.size(), 20u) << tunnel.counters().last_error;
  EXPECT_EQ(static_cast<std::uint8_t>(reply[1]), 0x01);
  // squid writes the line when the tunnel closes: the client has gone, the tunnel follows.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (squid.access_log().find("CONNECT") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    io_.run_one_for(50ms);
  }
  EXPECT_NE(squid.access_log().find("CONNECT " + network_->box_address + ":5349 presenter"), std::string::npos)
      << squid.access_log();
  EXPECT_EQ(tunnel.open_connections(), 0u);
}

}  // namespace
}  // namespace presentd::test

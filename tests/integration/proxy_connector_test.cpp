// SPDX-License-Identifier: Apache-2.0
// net::ProxyConnector against real proxies started by the test: squid (HTTP CONNECT with Basic
// authentication) and dante (SOCKS5 with username/password), in a network namespace of the
// test's own. Behind each proxy sits a TCP echo server; a connection that comes back must carry
// bytes both ways. Wrong passwords must give a clear error that never contains the password.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "presentd/net/proxy_connector.hpp"
#include "support/dante_proxy.hpp"
#include "support/network_namespace.hpp"
#include "support/squid_proxy.hpp"
#include "support/temp_dir.hpp"

namespace presentd::test {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

constexpr std::uint16_t kSquidPort = 3128;
constexpr std::uint16_t kDantePort = 1080;
const std::string kUser = "presenter";
const std::string kPassword = "s3cret-Proxy-Pw";

// Echoes one connection at a time back to its sender, on the test's io_context.
class EchoServer {
public:
  EchoServer(asio::io_context& io, const std::string& address)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address(address), 0)) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

private:
  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      auto peer = std::make_shared<tcp::socket>(std::move(socket));
      auto buffer = std::make_shared<std::array<char, 256>>();
      peer->async_read_some(
          asio::buffer(*buffer), [peer, buffer](const boost::system::error_code& read_error, std::size_t n) {
            if (!read_error) asio::async_write(*peer, asio::buffer(buffer->data(), n), [peer, buffer](auto, auto) {});
          });
      accept();
    });
  }
  tcp::acceptor acceptor_;
};

struct Outcome {
  std::string error;
  std::string echoed;
};

class ProxyConnectorTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string why;
    network_ = enter_private_network(why);
    ASSERT_TRUE(network_) << why;
    echo_ = std::make_unique<EchoServer>(io_, network_->sender_address);
    echo_port_ = echo_->port();
  }

  // Connects through `proxy` to the echo server and sends "ping"; returns the error or the echo.
  Outcome connect(const net::ProxySettings& proxy) {
    Outcome outcome;
    bool done = false;
    auto socket = std::make_shared<tcp::socket>(io_);
    net::ProxyConnector::start(io_.get_executor(), proxy, network_->sender_address, echo_port_, 10s,
                               [&](std::string error, tcp::socket connected) {
                                 if (!error.empty()) {
                                   outcome.error = error;
                                   done = true;
                                   return;
                                 }
                                 *socket = std::move(connected);
                                 static const std::string kPing = "ping";
                                 asio::write(*socket, asio::buffer(kPing));
                                 auto reply = std::make_shared<std::array<char, 4>>();
                                 asio::async_read(*socket, asio::buffer(*reply),
                                                  [&, reply](const boost::system::error_code& ec, std::size_t n) {
                                                    outcome.echoed = ec ? "read failed: " + ec.message()
                                                                        : std::string(reply->data(), n);
                                                    done = true;
                                                  });
                               });
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!done && std::chrono::steady_clock::now() < deadline) io_.run_one_for(100ms);
    EXPECT_TRUE(done) << "the connector never called back";
    return outcome;
  }

  net::ProxySettings proxy(net::ProxyType type, std::uint16_t port, std::string password) const {
    return {type, network_->box_address, port, kUser, std::move(password)};
  }

  TempDir dir_;
  std::optional<PrivateNetwork> network_;
  asio::io_context io_;
  std::unique_ptr<EchoServer> echo_;
  std::uint16_t echo_port_ = 0;
};

TEST_F(ProxyConnectorTest, DirectWithoutProxy) {
  const auto outcome = connect({});
  EXPECT_EQ(outcome.error, "");
  EXPECT_EQ(outcome.echoed, "ping");
}

TEST_F(ProxyConnectorTest, SquidHttpConnectWithBasicAuthentication) {
  SquidProxy squid(dir_.path(), network_->box_address, kSquidPort, kUser, kPassword);
  ASSERT_TRUE(squid.ready()) << squid.cache_log();
  const auto outcome = connect(proxy(net::ProxyType::http, kSquidPort, kPassword));
  EXPECT_EQ(outcome.error, "");
  EXPECT_EQ(outcome.echoed, "ping");
  // squid writes the line when the tunnel closes, which connect() did on its way out.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (squid.access_log().find("CONNECT " + network_->sender_address) == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    io_.run_one_for(50ms);
  }
  EXPECT_NE(
      squid.access_log().find("CONNECT " + network_->sender_address + ":" + std::to_string(echo_port_) + " presenter"),
      std::string::npos)
      << squid.access_log();
}

TEST_F(ProxyConnectorTest, SquidRefusesAWrongPasswordWithAClearError) {
  SquidProxy squid(dir_.path(), network_->box_address, kSquidPort, kUser, kPassword);
  ASSERT_TRUE(squid.ready()) << squid.cache_log();
  const auto wrong = connect(proxy(net::ProxyType::http, kSquidPort, "not-the-password"));
  EXPECT_NE(wrong.error.find("rejected the credentials of user \"presenter\" (407"), std::string::npos) << wrong.error;
  EXPECT_NE(wrong.error.find("asks for Basic"), std::string::npos) << wrong.error;
  EXPECT_EQ(wrong.error.find("not-the-password"), std::string::npos);
  const auto anonymous = connect({net::ProxyType::http, network_->box_address, kSquidPort, "", ""});
  EXPECT_NE(anonymous.error.find("requires authentication (407"), std::string::npos) << anonymous.error;
}

TEST_F(ProxyConnectorTest, DanteSocks5WithUsernameAndPassword) {
  DanteProxy dante(dir_.path(), network_->box_address, kDantePort, kUser, kPassword);
  ASSERT_TRUE(dante.ready()) << dante.log();
  const auto outcome = connect(proxy(net::ProxyType::socks5, kDantePort, kPassword));
  EXPECT_EQ(outcome.error, "");
  EXPECT_EQ(outcome.echoed, "ping");
}

TEST_F(ProxyConnectorTest, DanteRefusesAWrongPasswordWithAClearError) {
  DanteProxy dante(dir_.path(), network_->box_address, kDantePort, kUser, kPassword);
  ASSERT_TRUE(dante.ready()) << dante.log();
  const auto wrong = connect(proxy(net::ProxyType::socks5, kDantePort, "not-the-password"));
  EXPECT_NE(wrong.error.find("rejected the username/password of user \"presenter\""), std::string::npos) << wrong.error;
  EXPECT_EQ(wrong.error.find("not-the-password"), std::string::npos);
  // Without a username presentd offers "no authentication" only, which this dante refuses.
  const auto anonymous = connect({net::ProxyType::socks5, network_->box_address, kDantePort, "", ""});
  EXPECT_NE(anonymous.error.find("requires authentication but no proxy username is configured"), std::string::npos)
      << anonymous.error;
}

TEST_F(ProxyConnectorTest, AProxyThatNeverAnswersTimesOut) {
  // Accepts the TCP connection (the kernel does, from the backlog) but never says a word.
  tcp::acceptor silent(io_, tcp::endpoint(asio::ip::make_address(network_->box_address), 0));
  const auto port = silent.local_endpoint().port();
  std::string error;
  bool done = false;
  const auto started = std::chrono::steady_clock::now();
  net::ProxyConnector::start(io_.get_executor(), {net::ProxyType::socks5, network_->box_address, port, "", ""},
                             network_->sender_address, echo_port_, 500ms, [&](std::string e, tcp::socket) {
                               error = std::move(e);
                               done = true;
                             });
  while (!done && std::chrono::steady_clock::now() - started < 10s) io_.run_one_for(100ms);
  EXPECT_EQ(error, "timed out connecting to " + network_->sender_address + ":" + std::to_string(echo_port_) +
                       " through SOCKS5 proxy " + network_->box_address + ":" + std::to_string(port));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(ProxyConnectorTest, UnreachableProxyAndRefusedTargetAreNamed) {
  const auto unreachable = connect({net::ProxyType::http, network_->box_address, 9, kUser, kPassword});
  EXPECT_NE(unreachable.error.find("cannot connect to HTTP proxy " + network_->box_address + ":9"), std::string::npos)
      << unreachable.error;
  DanteProxy dante(dir_.path(), network_->box_address, kDantePort, kUser, kPassword);
  ASSERT_TRUE(dante.ready()) << dante.log();
  echo_.reset();  // nothing listens behind the proxy any more
  const auto refused = connect(proxy(net::ProxyType::socks5, kDantePort, kPassword));
  EXPECT_NE(refused.error.find("could not connect to"), std::string::npos) << refused.error;
}

}  // namespace
}  // namespace presentd::test

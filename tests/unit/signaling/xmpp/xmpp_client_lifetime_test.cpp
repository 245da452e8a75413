// SPDX-License-Identifier: Apache-2.0
// The owner may destroy an XmppClient right after stop() (CloudService does on every reload of
// `cloud`/`proxy`). Completions that were already on their way then still run: the TCP
// connector's resolve/connect finishing with operation_aborted, a login deadline that had just
// expired. They must not touch the destroyed client. Under the ASan build
// (-DPRESENTD_SANITIZE=ON) a handler that did would be a heap-use-after-free report; in any
// build the test checks that the client closed its connection and left no work behind.
//
// The server is a loopback acceptor owned by the test that takes connections and says nothing,
// so every login is caught in some phase (connecting, stream open, waiting for features).
#include "presentd/signaling/xmpp/xmpp_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>

#include "presentd/signaling/xmpp/xmpp_tls.hpp"

namespace presentd::xmpp {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::tcp;

TEST(XmppClientLifetime, DestroyedRightAfterStopInAnyPhaseRunsNoHandlerOnIt) {
  boost::asio::io_context io;
  tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  std::vector<std::shared_ptr<tcp::socket>> accepted;
  std::size_t closed_by_client = 0;
  std::function<void()> accept_next = [&] {
    acceptor.async_accept([&](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      auto peer = std::make_shared<tcp::socket>(std::move(socket));
      accepted.push_back(peer);
      // Read until the client closes: its stop() must close the connection.
      auto buffer = std::make_shared<std::array<char, 4096>>();
      auto drain = std::make_shared<std::function<void()>>();
      *drain = [peer, buffer, drain, &closed_by_client] {
        peer->async_read_some(boost::asio::buffer(*buffer),
                              [peer, buffer, drain, &closed_by_client](boost::system::error_code read_ec, std::size_t) {
                                if (read_ec) {
                                  ++closed_by_client;
                                  *drain = nullptr;  // breaks the cycle
                                  return;
                                }
                                (*drain)();
                              });
      };
      (*drain)();
      accept_next();
    });
  };
  accept_next();

  XmppClientSettings settings;
  settings.local = "123456";
  settings.domain = "localhost";
  settings.host = "127.0.0.1";
  settings.port = acceptor.local_endpoint().port();
  settings.direct_tls = false;
  settings.password = "not sent: the server never offers SASL";
  settings.login_timeout = 1ms;  // the deadline fires in the middle of the phases below
  const auto tls = make_xmpp_tls_context("");

  // How long the client runs before stop(): nothing (connect still resolving), one handler,
  // then longer (connected, stream header written, deadline expiring).
  const std::chrono::microseconds runs[] = {0us, 1us, 50us, 200us, 1ms, 2ms, 5ms, 20ms};
  for (int round = 0; round < 3; ++round) {
    for (const auto run : runs) {
      auto client = std::make_unique<XmppClient>(io, settings, tls, make_tcp_connector(io), XmppClientCallbacks{});
      client->start();
      if (run == 0us) {
        io.poll_one();
      } else {
        io.run_for(run);
      }
      io.restart();
      client->stop();
      client.reset();
      io.run_for(20ms);  // whatever was on its way runs now, after the client is gone
      io.restart();
    }
  }
  // Every connection the server saw was closed by the client; nothing is left running but the
  // test's own acceptor and readers.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (closed_by_client < accepted.size() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(10ms);
    io.restart();
  }
  EXPECT_GT(accepted.size(), 0u);
  EXPECT_EQ(closed_by_client, accepted.size());
  acceptor.close();
  io.run_for(10ms);
}

}  // namespace
}  // namespace presentd::xmpp

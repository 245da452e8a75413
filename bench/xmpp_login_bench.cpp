// SPDX-License-Identifier: Apache-2.0
// Connect-to-online time of the XMPP client against a real Prosody 0.12 on loopback, started by
// the benchmark: TCP connected → initial presence written (Direct TLS, SCRAM-SHA-256, bind,
// stream management), against a baseline measured in the same run: TCP connect + verified TLS
// handshake to the same port. docs/performance.md has the figures and the command.
#include <benchmark/benchmark.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "presentd/common/log.hpp"
#include "presentd/signaling/xmpp/xmpp_client.hpp"
#include "presentd/signaling/xmpp/xmpp_tls.hpp"
#include "support/prosody_server.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace presentd;

struct Server {
  test::TempDir dir;
  std::unique_ptr<test::ProsodyServer> prosody;
  Server() {
    log::set_level(log::Level::warning);  // one login line per iteration would drown the table
    std::filesystem::permissions(dir.path(), std::filesystem::perms::others_exec, std::filesystem::perm_options::add);
    std::filesystem::create_directories(dir.path() / "prosody");
    prosody = std::make_unique<test::ProsodyServer>(dir.path() / "prosody");
    prosody->add_user("123456", "bench password");
    prosody->start();
  }
};

Server& server() {
  static Server instance;
  return instance;
}

void BM_TlsHandshakeBaseline(benchmark::State& state) {
  auto& s = server();
  boost::asio::io_context io;
  auto context = xmpp::make_xmpp_tls_context(s.prosody->ca_file().string());
  const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                s.prosody->direct_tls_port());
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(io, *context);
    stream.next_layer().connect(endpoint);
    if (!xmpp::prepare_tls_connection(stream.native_handle(), test::ProsodyServer::kDomain, true)) {
      state.SkipWithError("TLS setup");
    }
    stream.handshake(boost::asio::ssl::stream_base::client);
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    boost::system::error_code ignored;
    stream.next_layer().close(ignored);
  }
}
BENCHMARK(BM_TlsHandshakeBaseline)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(30);

void BM_ConnectToOnlineScramSha256(benchmark::State& state) {
  auto& s = server();
  for (auto _ : state) {
    boost::asio::io_context io;
    xmpp::XmppClientSettings settings;
    settings.local = "123456";
    settings.domain = test::ProsodyServer::kDomain;
    settings.host = "127.0.0.1";
    settings.port = s.prosody->direct_tls_port();
    settings.password = "bench password";
    xmpp::XmppClientCallbacks callbacks;
    callbacks.on_online_changed = [&](bool online) {
      if (online) io.stop();
    };
    xmpp::XmppClient client(io, settings, xmpp::make_xmpp_tls_context(s.prosody->ca_file().string()),
                            xmpp::make_tcp_connector(io), callbacks);
    client.start();
    io.run_for(std::chrono::seconds(10));
    if (!client.online() || !client.last_login_time()) {
      state.SkipWithError("did not come online");
      break;
    }
    state.SetIterationTime(std::chrono::duration<double>(*client.last_login_time()).count());
    client.stop();
    io.restart();
    io.run_for(std::chrono::milliseconds(200));
  }
}
BENCHMARK(BM_ConnectToOnlineScramSha256)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(30);

}  // namespace

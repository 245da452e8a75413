// SPDX-License-Identifier: Apache-2.0
// What presentd's TURN-over-TLS tunnel adds per packet, against a plain TCP connection on
// loopback (what libnice's own TURN-over-TCP costs to the socket layer).
//
// A background thread plays the event loop: it runs a TCP echo server, a TLS echo server
// (standing in for a TURN server's TLS listener: it pays the server-side TLS cost a TURN server
// pays) and a net::TurnTlsTunnel pointing at the TLS echo server. The benchmark thread is
// libnice: it writes 1200-byte messages (a typical relayed RTP packet in TURN ChannelData) and
// reads the echo, either straight to the TCP echo server (baseline) or into the tunnel.
//
//   build-bench/bench/turn_tls_tunnel_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "presentd/crypto/certificate.hpp"
#include "presentd/net/turn_tls_tunnel.hpp"
#include "presentd/signaling/local/tls_server_context.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr std::size_t kPacket = 1200;

template <class Stream>
void echo(std::shared_ptr<Stream> stream, std::shared_ptr<std::array<char, 16384>> buffer) {
  stream->async_read_some(asio::buffer(*buffer), [stream, buffer](const boost::system::error_code& ec, std::size_t n) {
    if (ec) return;
    asio::async_write(*stream, asio::buffer(buffer->data(), n),
                      [stream, buffer](const boost::system::error_code& write_error, std::size_t) {
                        if (!write_error) echo(stream, buffer);
                      });
  });
}

class Rig {
public:
  Rig()
      : tcp_echo_(io_, {asio::ip::make_address("127.0.0.1"), 0}),
        tls_echo_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    const auto identity = presentd::crypto::generate_self_signed(presentd::crypto::KeyType::ecdsa_p256, {"localhost"},
                                                                 std::chrono::hours(24));
    tls_server_ = presentd::signaling::make_tls_server_context(identity);
    ca_file_ = std::filesystem::temp_directory_path() / ("turn-tls-bench-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(ca_file_) << presentd::crypto::certificate_to_pem(identity.certificate.get());
    accept_tcp();
    accept_tls();
    presentd::net::TurnTlsTunnelOptions options;
    options.server_host = "localhost";
    options.server_port = tls_echo_.local_endpoint().port();
    options.ca_file = ca_file_.string();
    tunnel_ = std::make_unique<presentd::net::TurnTlsTunnel>(io_, options);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Rig() {
    io_.stop();
    thread_.join();
    std::filesystem::remove(ca_file_);
  }
  std::uint16_t tcp_port() const { return tcp_echo_.local_endpoint().port(); }
  std::uint16_t tunnel_port() const { return tunnel_->local_port(); }

private:
  void accept_tcp() {
    tcp_echo_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      socket.set_option(tcp::no_delay(true));
      echo(std::make_shared<tcp::socket>(std::move(socket)), std::make_shared<std::array<char, 16384>>());
      accept_tcp();
    });
  }
  void accept_tls() {
    tls_echo_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      socket.set_option(tcp::no_delay(true));
      auto stream = std::make_shared<asio::ssl::stream<tcp::socket>>(std::move(socket), *tls_server_);
      stream->async_handshake(asio::ssl::stream_base::server,
                              [stream](const boost::system::error_code& handshake_error) {
                                if (!handshake_error) echo(stream, std::make_shared<std::array<char, 16384>>());
                              });
      accept_tls();
    });
  }

  asio::io_context io_;
  tcp::acceptor tcp_echo_;
  tcp::acceptor tls_echo_;
  std::shared_ptr<asio::ssl::context> tls_server_;
  std::filesystem::path ca_file_;
  std::unique_ptr<presentd::net::TurnTlsTunnel> tunnel_;
  std::thread thread_;
};

Rig& rig() {
  static Rig instance;
  return instance;
}

tcp::socket connect_to(asio::io_context& io, std::uint16_t port) {
  tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  socket.set_option(tcp::no_delay(true));
  return socket;
}

// One packet out, its echo back: the latency a relayed packet sees, both directions.
void round_trip(benchmark::State& state, std::uint16_t port) {
  asio::io_context io;
  auto socket = connect_to(io, port);
  std::array<char, kPacket> out{};
  std::array<char, kPacket> in{};
  asio::write(socket, asio::buffer(out));  // warm-up: the tunnel's TLS handshake happens here
  asio::read(socket, asio::buffer(in));
  for (auto _ : state) {
    asio::write(socket, asio::buffer(out));
    asio::read(socket, asio::buffer(in));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPacket * 2));
}

// 32 packets in flight (a video frame's worth), then their echoes: throughput.
void burst(benchmark::State& state, std::uint16_t port) {
  constexpr std::size_t kBurst = 32;
  asio::io_context io;
  auto socket = connect_to(io, port);
  std::vector<char> out(kPacket * kBurst);
  std::vector<char> in(kPacket * kBurst);
  asio::write(socket, asio::buffer(out));
  asio::read(socket, asio::buffer(in));
  for (auto _ : state) {
    asio::write(socket, asio::buffer(out));
    asio::read(socket, asio::buffer(in));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBurst));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPacket * kBurst * 2));
}

void BM_RoundTripDirectTcp(benchmark::State& state) { round_trip(state, rig().tcp_port()); }
void BM_RoundTripTlsTunnel(benchmark::State& state) { round_trip(state, rig().tunnel_port()); }
void BM_BurstDirectTcp(benchmark::State& state) { burst(state, rig().tcp_port()); }
void BM_BurstTlsTunnel(benchmark::State& state) { burst(state, rig().tunnel_port()); }

BENCHMARK(BM_RoundTripDirectTcp)->UseRealTime();
BENCHMARK(BM_RoundTripTlsTunnel)->UseRealTime();
BENCHMARK(BM_BurstDirectTcp)->UseRealTime();
BENCHMARK(BM_BurstTlsTunnel)->UseRealTime();

}  // namespace

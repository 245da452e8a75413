// SPDX-License-Identifier: Apache-2.0
// Hostile input, class 1 (docs/reliability.md, "Hostile input"): HTTP. While a GStreamer sender
// presents, other hosts send oversized and malformed headers and bodies, bad methods, bytes
// that are not HTTP or not TLS, pipelined requests, slowloris headers and a flood of
// connections beyond the cap. Each gets its own 4xx or a closed connection; the presenter's
// frames never stand still, and RSS and descriptors come back (support/hostile_daemon.hpp).
#include <gtest/gtest.h>
#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <random>
#include <set>
#include <thread>

#include "support/hostile_daemon.hpp"
#include "support/prometheus_text.hpp"
#include "support/tls_client.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

// NULs inside the request line: the length comes from the array (a count written by hand read 2
// bytes past it, ASan's global-buffer-overflow in the sanitizer run).
constexpr char kNulRequest[] = "GET /\0\0 HTTP/1.1\r\nHost: box\r\n\r\n";

std::string random_bytes(std::size_t count, unsigned seed) {
  std::mt19937 random(seed);
  std::string out(count, '\0');
  for (auto& byte : out) byte = static_cast<char>(random() & 0xff);
  return out;
}

std::string repeated(const std::string& piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

// One malformed request: what it is, its bytes, the answers it may get (0: the server closes
// without an answer, for bytes that are not HTTP at all), and whether the server must close the
// connection after it (every request the HTTP parser refuses; a well-formed request that an
// endpoint refuses keeps its connection).
struct BadRequest {
  std::string what;
  std::string bytes;
  std::set<int> answers;
  bool closes = true;
};

std::vector<BadRequest> bad_requests() {
  const std::string head = "POST /api/v1/join HTTP/1.1\r\nHost: box\r\nContent-Type: application/json\r\n";
  return {
      {"a 20 KB header field",
       "GET / HTTP/1.1\r\nHost: box\r\nX-Filler: " + std::string(20000, 'a') + "\r\n\r\n",
       {431}},
      {"3000 header fields", "GET / HTTP/1.1\r\nHost: box\r\n" + repeated("X-A: b\r\n", 3000) + "\r\n", {431}},
      {"a 15 KB target", "GET /" + std::string(15000, 'a') + " HTTP/1.1\r\nHost: box\r\n\r\n", {404, 414, 431}, false},
      {"a field without a colon", "GET / HTTP/1.1\r\nHost: box\r\nNoColonHere\r\n\r\n", {400}},
      {"a space in a field name", "GET / HTTP/1.1\r\nHost: box\r\nBad Name: x\r\n\r\n", {400}},
      {"a method with symbols", "G@T / HTTP/1.1\r\nHost: box\r\n\r\n", {400}},
      {"an unknown method", "BREW /whip HTTP/1.1\r\nHost: box\r\n\r\n", {400, 404, 405, 501}, false},
      {"TRACE", "TRACE / HTTP/1.1\r\nHost: box\r\n\r\n", {404, 405}, false},
      {"CONNECT", "CONNECT box:443 HTTP/1.1\r\nHost: box\r\n\r\n", {400, 404, 405}, false},
      {"HTTP/9.9", "GET / HTTP/9.9\r\nHost: box\r\n\r\n", {400, 505}},
      {"NUL bytes in the request line", std::string(kNulRequest, sizeof kNulRequest - 1), {400}},
      {"two different Content-Lengths", head + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", {400}},
      {"a negative Content-Length", head + "Content-Length: -1\r\n\r\n", {400}},
      {"a Content-Length of 20 digits", head + "Content-Length: 99999999999999999999\r\n\r\n", {400, 413}},
      {"a body announced over the limit", head + "Content-Length: 204800\r\n\r\n{", {413}},
      {"chunked and a Content-Length",
       head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       {400}},
      {"a chunk size that is not hex", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", {400}},
      {"a chunk size of 17 hex digits", head + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", {400, 413}},
      {"200 KB in 4 KB chunks",
       head + "Transfer-Encoding: chunked\r\n\r\n" + repeated("1000\r\n" + std::string(4096, ' ') + "\r\n", 50) +
           "0\r\n\r\n",
       {413}},
      {"JSON nested 60000 deep",
       head + "Content-Length: 120000\r\n\r\n" + std::string(60000, '[') + std::string(60000, ']'),
       {400},
       false},
      {"a join body that is not JSON",
       head + "Content-Length: 4\r\n\r\n" + std::string("\xff\xfe\x00\x01", 4),
       {400},
       false},
      {"a WHIP offer as text/plain",
       "POST /whip HTTP/1.1\r\nHost: box\r\nAuthorization: Bearer 2468\r\nContent-Type: text/plain\r\n"
       "Content-Length: 5\r\n\r\nv=0\r\n",
       {415},
       false},
      {"4 KB of random bytes", random_bytes(4096, 7), {0, 400}},
  };
}

class HostileHttp : public HostileInputTest {
protected:
  asio::ip::tcp::endpoint box() const { return {asio::ip::make_address(network_->box_address), kPort}; }

  // Plain TCP connections from `from` that send `bytes` (perhaps nothing) and never start TLS.
  std::vector<asio::ip::tcp::socket> raw_connections(asio::io_context& io, const std::string& from, int count,
                                                     const std::string& bytes = {}) {
    std::vector<asio::ip::tcp::socket> sockets;
    for (int i = 0; i < count; ++i) {
      sockets.emplace_back(io);
      sockets.back().open(box().protocol());
      sockets.back().bind({asio::ip::make_address(from), 0});
      sockets.back().connect(box());
      if (!bytes.empty()) asio::write(sockets.back(), asio::buffer(bytes));
    }
    return sockets;
  }
};

// How many of `sockets` the server has closed, waiting up to `limit` for `expected`.
int closed_by_server(std::vector<asio::ip::tcp::socket>& sockets, int expected, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int closed = 0;
  do {
    closed = 0;
    for (auto& socket : sockets) {
      pollfd watch{socket.native_handle(), POLLIN | POLLRDHUP, 0};
      if (::poll(&watch, 1, 0) > 0) ++closed;
    }
    if (closed >= expected) break;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < deadline);
  return closed;
}

TEST_F(HostileHttp, MalformedRequestsSlowlorisPipeliningAndFloodsLeaveThePresenterAlone) {
  start_presenting();
  int next_source = 0;

  // Slowloris from 20 hosts: each trickles a header, a byte every half second, from the start.
  std::vector<std::unique_ptr<TlsClient>> tricklers;
  for (int i = 0; i < 20; ++i) {
    tricklers.push_back(
        std::make_unique<TlsClient>(network_->box_address, kPort, certificate(), source(next_source++)));
    tricklers.back()->write_raw("GET / HTTP/1.1\r\n");
  }
  const auto trickle_start = std::chrono::steady_clock::now();
  std::atomic<bool> trickling{true};
  std::atomic<int> cut_off{0};
  std::chrono::steady_clock::duration last_cut{};
  std::thread trickle_thread([&] {
    std::vector<bool> closed(tricklers.size(), false);
    while (trickling && cut_off < static_cast<int>(tricklers.size())) {
      for (std::size_t i = 0; i < tricklers.size(); ++i) {
        if (closed[i]) continue;
        try {
          if (!tricklers[i]->closed_by_server(0ms)) {
            tricklers[i]->write_raw("X");
            continue;
          }
        } catch (const std::exception&) {
        }
        closed[i] = true;
        ++cut_off;
        last_cut = std::chrono::steady_clock::now() - trickle_start;
      }
      std::this_thread::sleep_for(500ms);
    }
  });
  // Joined however the test leaves (a failed ASSERT, an exception from a client).
  const auto stop_trickling = [&] {
    trickling = false;
    if (trickle_thread.joinable()) trickle_thread.join();
  };
  struct Joiner {
    std::function<void()> join;
    ~Joiner() { join(); }
  } joiner{stop_trickling};

  // Malformed and oversized requests, each from a host of its own (as many hosts would).
  for (const auto& bad : bad_requests()) {
    TlsClient client(network_->box_address, kPort, certificate(), source(next_source++));
    int answer = 0;
    try {
      client.write_raw(bad.bytes);
      answer = client.read_response(10s).status;
    } catch (const std::exception&) {
      answer = 0;  // closed without an answer
    }
    EXPECT_TRUE(bad.answers.contains(answer)) << bad.what << ": " << answer;
    if (bad.closes) {
      EXPECT_TRUE(client.closed_by_server(5s)) << bad.what << ": the connection stayed open";
    }
  }

  // Bytes that are not TLS: plain HTTP and random bytes on the TLS port are closed.
  {
    asio::io_context io;
    auto plain = raw_connections(io, source(next_source++), 1, "GET / HTTP/1.1\r\nHost: box\r\n\r\n");
    auto noise = raw_connections(io, source(next_source++), 1, random_bytes(2048, 11));
    EXPECT_EQ(closed_by_server(plain, 1, 10s), 1);
    EXPECT_EQ(closed_by_server(noise, 1, 10s), 1);
  }

  // Pipelining: 100 requests in one write are all answered, in order; a malformed one among
  // them is answered with 400 after those before it, and the connection ends there.
  {
    TlsClient client(network_->box_address, kPort, certificate(), source(next_source++));
    const std::string get = "GET /api/v1/status HTTP/1.1\r\nHost: box\r\n\r\n";
    client.write_raw(repeated(get, 100));
    for (int i = 0; i < 100; ++i) ASSERT_EQ(client.read_response(10s).status, 200) << "pipelined request " << i;
    client.write_raw(repeated(get, 3) + "GET / HTTP/1.1\r\nBad Field\r\n\r\n" + repeated(get, 3));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(client.read_response(10s).status, 200);
    EXPECT_EQ(client.read_response(10s).status, 400);
    EXPECT_TRUE(client.closed_by_server(5s));
  }

  // A flood beyond the cap: 300 connections from 20 hosts (15 each, under the per-host 16; the
  // room holds 128) that never start TLS. The newcomers beyond are closed as soon as accepted.
  // The flooding hosts' first connections take the slots kept for hosts holding none, so until
  // the TLS handshake deadline (5 s) closes the flood, another newcomer may be refused too: how
  // long is measured and printed (docs/reliability.md).
  {
    asio::io_context io;
    std::vector<asio::ip::tcp::socket> flood;
    for (int host = 0; host < 20; ++host) {
      auto some = raw_connections(io, source(next_source++), 15);
      for (auto& socket : some) flood.push_back(std::move(socket));
    }
    const auto flooded = std::chrono::steady_clock::now();
    EXPECT_GE(closed_by_server(flood, 300 - 128, 10s), 300 - 128);
    int refusals = 0;
    for (;;) {
      try {
        EXPECT_EQ(call("GET", "/api/v1/status").status, 200);
        break;
      } catch (const std::exception&) {
        ++refusals;
        if (std::chrono::steady_clock::now() - flooded > 15s) break;
        std::this_thread::sleep_for(100ms);
      }
    }
    const auto refused_for = std::chrono::steady_clock::now() - flooded;
    std::printf("[hostile] flood from 20 hosts: a newcomer was refused %d times, served after %lld ms\n", refusals,
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(refused_for).count()));
    EXPECT_LE(refused_for, 10s) << "the box stayed unreachable after the handshake deadline";
    const auto metrics = parse_prometheus_text(call("GET", "/metrics").body);
    EXPECT_GE(metrics.value("presentd_https_connections_refused_total", {{"reason", "full"}}).value_or(0), 1.0);
  }

  // Every slowloris header was cut off by the header deadline (10 s from its first byte).
  const auto wait_until = std::chrono::steady_clock::now() + 25s;
  while (cut_off < static_cast<int>(tricklers.size()) && std::chrono::steady_clock::now() < wait_until) {
    std::this_thread::sleep_for(200ms);
  }
  stop_trickling();
  EXPECT_EQ(cut_off, static_cast<int>(tricklers.size()));
  EXPECT_LE(last_cut, 20s);
  tricklers.clear();

  expect_unharmed("HTTP");
}

}  // namespace
}  // namespace presentd::test

// SPDX-License-Identifier: Apache-2.0
// Hostile input, class 5 (docs/reliability.md, "Hostile input"): servers the box talks to
// answering garbage. The box's TURN servers (turn: over UDP and TCP, turns: through the TLS
// tunnel) and its HTTP CONNECT and then SOCKS5 proxy are a script answering garbage of every
// kind (tests/integration/hostile/garbage_server.py). The presenter's own session gathers
// against them; newcomers' sessions do again under each proxy while it presents. Every session
// gets its answer, and the presenter's frames never stand still.
#include <gtest/gtest.h>
#include <thread>

#include "support/hostile_daemon.hpp"
#include "support/tls_client.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;
const std::string kGarbageServer = std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/hostile/garbage_server.py";

class HostileServers : public HostileInputTest {
protected:
  std::string sections(const std::string& proxy) const {
    const auto credential = dir_.write("turn-credential", "not-a-secret\n").string();
    const std::string server = network_->box_address;
    const auto turn = [&](const std::string& url) {
      return R"({"url": ")" + url + R"(", "username": "box", "credential_file": ")" + credential + R"("})";
    };
    return R"("ice": {"turn_servers": [)" + turn("turn:" + server + ":3478?transport=udp") + "," +
           turn("turn:" + server + ":3478?transport=tcp") + "," + turn("turns:" + server + ":5349") + R"(]},
      "proxy": )" +
           proxy + ",";
  }
  std::string proxy(const std::string& type, int port) const {
    return R"({"type": ")" + type + R"(", "host": ")" + network_->box_address + R"(", "port": )" +
           std::to_string(port) + "}";
  }

  // Newcomers whose sessions gather against the garbage servers; each is answered and deleted.
  void newcomers(int& next_source, int count) {
    for (int i = 0; i < count; ++i) {
      TlsClient client(network_->box_address, kPort, certificate(), source(next_source++));
      const auto result =
          client.request("POST", "/whip", HostileOffer().text(),
                         {{"Content-Type", "application/sdp"}, {"Authorization", std::string("Bearer ") + kPin}});
      ASSERT_EQ(result.status, 201) << result.body;
      EXPECT_EQ(
          client
              .request("DELETE", result.headers.at("Location"), "", {{"Authorization", std::string("Bearer ") + kPin}})
              .status,
          200);
    }
  }
};

TEST_F(HostileServers, GarbageTurnServersAndProxiesLeaveThePresenterAlone) {
  // The servers must answer before the daemon starts: the presenter's session gathers at once.
  // They listen on the box's own address, which exists once the namespace does.
  std::string why;
  network_ = enter_private_network(why);
  ASSERT_TRUE(network_) << why;
  ChildProcess servers({"/usr/bin/python3", kGarbageServer, "--address", network_->box_address}, {},
                       dir_.path() / "garbage.log");
  for (int i = 0; i < 50 && read_file(dir_.path() / "garbage.log").find("ready") == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_NE(read_file(dir_.path() / "garbage.log").find("ready"), std::string::npos)
      << read_file(dir_.path() / "garbage.log");
  start_presenting(sections(proxy("http", 3128)));
  int next_source = 0;
  newcomers(next_source, 7);  // one per HTTP proxy answer
  reload(sections(proxy("socks5", 1080)));
  newcomers(next_source, 7);  // one per SOCKS5 answer
  const auto answered = read_file(dir_.path() / "garbage.log");
  for (const auto* role : {"udp ", "tcp ", "http ", "socks "}) {
    EXPECT_NE(answered.find(role), std::string::npos) << role << " never asked\n" << answered;
  }
  expect_unharmed("TURN servers and proxies");
  EXPECT_TRUE(servers.running());
}

}  // namespace
}  // namespace presentd::test

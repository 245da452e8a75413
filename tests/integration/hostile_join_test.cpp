// SPDX-License-Identifier: Apache-2.0
// Hostile input, class 3 (docs/reliability.md, "Hostile input"): the event channel and the PIN.
// While a GStreamer sender presents, other hosts flood the presenter's event channel (streams
// beyond the caps, opened and dropped in a loop, bad approvals) and brute-force the PIN through
// the join API and WHIP Bearer tokens from 50 addresses. The guesses the box looks at are
// counted and printed (the figure in docs/reliability.md); a presenter on a fresh address still
// joins, and the presenter on screen never notices (support/hostile_daemon.hpp).
#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "support/hostile_daemon.hpp"
#include "support/prometheus_text.hpp"
#include "support/tls_client.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

class HostileJoin : public HostileInputTest {
protected:
  std::string presenter_full_id() {
    const auto listed =
        call("GET", "/api/v1/admin/presenters", "", {{"Authorization", std::string("Bearer ") + kNamespaceAdminToken}});
    const auto list = Json::parse(listed.body);
    for (const auto& p : list["presenters"]) {
      if (p["session_id"].get<std::string>().starts_with(presenter_id())) return p["session_id"].get<std::string>();
    }
    return "";
  }
  std::unique_ptr<TlsClient> client(int source_index) {
    return std::make_unique<TlsClient>(network_->box_address, kPort, certificate(), source(source_index));
  }
};

TEST_F(HostileJoin, EventChannelFloodsAndPinBruteForceLeaveThePresenterAlone) {
  start_presenting();
  const auto id = presenter_full_id();
  ASSERT_EQ(id.size(), 32u);
  int next_source = 0;

  // Event streams for the presenter's session from 12 hosts: 4 are served, the rest get 503.
  std::vector<std::unique_ptr<TlsClient>> streams;
  int served = 0, refused = 0;
  for (int i = 0; i < 12; ++i) {
    auto c = client(next_source++);
    c->write_raw("GET /whip/" + id + "/events HTTP/1.1\r\nHost: box\r\nAccept: text/event-stream\r\n\r\n");
    const auto head = c->read_response_head(10s);
    if (head.status == 200) {
      ++served;
      streams.push_back(std::move(c));
    } else {
      EXPECT_EQ(head.status, 503);
      ++refused;
    }
  }
  EXPECT_EQ(served, 4);
  EXPECT_EQ(refused, 8);
  // Streams of sessions that do not exist, and odd IDs: 404, whatever their number.
  for (const auto& target :
       {std::string("/whip/") + std::string(32, '0') + "/events", std::string("/whip/") + id.substr(0, 8) + "/events",
        std::string("/whip//events"), std::string("/whip/") + std::string(3000, 'e') + "/events"}) {
    auto c = client(next_source++);
    EXPECT_EQ(c->request("GET", target).status, 404) << target.substr(0, 60);
  }
  // A host opening and dropping streams as fast as it can (one connection each, 100 times).
  streams.clear();
  for (int i = 0; i < 100; ++i) {
    auto c = client(next_source + i % 10);
    c->write_raw("GET /whip/" + id + "/events HTTP/1.1\r\nHost: box\r\n\r\n");
    const auto head = c->read_response_head(10s);
    EXPECT_TRUE(head.status == 200 || head.status == 503) << head.status;
  }
  next_source += 10;
  // Approvals nobody asked for, with bodies of every kind: refused, nothing approved.
  for (const auto& body : {std::string(R"({"accept": true})"), std::string("{\"accept\": \"yes\"}"), std::string("[]"),
                           std::string(100000, '{')}) {
    auto c = client(next_source++);
    const auto result = c->request("POST", "/whip/" + id + "/approvals/" + std::string(32, 'a'), body,
                                   {{"Content-Type", "application/json"}});
    EXPECT_GE(result.status, 400) << body.substr(0, 20);
    EXPECT_LT(result.status, 500) << body.substr(0, 20);
  }

  // PIN brute force from 50 addresses, round robin at about 100 guesses a second (faster only
  // spends the test's CPU: everything beyond the limits is refused the same way), half through
  // the join API and half as WHIP Bearer tokens. Two phases of 15 s: the first shows what a
  // fresh attack gets (the room's 10 plus each address's first guess), the second what it
  // keeps getting (the room limit's window has grown; each address has failed recently).
  constexpr int kAttackers = 50;
  std::vector<std::unique_ptr<TlsClient>> attackers;
  const int first_attacker = next_source;
  for (int i = 0; i < kAttackers; ++i) attackers.push_back(client(next_source++));
  int guess = 0;
  const auto attack = [&](std::chrono::seconds length) {
    int looked_at = 0, held_back = 0;
    const auto until = std::chrono::steady_clock::now() + length;
    for (int i = 0; std::chrono::steady_clock::now() < until; ++i) {
      char pin[8];
      do std::snprintf(pin, sizeof pin, "%04d", guess++ % 10000);
      while (std::string(pin) == kPin);
      auto& attacker = attackers[i % kAttackers];
      HttpResult result;
      try {
        result = i % 2 == 0 ? attacker->request("POST", "/api/v1/join", Json{{"pin", pin}}.dump(),
                                                {{"Content-Type", "application/json"}})
                            : attacker->request("POST", "/whip", "v=0\r\n",
                                                {{"Content-Type", "application/sdp"},
                                                 {"Authorization", std::string("Bearer ") + pin}});
      } catch (const std::exception&) {
        attacker = client(first_attacker + i % kAttackers);  // closed (idle or refused): reconnect
        continue;
      }
      EXPECT_TRUE(result.status == 401 || result.status == 429) << result.status << " " << result.body;
      (result.status == 401 ? looked_at : held_back) += 1;
      std::this_thread::sleep_for(10ms);
    }
    return std::pair{looked_at, held_back};
  };
  const auto [first_looked_at, first_held_back] = attack(15s);
  // A presenter on an address of its own types the right PIN in the middle of the attack.
  {
    auto presenter = client(next_source++);
    const auto joined = presenter->request("POST", "/api/v1/join", R"({"pin":"2468","name":"Ada"})",
                                           {{"Content-Type", "application/json"}});
    EXPECT_EQ(joined.status, 200) << joined.body;
  }
  const auto [second_looked_at, second_held_back] = attack(15s);
  std::printf(
      "[hostile] PIN brute force from %d addresses: first 15 s %d guesses looked at of %d (%.0f a minute); "
      "next 15 s %d of %d (%.0f a minute)\n",
      kAttackers, first_looked_at, first_looked_at + first_held_back, first_looked_at * 4.0, second_looked_at,
      second_looked_at + second_held_back, second_looked_at * 4.0);
  // The room's 10, then only each address's first guess (one an hour), never more.
  EXPECT_LE(first_looked_at + second_looked_at, 10 + kAttackers);
  EXPECT_LE(second_looked_at, 10);
  EXPECT_EQ(parse_prometheus_text(call("GET", "/metrics").body).value("presentd_pin_failures_total"),
            static_cast<double>(first_looked_at + second_looked_at));
  attackers.clear();
  expect_unharmed("event channel and PIN");
}

}  // namespace
}  // namespace presentd::test

// SPDX-License-Identifier: Apache-2.0
// The event channel over the real HTTPS server on loopback: a TLS client reads the
// Server-Sent Events stream as EventSource would. The host is a small stand-in that knows one
// session; the sessions themselves are exercised with headless Chromium in
// tests/integration/presenter_page_test.cpp.
#include "presentd/signaling/local/event_channel.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "presentd/crypto/certificate.hpp"
#include "presentd/signaling/local/https_server.hpp"
#include "presentd/signaling/local/tls_server_context.hpp"
#include "support/https_client.hpp"
#include "support/temp_dir.hpp"

namespace presentd::signaling {
namespace {
using namespace std::chrono_literals;
constexpr std::string_view kSession = "00112233445566778899aabbccddeeff";

class OneSessionHost : public EventChannelHost {
public:
  std::optional<std::vector<ChannelEvent>> events_for_new_subscriber(const std::string& id) override {
    if (id != kSession || ended) return std::nullopt;
    return std::vector<ChannelEvent>{{"state", {{"state", "connecting"}}}};
  }
  ApprovalAnswer answer_approval(const std::string& approver, const std::string& request, bool accept) override {
    answers.push_back(approver + "/" + request + "/" + (accept ? "yes" : "no"));
    if (request != "abcd") return {http::status::not_found, "no_request", "This request was already answered."};
    return {};
  }
  bool ended = false;
  std::vector<std::string> answers;
};

class EventChannelTest : public ::testing::Test {
protected:
  EventChannelTest() {
    auto identity = crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"localhost"}, std::chrono::hours(1));
    certificate_ = dir_.write("certificate.pem", crypto::certificate_to_pem(identity.certificate.get()));
    EventChannelOptions options;
    options.heartbeat = 200ms;
    options.max_streams_per_session = 2;
    channel_ = std::make_unique<EventChannel>(io_, host_, options);
    channel_->register_routes(router_);
    server_ = std::make_unique<HttpsServer>(io_, make_tls_server_context(identity), router_);
    server_->listen({boost::asio::ip::make_address("127.0.0.1"), 0});
    port_ = server_->local_endpoint().port();
  }

  // Runs the event loop until `done` holds (or 10 s pass).
  template <class Predicate>
  bool run_until(Predicate done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < deadline) io_.run_for(10ms);
    return done();
  }

  std::future<test::HttpResult> request(std::string method, std::string target, std::string body = {}) {
    return std::async(std::launch::async, [=, this] {
      return test::https_request(method, "127.0.0.1", port_, target, certificate_, body,
                                 {{"Content-Type", "application/json"}});
    });
  }

  template <class T>
  static bool ready(const std::future<T>& future) {
    return future.wait_for(0s) == std::future_status::ready;
  }

  test::TempDir dir_;
  std::filesystem::path certificate_;
  boost::asio::io_context io_;
  OneSessionHost host_;
  HttpRouter router_;
  std::unique_ptr<EventChannel> channel_;
  std::unique_ptr<HttpsServer> server_;
  unsigned short port_ = 0;
};

TEST_F(EventChannelTest, StreamCarriesTheCurrentStateEventsAndHeartbeatsUntilTheSessionEnds) {
  const std::string target = "/whip/" + std::string(kSession) + "/events";
  auto reader = request("GET", target);
  ASSERT_TRUE(run_until([&] { return channel_->stream_count() == 1; }));
  channel_->publish(std::string(kSession), {"state", {{"state", "presenting"}}});
  channel_->publish("ffff", {"state", {{"state", "presenting"}}});  // another session: not ours
  // Two heartbeat periods pass on the loop before the end.
  const auto until = std::chrono::steady_clock::now() + 450ms;
  run_until([&] { return std::chrono::steady_clock::now() > until; });
  host_.ended = true;
  channel_->session_ended(std::string(kSession), {"state", {{"state", "ended"}, {"reason", "replaced"}}});
  ASSERT_TRUE(run_until([&] { return ready(reader); }));
  const auto result = reader.get();
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.headers.at("Content-Type"), "text/event-stream; charset=utf-8");
  const auto& body = result.body;
  const auto first = body.find("event: state\ndata: {\"state\":\"connecting\"}\n\n");
  const auto second = body.find("event: state\ndata: {\"state\":\"presenting\"}\n\n");
  const auto last = body.find("event: state\ndata: {\"reason\":\"replaced\",\"state\":\"ended\"}\n\n");
  ASSERT_NE(first, std::string::npos) << body;
  ASSERT_NE(second, std::string::npos) << body;
  ASSERT_NE(last, std::string::npos) << body;
  EXPECT_LT(first, second);
  EXPECT_LT(second, last);
  EXPECT_EQ(body.find("presenting", body.find("presenting") + 1), std::string::npos)
      << "another session's event leaked: " << body;
  EXPECT_NE(body.find(": heartbeat\n\n"), std::string::npos) << body;
  EXPECT_TRUE(run_until([&] { return channel_->stream_count() == 0; }));

  // A late subscriber still learns how the session ended, in a stream that ends at once.
  auto late = request("GET", target);
  ASSERT_TRUE(run_until([&] { return ready(late); }));
  const auto late_result = late.get();
  EXPECT_EQ(late_result.status, 200);
  EXPECT_NE(late_result.body.find("\"reason\":\"replaced\""), std::string::npos) << late_result.body;
}

TEST_F(EventChannelTest, UnknownSessionsBadPathsAndTooManyStreamsAreRefused) {
  auto unknown = request("GET", "/whip/0123456789abcdef/events");
  auto bad = request("GET", "/whip/" + std::string(kSession) + "/eventsx");
  ASSERT_TRUE(run_until([&] { return ready(unknown) && ready(bad); }));
  const auto unknown_result = unknown.get();
  EXPECT_EQ(unknown_result.status, 404);
  EXPECT_NE(unknown_result.body.find("\"error\":\"no_session\""), std::string::npos) << unknown_result.body;
  EXPECT_EQ(bad.get().status, 404);

  const std::string target = "/whip/" + std::string(kSession) + "/events";
  auto one = request("GET", target);
  auto two = request("GET", target);
  ASSERT_TRUE(run_until([&] { return channel_->stream_count() == 2; }));
  auto three = request("GET", target);
  ASSERT_TRUE(run_until([&] { return ready(three); }));
  const auto refused = three.get();
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.headers.at("Retry-After"), "5");
  channel_->close_all();
  ASSERT_TRUE(run_until([&] { return ready(one) && ready(two); }));
  EXPECT_EQ(one.get().status, 200);
  EXPECT_EQ(two.get().status, 200);
}

TEST_F(EventChannelTest, ApprovalsReachTheHostAndBadBodiesGetAReadableError) {
  const std::string base = "/whip/" + std::string(kSession) + "/approvals/";
  auto yes = request("POST", base + "abcd", R"({"accept": true})");
  auto stale = request("POST", base + "beef", R"({"accept": false})");
  auto garbage = request("POST", base + "abcd", R"({"accept": "maybe")");
  ASSERT_TRUE(run_until([&] { return ready(yes) && ready(stale) && ready(garbage); }));
  const auto accepted = yes.get();
  EXPECT_EQ(accepted.status, 200);
  EXPECT_EQ(nlohmann::json::parse(accepted.body), (nlohmann::json{{"request_id", "abcd"}, {"accepted", true}}));
  const auto gone = stale.get();
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(nlohmann::json::parse(gone.body)["error"], "no_request");
  const auto bad = garbage.get();
  EXPECT_EQ(bad.status, 400);
  EXPECT_FALSE(nlohmann::json::parse(bad.body)["message"].get<std::string>().empty());
  std::sort(host_.answers.begin(), host_.answers.end());
  EXPECT_EQ(host_.answers,
            (std::vector<std::string>{std::string(kSession) + "/abcd/yes", std::string(kSession) + "/beef/no"}));
}

}  // namespace
}  // namespace presentd::signaling

// SPDX-License-Identifier: Apache-2.0
// POST /api/v1/join through the real router: JSON in, token or readable error out.
#include "presentd/access/join_endpoint.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace presentd::access {
namespace {
using namespace std::chrono_literals;
namespace http = signaling::http;

class JoinEndpointTest : public ::testing::Test {
protected:
  JoinEndpointTest() {
    endpoint_.register_routes(router_);
    context_.remote = {boost::asio::ip::make_address("192.0.2.7"), 5555};
  }
  static config::PinConfig fixed_pin() {
    config::PinConfig pin;
    pin.policy = config::PinPolicy::fixed;
    pin.fixed = "4821";
    return pin;
  }

  signaling::Response join(const std::string& body, const std::string& type = "application/json") {
    signaling::Request request{http::verb::post, "/api/v1/join", 11};
    request.set(http::field::content_type, type);
    request.body() = body;
    request.prepare_payload();
    std::optional<signaling::Response> out;
    router_.dispatch(request, context_, [&](signaling::Response r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value());
    return out ? std::move(*out) : signaling::Response{};
  }
  static nlohmann::json json_of(const signaling::Response& response) {
    EXPECT_EQ(response[http::field::content_type], "application/json");
    return nlohmann::json::parse(response.body());
  }

  ManualClock clock_;
  AccessControl access_{clock_, fixed_pin(), nullptr};
  JoinEndpoint endpoint_{clock_, access_};
  signaling::HttpRouter router_;
  signaling::RequestContext context_;
};

TEST_F(JoinEndpointTest, TheRightPinGivesATokenForTheWhipEndpoint) {
  const auto response = join(R"({"pin":"4821","name":"  Ada Lovelace  "})");
  ASSERT_EQ(response.result(), http::status::ok) << response.body();
  const auto body = json_of(response);
  EXPECT_EQ(body["token"].get<std::string>().size(), 32u);
  EXPECT_EQ(body["expires_in"], 60);
  EXPECT_EQ(body["whip"], "/whip");
  const auto grant = access_.authorize_create(body["token"].get<std::string>(), context_);
  ASSERT_TRUE(std::holds_alternative<signaling::WhipGrant>(grant));
  EXPECT_EQ(std::get<signaling::WhipGrant>(grant).presenter_name, "Ada Lovelace");  // trimmed
}

TEST_F(JoinEndpointTest, WrongPinsAreReadableAndTheSixthIsLockedOutWithRetryAfter) {
  for (int left = 4; left >= 0; --left) {
    const auto response = join(R"({"pin":"1111"})");
    ASSERT_EQ(response.result(), http::status::unauthorized);
    const auto body = json_of(response);
    EXPECT_EQ(body["error"], "wrong_pin");
    EXPECT_FALSE(body["message"].get<std::string>().empty());
    EXPECT_EQ(body["attempts_left"], left);
  }
  // The fifth failure started a 1 s back-off.
  const auto locked = join(R"({"pin":"4821"})");
  ASSERT_EQ(locked.result(), http::status::too_many_requests);
  EXPECT_EQ(json_of(locked)["error"], "locked_out");
  EXPECT_EQ(json_of(locked)["retry_after"], 1);
  EXPECT_EQ(locked[http::field::retry_after], "1");
}

TEST_F(JoinEndpointTest, BadRequestsGetA4xxWithAReason) {
  EXPECT_EQ(join("{\"pin\":").result(), http::status::bad_request);
  EXPECT_EQ(json_of(join("not json")).at("error"), "bad_request");
  EXPECT_EQ(join("[1,2]").result(), http::status::bad_request);
  EXPECT_EQ(join(R"({"pin":4821})").result(), http::status::bad_request);
  EXPECT_EQ(json_of(join(R"({"name":"x"})")).at("error"), "pin_missing");
  EXPECT_EQ(join(R"({"pin":"4821"})", "text/plain").result(), http::status::unsupported_media_type);
  EXPECT_EQ(json_of(join(R"({"pin":"4821","name":")" + std::string(41, 'a') + "\"}")).at("error"), "bad_name");
  EXPECT_EQ(join(R"({"pin":"4821","name":"a\u0007b"})").result(), http::status::bad_request);
  EXPECT_EQ(join(R"({"pin":"4821","name":42})").result(), http::status::bad_request);
  EXPECT_EQ(join("{\"pin\":\"4821\",\"name\":\"\xff\"}").result(), http::status::bad_request);  // not UTF-8
  // None of these was a PIN guess (the wait only refills the request rate limit's bucket).
  clock_.advance(5s);
  EXPECT_EQ(join(R"({"pin":"4821"})").result(), http::status::ok);
}

TEST(PresenterName, TrimmedAtMostFortyCodePointsNoControls) {
  EXPECT_EQ(clean_presenter_name("  Zoë \t"), "Zoë");
  EXPECT_EQ(clean_presenter_name(""), "");
  // 40 two-byte characters are 80 bytes but 40 code points.
  std::string forty;
  for (int i = 0; i < 40; ++i) forty += "é";
  EXPECT_EQ(clean_presenter_name(forty), forty);
  EXPECT_FALSE(clean_presenter_name(forty + "e"));
  EXPECT_FALSE(clean_presenter_name("a\nb"));
  EXPECT_FALSE(clean_presenter_name("a\x7f"));
  // The display-name sanitiser's rules (common/display_name.hpp): bidi overrides, C1 controls
  // and bad UTF-8 are refused rather than silently altered.
  EXPECT_FALSE(clean_presenter_name("Admin\u202Etxt.exe"));
  EXPECT_FALSE(clean_presenter_name("a\u2066b"));
  EXPECT_FALSE(clean_presenter_name("a\u0085b"));
  EXPECT_FALSE(clean_presenter_name("a\xff"));
}

}  // namespace
}  // namespace presentd::access

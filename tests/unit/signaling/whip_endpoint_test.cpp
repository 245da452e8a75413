// SPDX-License-Identifier: Apache-2.0
// The WHIP HTTP rules (RFC 9725) through the real router: statuses, headers, authentication and
// rate limits. Authorization is the daemon's real AccessControl (fixed PIN 4821); the session
// host here is a recording stand-in: sessions themselves are tested end to end with real
// senders in tests/integration.
#include "presentd/signaling/local/whip_endpoint.hpp"

#include <gtest/gtest.h>

#include <map>

#include "presentd/access/access_control.hpp"
#include "presentd/signaling/local/bearer_token.hpp"

namespace presentd::signaling {
namespace {

class RecordingHost : public WhipSessionHost {
public:
  void create_session(std::string offer, const RequestContext& context,
                      std::function<void(WhipCreateResult)> done) override {
    offers.push_back(offer);
    names.push_back(context.presenter_name);
    if (offer == "v=0 refuse") return done(WhipFailure{http::status::service_unavailable, "room full", 5});
    sessions["0123abcd"] = "e1";
    done(WhipAnswer{"0123abcd", "v=0 answer", "e1"});
  }
  std::optional<std::string> session_etag(const std::string& id) const override {
    const auto it = sessions.find(id);
    return it == sessions.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  WhipPatchResult patch_session(const std::string& id, const std::string& fragment) override {
    patches.push_back(fragment);
    if (fragment.find("ice-ufrag") != std::string::npos) {
      sessions[id] = "e2";
      return WhipPatchOutcome{true, "a=ice-ufrag:new", "e2"};
    }
    return WhipPatchOutcome{};
  }
  bool delete_session(const std::string& id) override { return sessions.erase(id) > 0; }

  std::map<std::string, std::string> sessions;
  std::vector<std::string> offers;
  std::vector<std::string> names;
  std::vector<std::string> patches;
};

class WhipEndpointTest : public ::testing::Test {
protected:
  WhipEndpointTest() {
    WhipEndpointOptions options;
    options.authorizer = &access_;
    options.ice_server_links = {"<stun:10.0.0.1:3478>; rel=\"ice-server\""};
    endpoint_ = std::make_unique<WhipEndpoint>(clock_, host_, options);
    endpoint_->register_routes(router_);
    context_.remote = {boost::asio::ip::make_address("192.0.2.7"), 5555};
  }

  Response call(http::verb method, std::string target, std::string body = {},
                std::map<std::string, std::string> headers = {}) {
    Request request{method, target, 11};
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    request.prepare_payload();
    std::optional<Response> out;
    router_.dispatch(request, context_, [&](Response r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value());
    return out ? std::move(*out) : Response{};
  }

  Response post_offer(std::string offer = "v=0 offer", std::string token = "4821") {
    return call(http::verb::post, "/whip", offer,
                {{"Content-Type", "application/sdp"}, {"Authorization", "Bearer " + token}});
  }

  ManualClock clock_;
  RecordingHost host_;
  HttpRouter router_;
  std::unique_ptr<WhipEndpoint> endpoint_;
  RequestContext context_;
  static config::PinConfig fixed_pin() {
    config::PinConfig pin;
    pin.policy = config::PinPolicy::fixed;
    pin.fixed = "4821";
    return pin;
  }
  access::AccessControl access_{clock_, fixed_pin(), nullptr};
};

TEST_F(WhipEndpointTest, PostCreatesASessionWithLocationEtagAndIceServers) {
  const auto response = post_offer();
  EXPECT_EQ(response.result(), http::status::created);
  EXPECT_EQ(response[http::field::content_type], "application/sdp");
  EXPECT_EQ(response[http::field::location], "/whip/0123abcd");
  EXPECT_EQ(response[http::field::etag], "\"e1\"");
  EXPECT_EQ(response[http::field::link], "<stun:10.0.0.1:3478>; rel=\"ice-server\"");
  EXPECT_EQ(response.body(), "v=0 answer");
  EXPECT_EQ(host_.offers, std::vector<std::string>{"v=0 offer"});
}

TEST_F(WhipEndpointTest, AuthenticationAndContentTypeErrors) {
  EXPECT_EQ(post_offer("v=0 offer", "0000").result(), http::status::unauthorized);
  const auto missing = call(http::verb::post, "/whip", "v=0", {{"Content-Type", "application/sdp"}});
  EXPECT_EQ(missing.result(), http::status::unauthorized);
  EXPECT_EQ(missing[http::field::www_authenticate], "Bearer");
  EXPECT_EQ(call(http::verb::post, "/whip", "v=0", {{"Content-Type", "text/plain"}, {"Authorization", "Bearer 4821"}})
                .result(),
            http::status::unsupported_media_type);
  EXPECT_EQ(post_offer("").result(), http::status::bad_request);
  EXPECT_TRUE(host_.offers.empty());  // none of these reached the session host

  access_.apply(config::PinConfig{config::PinPolicy::off, 4, ""});  // PIN policy "off": no token needed
  EXPECT_EQ(call(http::verb::post, "/whip", "v=0", {{"Content-Type", "Application/SDP; charset=utf-8"}}).result(),
            http::status::created);
}

TEST_F(WhipEndpointTest, ASessionTokenFromJoinNamesThePresenterAndWorksOnce) {
  const auto joined = access_.join("4821", "Ada", "192.0.2.7");
  ASSERT_TRUE(std::holds_alternative<access::JoinGranted>(joined));
  const auto token = std::get<access::JoinGranted>(joined).token;
  EXPECT_EQ(post_offer("v=0 offer", token).result(), http::status::created);
  EXPECT_EQ(host_.names, std::vector<std::string>{"Ada"});
  EXPECT_EQ(post_offer("v=0 offer", token).result(), http::status::unauthorized);
  // The session's PATCH and DELETE take that token, not the PIN.
  EXPECT_EQ(call(http::verb::delete_, "/whip/0123abcd", "", {{"Authorization", "Bearer 4821"}}).result(),
            http::status::unauthorized);
  EXPECT_EQ(call(http::verb::delete_, "/whip/0123abcd", "", {{"Authorization", "Bearer " + token}}).result(),
            http::status::ok);
  EXPECT_EQ(post_offer().result(), http::status::created);
  EXPECT_EQ(host_.names.back(), "");  // a plain WHIP sender has no name
}

TEST_F(WhipEndpointTest, ALockedRoomRefusesOffers) {
  access_.set_locked(true);
  EXPECT_EQ(post_offer().result(), http::status::locked);
  EXPECT_TRUE(host_.offers.empty());
}

TEST_F(WhipEndpointTest, HostRefusalCarriesRetryAfter) {
  const auto response = post_offer("v=0 refuse");
  EXPECT_EQ(response.result(), http::status::service_unavailable);
  EXPECT_EQ(response[http::field::retry_after], "5");
}

TEST_F(WhipEndpointTest, RateLimitPerClientAddress) {
  int limited = 0;
  for (int i = 0; i < 15; ++i) limited += post_offer().result() == http::status::too_many_requests;
  EXPECT_EQ(limited, 5);  // a burst of 10, then refused
  context_.remote = {boost::asio::ip::make_address("192.0.2.8"), 1};
  EXPECT_EQ(post_offer().result(), http::status::created);  // another address is unaffected
  context_.remote = {boost::asio::ip::make_address("192.0.2.7"), 1};
  clock_.advance(std::chrono::seconds(2));
  EXPECT_EQ(post_offer().result(), http::status::created);
}

TEST_F(WhipEndpointTest, PatchNeedsTheRightEtagAndDistinguishesTrickleFromRestart) {
  ASSERT_EQ(post_offer().result(), http::status::created);
  const std::map<std::string, std::string> base{{"Content-Type", "application/trickle-ice-sdpfrag"},
                                                {"Authorization", "Bearer 4821"}};
  auto with = [&](std::map<std::string, std::string> extra) {
    extra.insert(base.begin(), base.end());
    return extra;
  };
  EXPECT_EQ(call(http::verb::patch, "/whip/0123abcd", "a=candidate:1", base).result(),
            http::status::precondition_required);
  EXPECT_EQ(call(http::verb::patch, "/whip/0123abcd", "a=candidate:1", with({{"If-Match", "\"old\""}})).result(),
            http::status::precondition_failed);
  EXPECT_EQ(call(http::verb::patch, "/whip/0123abcd", "a=candidate:1", with({{"If-Match", "\"e1\""}})).result(),
            http::status::no_content);
  const auto restart = call(http::verb::patch, "/whip/0123abcd", "a=ice-ufrag:x", with({{"If-Match", "\"e1\""}}));
  EXPECT_EQ(restart.result(), http::status::ok);
  EXPECT_EQ(restart[http::field::etag], "\"e2\"");
  EXPECT_EQ(call(http::verb::patch, "/whip/nope", "a=candidate:1", with({{"If-Match", "*"}})).result(),
            http::status::not_found);
  EXPECT_EQ(
      call(http::verb::patch, "/whip/0123abcd", "x", {{"Authorization", "Bearer 4821"}, {"If-Match", "*"}}).result(),
      http::status::unsupported_media_type);
}

TEST_F(WhipEndpointTest, DeleteEndsTheSessionOnce) {
  ASSERT_EQ(post_offer().result(), http::status::created);
  EXPECT_EQ(call(http::verb::delete_, "/whip/0123abcd", "", {{"Authorization", "Bearer 1111"}}).result(),
            http::status::unauthorized);
  EXPECT_EQ(call(http::verb::delete_, "/whip/0123abcd", "", {{"Authorization", "Bearer 4821"}}).result(),
            http::status::ok);
  EXPECT_EQ(call(http::verb::delete_, "/whip/0123abcd", "", {{"Authorization", "Bearer 4821"}}).result(),
            http::status::not_found);
}

TEST_F(WhipEndpointTest, OptionsAndWrongMethods) {
  const auto options = call(http::verb::options, "/whip");
  EXPECT_EQ(options.result(), http::status::no_content);
  EXPECT_EQ(options["Accept-Post"], "application/sdp");
  EXPECT_EQ(options[http::field::access_control_allow_origin], "*");
  EXPECT_NE(std::string(options[http::field::access_control_allow_headers]).find("Authorization"), std::string::npos);
  const auto get = call(http::verb::get, "/whip");
  EXPECT_EQ(get.result(), http::status::method_not_allowed);
  EXPECT_NE(std::string(get[http::field::allow]).find("POST"), std::string::npos);
  // HEAD says what POST and PATCH take (WHEP players probe with it).
  const auto head = call(http::verb::head, "/whip");
  EXPECT_EQ(head.result(), http::status::no_content);
  EXPECT_EQ(head["Accept-Post"], "application/sdp");
  EXPECT_EQ(head["Accept-Patch"], "application/trickle-ice-sdpfrag");
}

// TURN credentials go on an authorized 201 only: OPTIONS needs no token (CORS pre-flights carry
// none), so it names the servers without them, and a refused POST carries no Link at all.
TEST_F(WhipEndpointTest, OnlyAnAuthorizedCreateCarriesTurnCredentials) {
  const std::string bare = "<turn:10.0.0.2:3478?transport=udp>; rel=\"ice-server\"";
  const std::string with_password = bare + "; username=\"box\"; credential=\"s3cret\"; credential-type=\"password\"";
  endpoint_->set_ice_server_links({with_password}, {bare});
  const auto options = call(http::verb::options, "/whip");
  EXPECT_EQ(options[http::field::link], bare);
  EXPECT_EQ(std::string(options[http::field::link]).find("s3cret"), std::string::npos);
  const auto refused = post_offer("v=0 offer", "0000");
  EXPECT_EQ(refused.result(), http::status::unauthorized);
  EXPECT_EQ(refused.count(http::field::link), 0u);
  EXPECT_EQ(post_offer()[http::field::link], with_password);
}

TEST(BearerToken, ParsingAndConstantTimeComparison) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("bearer   abc  "), "abc");
  EXPECT_FALSE(bearer_token("Basic abc").has_value());
  EXPECT_FALSE(bearer_token("Bearer ").has_value());
  EXPECT_FALSE(bearer_token("").has_value());
  EXPECT_TRUE(tokens_equal("4821", "4821"));
  EXPECT_FALSE(tokens_equal("482", "4821"));
  EXPECT_FALSE(tokens_equal("48210", "4821"));
  EXPECT_FALSE(tokens_equal("4822", "4821"));
  EXPECT_FALSE(tokens_equal("", "4821"));
}

}  // namespace
}  // namespace presentd::signaling

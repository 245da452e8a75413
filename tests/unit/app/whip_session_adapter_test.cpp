// SPDX-License-Identifier: Apache-2.0
// WHIP's side of the session core: the HTTP status of every refusal, ETags that change only with
// an ICE restart, and sessions of other adapters out of WHIP's reach, with the real core
// (SessionManager, real sessions gathering on loopback, pumped from this thread's io_context)
// behind the real WHIP endpoint and router.
#include "app/whip_session_adapter.hpp"

#include <gtest/gtest.h>

#include <map>

#include <boost/asio/io_context.hpp>

#include "presentd/common/clock.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/ice/glib_context_pump.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/session/session_manager.hpp"
#include "presentd/signaling/local/http_router.hpp"
#include "support/run_until.hpp"
#include "support/sdp/sdp_fixtures.hpp"

namespace presentd::app {
namespace {

using namespace std::chrono_literals;
namespace http = signaling::http;
using Kind = session::Refusal::Kind;

TEST(WhipFailureOfRefusal, EveryRefusalHasTheStatusDocsProtocolPromises) {
  const struct {
    session::Refusal refusal;
    http::status status;
    int retry_after;
  } cases[] = {
      {{Kind::bad_offer, "m", sdp::ErrorCode::malformed_line}, http::status::bad_request, 0},
      {{Kind::bad_offer, "m", sdp::ErrorCode::no_common_codec}, http::status::not_acceptable, 0},
      {{Kind::bad_offer, "m", sdp::ErrorCode::unsupported_offer}, http::status::unprocessable_entity, 0},
      {{Kind::room_full, "m", {}, 10s}, http::status::service_unavailable, 10},
      {{Kind::waiting_list_full, "m", {}, 10s}, http::status::service_unavailable, 10},
      {{Kind::source_waiting_full, "m", {}, 10s}, http::status::too_many_requests, 10},
      {{Kind::unavailable, "m", {}, 5s}, http::status::service_unavailable, 5},
      {{Kind::internal, "m"}, http::status::internal_server_error, 0},
      {{Kind::no_such_session, "m"}, http::status::not_found, 0},
      {{Kind::bad_fragment, "m", sdp::ErrorCode::bad_attribute}, http::status::bad_request, 0},
      {{Kind::too_many_candidates, "m"}, http::status::unprocessable_entity, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.refusal.kind));
    const auto failure = to_whip_failure(c.refusal);
    EXPECT_EQ(failure.status, c.status);
    EXPECT_EQ(failure.retry_after_s, c.retry_after);
    EXPECT_FALSE(failure.reason.empty());
  }
}

class WhipSessionAdapterTest : public ::testing::Test {
protected:
  void SetUp() override {
    pump_.start();
    session::SessionSettings settings;
    settings.ice.local_addresses = {"127.0.0.1"};
    settings.ice.port_min = 44000;
    settings.ice.port_max = 44999;
    core_ = std::make_unique<session::SessionManager>(
        io_, pump_, identity_, settings,
        session::AdmissionSettings{config::AdmissionMode::automatic, 1, config::WhenFull::refuse});
    adapter_ = std::make_unique<WhipSessionAdapter>(*core_, nullptr);
    endpoint_ = std::make_unique<signaling::WhipEndpoint>(clock_, *adapter_, signaling::WhipEndpointOptions{});
    endpoint_->register_routes(router_);
  }
  void TearDown() override {
    endpoint_.reset();
    adapter_.reset();
    core_.reset();
    io_.run_for(50ms);
    pump_.stop();
    g_main_context_unref(context_);
  }

  // One request through the router, run until it is answered.
  signaling::Response call(http::verb method, const std::string& target, const std::string& body,
                           const std::map<std::string, std::string>& headers) {
    signaling::Request request{method, target, 11};
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    signaling::RequestContext context;
    context.remote = {boost::asio::ip::make_address("127.0.0.1"), 40001};
    std::optional<signaling::Response> out;
    router_.dispatch(request, context, [&](signaling::Response r) { out = std::move(r); });
    EXPECT_TRUE(testing::run_until(io_, [&] { return out.has_value(); })) << "no answer within 10 s";
    return out.value_or(signaling::Response{http::status::internal_server_error, 11});
  }
  signaling::Response post(const std::string& offer) {
    return call(http::verb::post, "/whip", offer, {{"Content-Type", "application/sdp"}});
  }
  signaling::Response patch(const std::string& location, const std::string& etag, const std::string& fragment) {
    return call(http::verb::patch, location, fragment,
                {{"Content-Type", "application/trickle-ice-sdpfrag"}, {"If-Match", etag}});
  }

  boost::asio::io_context io_;
  GMainContext* context_ = g_main_context_new();
  ice::GlibContextPump pump_{io_, context_};
  std::shared_ptr<const crypto::Identity> identity_ = std::make_shared<const crypto::Identity>(
      crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"presentd-test"}, std::chrono::hours(1)));
  ManualClock clock_;
  signaling::HttpRouter router_;
  std::unique_ptr<session::SessionManager> core_;
  std::unique_ptr<WhipSessionAdapter> adapter_;
  std::unique_ptr<signaling::WhipEndpoint> endpoint_;
};

TEST_F(WhipSessionAdapterTest, TheETagChangesWithAnIceRestartAndOnlyThen) {
  const auto created = post(sdp::testing::kMinimalOffer);
  ASSERT_EQ(created.result(), http::status::created) << created.body();
  const std::string location(created[http::field::location]);
  const std::string etag(created[http::field::etag]);
  ASSERT_FALSE(etag.empty());
  ASSERT_TRUE(sdp::parse_sdp(created.body())) << created.body();

  const auto trickle =
      patch(location, etag,
            "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
            "a=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n");
  EXPECT_EQ(trickle.result(), http::status::no_content);

  const auto restart = patch(location, etag,
                             "a=ice-ufrag:wxyz\r\na=ice-pwd:0123456789abcdefghijkl\r\n"
                             "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=end-of-candidates\r\n");
  ASSERT_EQ(restart.result(), http::status::ok) << restart.body();
  const std::string new_etag(restart[http::field::etag]);
  EXPECT_NE(new_etag, etag);
  EXPECT_TRUE(sdp::parse_sdp_fragment(restart.body())) << restart.body();
  // The old ETag names the ICE session that is gone (RFC 9725 §4.3.2).
  EXPECT_EQ(patch(location, etag, "a=end-of-candidates\r\n").result(), http::status::precondition_failed);
  EXPECT_EQ(patch(location, new_etag, "garbage\r\n").result(), http::status::bad_request);
  EXPECT_EQ(patch("/whip/0123456789abcdef0123456789abcdef", "*", "a=end-of-candidates\r\n").result(),
            http::status::not_found);

  EXPECT_EQ(call(http::verb::delete_, location, "", {}).result(), http::status::ok);
  EXPECT_EQ(call(http::verb::delete_, location, "", {}).result(), http::status::not_found);
}

TEST_F(WhipSessionAdapterTest, RefusalsOfTheCoreReachTheSenderAsHttp) {
  const auto bad = post("this is not SDP\r\n");
  EXPECT_EQ(bad.result(), http::status::bad_request);
  EXPECT_NE(bad.body().find("bad SDP offer"), std::string::npos) << bad.body();
  const auto no_codec = post([] {
    std::string offer = sdp::testing::kMinimalOffer;
    return offer.replace(offer.find("VP8/90000"), 9, "AV1/90000");
  }());
  EXPECT_EQ(no_codec.result(), http::status::not_acceptable);

  ASSERT_EQ(post(sdp::testing::kMinimalOffer).result(), http::status::created);
  const auto full = post(sdp::testing::kMinimalOffer);  // one place, "refuse"
  EXPECT_EQ(full.result(), http::status::service_unavailable);
  EXPECT_EQ(full[http::field::retry_after], "10");
}

// A session created by another adapter (Jingle) holds no WHIP credential, so WHIP must not reach
// it: PATCH and DELETE through the WHIP endpoint answer 404 while the session carries on.
TEST_F(WhipSessionAdapterTest, ARemoteSessionCannotBePatchedOrDeletedThroughWhip) {
  const auto offer = sdp::parse_sdp(sdp::testing::kMinimalOffer);
  ASSERT_TRUE(offer);
  std::optional<session::CreateResult> result;
  core_->create_session({"alice@example.net", "xmpp:alice@example.net/phone", {}, true}, *offer,
                        [&](session::CreateResult r) { result = std::move(r); });
  testing::run_until(io_, [&] { return result.has_value(); });
  ASSERT_TRUE(result && std::holds_alternative<session::AcceptedSession>(*result));
  const auto id = std::get<session::AcceptedSession>(*result).session_id;
  EXPECT_EQ(adapter_->session_etag(id), std::nullopt);

  EXPECT_EQ(patch("/whip/" + id, "*", "a=end-of-candidates\r\n").result(), http::status::not_found);
  EXPECT_EQ(call(http::verb::delete_, "/whip/" + id, "", {}).result(), http::status::not_found);
  EXPECT_TRUE(core_->has_session(id));
  EXPECT_TRUE(core_->stop_session(id));  // its own adapter still reaches it through the core
}

}  // namespace
}  // namespace presentd::app

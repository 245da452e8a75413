// SPDX-License-Identifier: Apache-2.0
// The admin API's guard and actions through the real router. Removing sessions and snapshots
// of a real screen are tested against the daemon in tests/integration/access_test.cpp.
#include "presentd/access/admin_endpoint.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace presentd::access {
namespace {
namespace http = signaling::http;
const std::string kToken = "0123456789abcdef0123456789abcdef";

class AdminEndpointTest : public ::testing::Test {
protected:
  AdminEndpointTest() {
    AdminHooks hooks;
    hooks.remove_presenter = [this](const std::string& id) {
      removed_.push_back(id);
      return id == "live";
    };
    admin_ = std::make_unique<AdminEndpoint>(clock_, access_, std::move(hooks));
    admin_->configure(kToken, false);
    admin_->register_routes(router_);
    context_.remote = {boost::asio::ip::make_address("192.0.2.7"), 5555};
  }

  signaling::Response call(http::verb method, const std::string& target, std::optional<std::string> token = kToken) {
    signaling::Request request{method, target, 11};
    if (token) request.set(http::field::authorization, "Bearer " + *token);
    std::optional<signaling::Response> out;
    router_.dispatch(request, context_, [&](signaling::Response r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value());
    return out ? std::move(*out) : signaling::Response{};
  }
  static nlohmann::json json_of(const signaling::Response& response) { return nlohmann::json::parse(response.body()); }

  ManualClock clock_;
  AccessControl access_{clock_, config::PinConfig{}, nullptr};  // policy "rotate"
  std::unique_ptr<AdminEndpoint> admin_;
  signaling::HttpRouter router_;
  signaling::RequestContext context_;
  std::vector<std::string> removed_;
};

TEST_F(AdminEndpointTest, RefusedWithoutOrWithAWrongTokenAndOffWithoutOne) {
  const auto missing = call(http::verb::post, "/api/v1/admin/lock", std::nullopt);
  EXPECT_EQ(missing.result(), http::status::unauthorized);
  EXPECT_EQ(missing[http::field::www_authenticate], "Bearer");
  EXPECT_EQ(json_of(missing)["error"], "unauthorized");
  EXPECT_EQ(call(http::verb::post, "/api/v1/admin/lock", kToken.substr(0, 31)).result(), http::status::unauthorized);
  EXPECT_EQ(call(http::verb::post, "/api/v1/admin/lock", kToken + "0").result(), http::status::unauthorized);
  EXPECT_FALSE(access_.locked());

  admin_->configure(std::nullopt, false);
  const auto off = call(http::verb::post, "/api/v1/admin/lock");
  EXPECT_EQ(off.result(), http::status::not_found);
  EXPECT_EQ(json_of(off)["error"], "admin_api_off");
  EXPECT_FALSE(access_.locked());
}

TEST_F(AdminEndpointTest, WrongTokensBackOff) {
  for (int i = 0; i < 5; ++i) call(http::verb::get, "/api/v1/admin/pin", "wrong-token-0000");
  const auto locked = call(http::verb::get, "/api/v1/admin/pin");  // even the right one, for now
  EXPECT_EQ(locked.result(), http::status::too_many_requests);
  EXPECT_EQ(locked[http::field::retry_after], "1");
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(call(http::verb::get, "/api/v1/admin/pin").result(), http::status::ok);
}

TEST_F(AdminEndpointTest, WrongTokensFromOtherAddressesNeverLockOutTheAdmin) {
  // Forty wrong tokens, two from each of twenty addresses, within a second.
  const auto admin_address = context_.remote;
  for (int i = 0; i < 40; ++i) {
    context_.remote = {boost::asio::ip::make_address("198.51.100." + std::to_string(i % 20)), 5555};
    EXPECT_EQ(call(http::verb::get, "/api/v1/admin/pin", "wrong-token-0000").result(), http::status::unauthorized);
  }
  context_.remote = admin_address;
  EXPECT_EQ(call(http::verb::get, "/api/v1/admin/pin").result(), http::status::ok);
  // The back-off is per source, and an IPv6 source is its /64.
  for (int i = 1; i <= 5; ++i) {
    context_.remote = {boost::asio::ip::make_address("2001:db8:7:8::" + std::to_string(i)), 5555};
    call(http::verb::get, "/api/v1/admin/pin", "wrong-token-0000");
  }
  context_.remote = {boost::asio::ip::make_address("2001:db8:7:8::99"), 5555};
  EXPECT_EQ(call(http::verb::get, "/api/v1/admin/pin").result(), http::status::too_many_requests);
  context_.remote = admin_address;
  EXPECT_EQ(call(http::verb::get, "/api/v1/admin/pin").result(), http::status::ok);
}

TEST_F(AdminEndpointTest, LockUnlockRotateAndReadThePin) {
  EXPECT_EQ(json_of(call(http::verb::post, "/api/v1/admin/lock"))["locked"], true);
  EXPECT_TRUE(access_.locked());
  EXPECT_EQ(json_of(call(http::verb::post, "/api/v1/admin/unlock"))["locked"], false);
  EXPECT_FALSE(access_.locked());

  const auto before = *access_.pin().current();
  const auto rotated = json_of(call(http::verb::post, "/api/v1/admin/pin/rotate"));
  EXPECT_NE(rotated["pin"], before);
  EXPECT_EQ(rotated["pin"], *access_.pin().current());
  const auto pin = json_of(call(http::verb::get, "/api/v1/admin/pin"));
  EXPECT_EQ(pin["policy"], "rotate");
  EXPECT_EQ(pin["pin"], *access_.pin().current());

  access_.apply(config::PinConfig{config::PinPolicy::fixed, 4, "2468"});
  EXPECT_EQ(call(http::verb::post, "/api/v1/admin/pin/rotate").result(), http::status::conflict);
}

TEST_F(AdminEndpointTest, RemoveAPresenter) {
  EXPECT_EQ(json_of(call(http::verb::post, "/api/v1/admin/presenters/live/remove"))["removed"], "live");
  EXPECT_EQ(call(http::verb::post, "/api/v1/admin/presenters/gone/remove").result(), http::status::not_found);
  EXPECT_EQ(call(http::verb::post, "/api/v1/admin/presenters/live").result(), http::status::not_found);
  EXPECT_EQ(call(http::verb::post, "/api/v1/admin/presenters//remove").result(), http::status::not_found);
  EXPECT_EQ(removed_, (std::vector<std::string>{"live", "gone"}));
}

TEST_F(AdminEndpointTest, SnapshotNeedsTheSettingAndADisplay) {
  EXPECT_EQ(json_of(call(http::verb::get, "/api/v1/snapshot.png"))["error"], "snapshot_disabled");
  admin_->configure(kToken, true);
  const auto headless = call(http::verb::get, "/api/v1/snapshot.png");
  EXPECT_EQ(headless.result(), http::status::service_unavailable);
  EXPECT_EQ(json_of(headless)["error"], "snapshot_unavailable");
}

}  // namespace
}  // namespace presentd::access

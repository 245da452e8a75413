// SPDX-License-Identifier: Apache-2.0
// Who may watch (ViewerAccess): viewers.policy "pin" with the presenters' back-off and no PIN
// rotation, "open", "off", and PATCH/DELETE bound to the Bearer the viewer was created with.
#include "presentd/access/viewer_access.hpp"

#include <gtest/gtest.h>

#include <set>

namespace presentd::access {
namespace {
namespace http = signaling::http;
using Result = std::variant<signaling::WhipGrant, signaling::WhipFailure>;

class ViewerAccessTest : public ::testing::Test {
protected:
  ViewerAccessTest() { use(config::PinPolicy::rotate, config::ViewerPolicy::pin); }

  void use(config::PinPolicy pin_policy, config::ViewerPolicy viewer_policy) {
    config::PinConfig pin;
    pin.policy = pin_policy;
    rotations_ = 0;
    access_ = std::make_unique<AccessControl>(clock_, pin, [this](const auto&) { ++rotations_; });
    viewers_ = std::make_unique<ViewerAccess>(*access_, viewer_policy,
                                              [this](const std::string& id) { return running_.contains(id); });
  }
  std::string pin() const { return *access_->pin().current(); }
  std::string wrong() const { return pin() == "0000" ? "1111" : "0000"; }

  static signaling::RequestContext from(const std::string& address) {
    signaling::RequestContext context;
    context.remote = {boost::asio::ip::make_address(address), 40000};
    return context;
  }

  // POST /whep with `bearer`; on success the viewer `id` runs.
  Result watch(std::optional<std::string> bearer, const std::string& id, const std::string& address = "192.0.2.1") {
    auto result =
        viewers_->authorize_create(bearer ? std::optional<std::string_view>(*bearer) : std::nullopt, from(address));
    if (const auto* grant = std::get_if<signaling::WhipGrant>(&result)) {
      viewers_->create_finished(*grant, id);
      running_.insert(id);
    }
    return result;
  }
  static http::status status_of(const Result& result) {
    return std::holds_alternative<signaling::WhipGrant>(result) ? http::status::created
                                                                : std::get<signaling::WhipFailure>(result).status;
  }

  ManualClock clock_;
  int rotations_ = 0;
  std::set<std::string> running_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<ViewerAccess> viewers_;
};

TEST_F(ViewerAccessTest, TheRightPinLetsAViewerInAndNeverRotatesIt) {
  const auto before = pin();
  const int shown = rotations_;
  EXPECT_EQ(status_of(watch(pin(), "v1")), http::status::created);
  EXPECT_EQ(status_of(watch(pin(), "v2", "192.0.2.2")), http::status::created);
  EXPECT_EQ(pin(), before);
  EXPECT_EQ(rotations_, shown);
  // A viewer takes no session token and leaves no presenter behind.
  EXPECT_TRUE(access_->presenters().empty());
}

TEST_F(ViewerAccessTest, NoPinIsAskedForWithoutCountingAndAWrongOneCountsInThePresentersBackOff) {
  const auto missing = watch(std::nullopt, "v1");
  ASSERT_EQ(status_of(missing), http::status::unauthorized);
  EXPECT_NE(std::get<signaling::WhipFailure>(missing).reason.find("PIN"), std::string::npos);
  // Five wrong PINs from one address, then that address is locked out, for presenting too.
  for (int i = 0; i < 5; ++i) {
    const auto wrong_pin = wrong();
    EXPECT_EQ(status_of(watch(wrong_pin, "v")), http::status::unauthorized) << i;
  }
  const auto locked = watch(pin(), "v2");
  EXPECT_EQ(status_of(locked), http::status::too_many_requests);
  EXPECT_GT(std::get<signaling::WhipFailure>(locked).retry_after_s, 0);
  EXPECT_EQ(status_of(access_->authorize_create(pin(), from("192.0.2.1"))), http::status::too_many_requests);
  // Another address is not locked out by this one.
  EXPECT_EQ(status_of(watch(pin(), "v3", "192.0.2.9")), http::status::created);
}

TEST_F(ViewerAccessTest, OpenLetsAnyoneInAndOffNobody) {
  use(config::PinPolicy::rotate, config::ViewerPolicy::open);
  EXPECT_EQ(status_of(watch(std::nullopt, "v1")), http::status::created);
  viewers_->set_policy(config::ViewerPolicy::off);
  const auto refused = watch(pin(), "v2");
  ASSERT_EQ(status_of(refused), http::status::forbidden);
  EXPECT_EQ(std::get<signaling::WhipFailure>(refused).reason, "watching is turned off on this box");
}

TEST_F(ViewerAccessTest, ARoomWithoutPinLetsViewersInUnderPolicyPin) {
  use(config::PinPolicy::off, config::ViewerPolicy::pin);
  EXPECT_EQ(status_of(watch(std::nullopt, "v1")), http::status::created);
}

TEST_F(ViewerAccessTest, PatchAndDeleteNeedTheBearerThatCreatedTheViewer) {
  ASSERT_EQ(status_of(watch(pin(), "v1")), http::status::created);
  const auto created_with = pin();
  EXPECT_FALSE(viewers_->authorize_session(created_with, "v1", from("192.0.2.1")));
  const auto other = viewers_->authorize_session(std::string_view("nope"), "v1", from("192.0.2.1"));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, http::status::unauthorized);
  ASSERT_TRUE(viewers_->authorize_session(std::nullopt, "v1", from("192.0.2.1")));
  const auto unknown = viewers_->authorize_session(created_with, "v9", from("192.0.2.1"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, http::status::not_found);
}

TEST_F(ViewerAccessTest, AnEndedViewersCredentialIsForgotten) {
  ASSERT_EQ(status_of(watch(pin(), "v1")), http::status::created);
  running_.erase("v1");
  // Forgotten on the next creation.
  ASSERT_EQ(status_of(watch(pin(), "v2")), http::status::created);
  const auto gone = viewers_->authorize_session(pin(), "v1", from("192.0.2.1"));
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, http::status::not_found);
}

}  // namespace
}  // namespace presentd::access

// SPDX-License-Identifier: Apache-2.0
// Joining and publishing through AccessControl: the PIN (join and WHIP share one back-off),
// session tokens bound to the session they create, rotation, the room lock.
#include "presentd/access/access_control.hpp"

#include <gtest/gtest.h>

namespace presentd::access {
namespace {
using namespace std::chrono_literals;
namespace http = signaling::http;

class AccessControlTest : public ::testing::Test {
protected:
  AccessControlTest() { use_policy(config::PinPolicy::rotate); }

  void use_policy(config::PinPolicy policy) {
    config::PinConfig pin;
    pin.policy = policy;
    pin.fixed = policy == config::PinPolicy::fixed ? "2468" : "";
    shown_.clear();
    access_ = std::make_unique<AccessControl>(clock_, pin, [this](const auto& shown) { shown_.push_back(shown); });
  }
  std::string pin() const { return *access_->pin().current(); }
  static std::string wrong(const std::string& pin) { return pin == "0000" ? "1111" : "0000"; }

  signaling::RequestContext from(const std::string& address) {
    signaling::RequestContext context;
    context.remote = {boost::asio::ip::make_address(address), 40000};
    return context;
  }

  std::string join_token(const std::string& name = "Alice", const std::string& address = "192.0.2.1") {
    auto result = access_->join(pin(), name, address);
    EXPECT_TRUE(std::holds_alternative<JoinGranted>(result));
    return std::holds_alternative<JoinGranted>(result) ? std::get<JoinGranted>(result).token : "";
  }

  // POST /whip with `bearer`; on success the session `session_id` is created.
  std::variant<signaling::WhipGrant, signaling::WhipFailure> publish(std::optional<std::string> bearer,
                                                                     const std::string& session_id,
                                                                     const std::string& address = "192.0.2.1") {
    auto result =
        access_->authorize_create(bearer ? std::optional<std::string_view>(*bearer) : std::nullopt, from(address));
    if (const auto* grant = std::get_if<signaling::WhipGrant>(&result)) access_->create_finished(*grant, session_id);
    return result;
  }
  static http::status status_of(const std::variant<signaling::WhipGrant, signaling::WhipFailure>& result) {
    return std::holds_alternative<signaling::WhipGrant>(result) ? http::status::created
                                                                : std::get<signaling::WhipFailure>(result).status;
  }

  ManualClock clock_;
  std::vector<std::optional<std::string>> shown_;
  std::unique_ptr<AccessControl> access_;
};

TEST_F(AccessControlTest, WrongPinsCountDownThenTheSixthAttemptIsLockedOutAndThePinRotates) {
  const auto original = pin();
  for (int left = 4; left >= 0; --left) {
    const auto result = access_->join(wrong(original), "", "192.0.2.1");
    ASSERT_TRUE(std::holds_alternative<AccessDenied>(result));
    EXPECT_EQ(std::get<AccessDenied>(result).reason, AccessDenied::Reason::wrong_pin);
    EXPECT_EQ(std::get<AccessDenied>(result).attempts_left, left);
  }
  // The fifth failure rotated the PIN and the screen was told.
  EXPECT_NE(pin(), original);
  EXPECT_EQ(shown_.back(), access_->pin().current());
  // Even the right (new) PIN is refused during the back-off, without being looked at.
  const auto sixth = access_->join(pin(), "", "192.0.2.1");
  ASSERT_TRUE(std::holds_alternative<AccessDenied>(sixth));
  EXPECT_EQ(std::get<AccessDenied>(sixth).reason, AccessDenied::Reason::locked_out);
  EXPECT_EQ(std::get<AccessDenied>(sixth).retry_after_s, 1);
  // Another address is not held up, and after the wait the new PIN works.
  EXPECT_TRUE(std::holds_alternative<JoinGranted>(access_->join(pin(), "", "192.0.2.2")));
  clock_.advance(1s);
  EXPECT_TRUE(std::holds_alternative<JoinGranted>(access_->join(pin(), "", "192.0.2.1")));
  EXPECT_TRUE(std::holds_alternative<AccessDenied>(access_->join(original, "", "192.0.2.3")));
}

TEST_F(AccessControlTest, WrongPinsFromRotatingAddressesDoNotLockOutAPresenterWithTheRightOne) {
  metrics::Counter failures, lockouts, saturated;
  access_->count_in(failures, lockouts, saturated);
  // Two wrong PINs a second from 20 addresses in turn, for a minute.
  int looked_at = 0;
  for (int i = 0; i < 120; ++i) {
    const auto result = access_->join(wrong(pin()), "", "198.51.100." + std::to_string(i % 20));
    ASSERT_TRUE(std::holds_alternative<AccessDenied>(result));
    if (std::get<AccessDenied>(result).reason == AccessDenied::Reason::wrong_pin) ++looked_at;
    clock_.advance(500ms);
  }
  // The first ten filled the room; after that only each address's first guess was looked at.
  EXPECT_EQ(looked_at, 20);
  EXPECT_EQ(failures.value(), 20u);
  EXPECT_EQ(saturated.value(), 11u);  // the 10th guess, and each fresh address's after it
  // A presenter who has not failed is let in at once, through the page and through WHIP.
  EXPECT_TRUE(std::holds_alternative<JoinGranted>(access_->join(pin(), "Ada", "192.0.2.77")));
  EXPECT_EQ(status_of(publish(pin(), "s", "192.0.2.78")), http::status::created);
  // The addresses that guessed wait for the room; their second guesses are not looked at.
  const auto again = access_->join(pin(), "", "198.51.100.0");
  ASSERT_TRUE(std::holds_alternative<AccessDenied>(again));
  EXPECT_EQ(std::get<AccessDenied>(again).reason, AccessDenied::Reason::locked_out);
}

TEST_F(AccessControlTest, AddressesInOneIpv6Slash64ShareOneBackoff) {
  // A host picks any address in its /64: five privacy addresses are still one guesser.
  for (int i = 1; i <= 5; ++i) {
    EXPECT_EQ(status_of(publish(wrong(pin()), "s", "2001:db8:5:6::" + std::to_string(i))), http::status::unauthorized);
  }
  EXPECT_EQ(status_of(publish(pin(), "s", "2001:db8:5:6:abcd::99")), http::status::too_many_requests);
  EXPECT_EQ(status_of(publish(pin(), "s", "2001:db8:5:7::1")), http::status::created);  // the next /64
}

TEST_F(AccessControlTest, WhipSendersPresentingThePinShareTheBackoff) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(status_of(publish(wrong(pin()), "s")), http::status::unauthorized);
  for (int i = 0; i < 2; ++i) access_->join(wrong(pin()), "", "192.0.2.1");
  const auto locked = publish(pin(), "s");
  ASSERT_EQ(status_of(locked), http::status::too_many_requests);
  EXPECT_EQ(std::get<signaling::WhipFailure>(locked).retry_after_s, 1);
  EXPECT_EQ(status_of(publish(std::nullopt, "s", "192.0.2.9")), http::status::unauthorized);
}

TEST_F(AccessControlTest, ATokenCreatesOneSessionCarriesTheNameAndGuardsThatSession) {
  const auto token = join_token("Alice");
  const auto first = publish(token, "session-1");
  ASSERT_TRUE(std::holds_alternative<signaling::WhipGrant>(first));
  EXPECT_EQ(std::get<signaling::WhipGrant>(first).presenter_name, "Alice");
  EXPECT_EQ(status_of(publish(token, "session-2")), http::status::unauthorized);  // used

  // PATCH/DELETE of the session: only with the token that created it.
  EXPECT_FALSE(access_->authorize_session(std::string_view(token), "session-1", from("192.0.2.1")));
  EXPECT_EQ(access_->authorize_session(std::string_view(pin()), "session-1", from("192.0.2.1"))->status,
            http::status::unauthorized);
  EXPECT_EQ(access_->authorize_session(std::nullopt, "session-1", from("192.0.2.1"))->status,
            http::status::unauthorized);
  access_->session_ended("session-1");
  EXPECT_EQ(access_->authorize_session(std::string_view(token), "session-1", from("192.0.2.1"))->status,
            http::status::not_found);
}

TEST_F(AccessControlTest, ATokenWhoseSessionFailedToStartCanBeUsedAgainUntilItExpires) {
  const auto token = join_token();
  auto grant = access_->authorize_create(std::string_view(token), from("192.0.2.1"));
  ASSERT_TRUE(std::holds_alternative<signaling::WhipGrant>(grant));
  access_->create_finished(std::get<signaling::WhipGrant>(grant), std::nullopt);  // e.g. a bad offer
  EXPECT_EQ(status_of(publish(token, "s")), http::status::created);

  const auto late = join_token();
  clock_.advance(60s);
  EXPECT_EQ(status_of(publish(late, "t")), http::status::unauthorized);
}

TEST_F(AccessControlTest, AnExpiredTokenIsNotCountedAsAPinGuess) {
  const auto token = join_token();
  clock_.advance(61s);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(status_of(publish(token, "s")), http::status::unauthorized);
  EXPECT_EQ(status_of(publish(pin(), "s")), http::status::created);  // no back-off
}

TEST_F(AccessControlTest, EveryEndedSessionRotatesThePinButUnusedTokensStayValid) {
  const auto token = join_token();
  ASSERT_EQ(status_of(publish(pin(), "plain")), http::status::created);
  const auto before = pin();
  access_->session_ended("plain");
  EXPECT_NE(pin(), before);
  EXPECT_EQ(status_of(publish(before, "again")), http::status::unauthorized);
  EXPECT_EQ(status_of(publish(token, "page")), http::status::created);
}

TEST_F(AccessControlTest, APlainSenderKeepsItsSessionAfterThePinRotated) {
  const auto first_pin = pin();
  ASSERT_EQ(status_of(publish(first_pin, "plain")), http::status::created);
  access_->rotate_pin("test");
  // DELETE with the PIN it published with still works for its own session.
  EXPECT_FALSE(access_->authorize_session(std::string_view(first_pin), "plain", from("192.0.2.1")));
}

TEST_F(AccessControlTest, ALockedRoomRefusesJoinsAndNewSessions) {
  const auto token = join_token();
  access_->set_locked(true);
  const auto join = access_->join(pin(), "", "192.0.2.1");
  ASSERT_TRUE(std::holds_alternative<AccessDenied>(join));
  EXPECT_EQ(std::get<AccessDenied>(join).reason, AccessDenied::Reason::room_locked);
  EXPECT_EQ(status_of(publish(token, "s")), http::status::locked);
  EXPECT_EQ(status_of(publish(pin(), "s")), http::status::locked);
  access_->set_locked(false);
  EXPECT_EQ(status_of(publish(token, "s")), http::status::created);
}

TEST_F(AccessControlTest, PolicyOffNeedsNoPinButStillIssuesNamedTokens) {
  use_policy(config::PinPolicy::off);
  const auto result = access_->join("", "Carol", "192.0.2.1");
  ASSERT_TRUE(std::holds_alternative<JoinGranted>(result));
  const auto grant = publish(std::get<JoinGranted>(result).token, "named");
  EXPECT_EQ(std::get<signaling::WhipGrant>(grant).presenter_name, "Carol");
  EXPECT_EQ(status_of(publish(std::nullopt, "anonymous")), http::status::created);
  EXPECT_FALSE(access_->authorize_session(std::nullopt, "anonymous", from("192.0.2.1")));
  EXPECT_FALSE(access_->rotate_pin("test"));
}

TEST_F(AccessControlTest, FixedPinNeverRotates) {
  use_policy(config::PinPolicy::fixed);
  for (int i = 0; i < 5; ++i) access_->join("1111", "", "192.0.2.1");
  ASSERT_EQ(status_of(publish("2468", "s", "192.0.2.2")), http::status::created);
  access_->session_ended("s");
  EXPECT_EQ(pin(), "2468");
}

TEST_F(AccessControlTest, RemotePresentersPassTheSamePinBackOffAndRoomLock) {
  use_policy(config::PinPolicy::fixed);
  EXPECT_FALSE(access_->check_remote_pin(std::string("2468"), "alice@example.net").has_value());
  for (int left = 4; left >= 0; --left) {
    const auto denied = access_->check_remote_pin(std::string("1357"), "mallory@example.net");
    ASSERT_TRUE(denied.has_value());
    EXPECT_EQ(denied->reason, AccessDenied::Reason::wrong_pin);
    EXPECT_EQ(denied->attempts_left, left);
  }
  // Locked out now: even the right PIN is refused without being looked at.
  const auto locked_out = access_->check_remote_pin(std::string("2468"), "mallory@example.net");
  ASSERT_TRUE(locked_out.has_value());
  EXPECT_EQ(locked_out->reason, AccessDenied::Reason::locked_out);
  // Another account is not affected, and a missing PIN is a wrong one.
  const auto missing = access_->check_remote_pin(std::nullopt, "bob@example.net");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->reason, AccessDenied::Reason::wrong_pin);
  access_->set_locked(true);
  const auto room_locked = access_->check_remote_pin(std::string("2468"), "alice@example.net");
  ASSERT_TRUE(room_locked.has_value());
  EXPECT_EQ(room_locked->reason, AccessDenied::Reason::room_locked);
}

TEST_F(AccessControlTest, RemotePresentersNeedNoPinWithPolicyOff) {
  use_policy(config::PinPolicy::off);
  EXPECT_FALSE(access_->check_remote_pin(std::nullopt, "alice@example.net").has_value());
}

}  // namespace
}  // namespace presentd::access

// SPDX-License-Identifier: Apache-2.0
// The PIN under its three policies, and what the screen is told.
#include "presentd/access/pin_keeper.hpp"

#include <gtest/gtest.h>

namespace presentd::access {
namespace {

config::PinConfig pin_config(config::PinPolicy policy, int length = 4, std::string fixed = "") {
  config::PinConfig c;
  c.policy = policy;
  c.length = length;
  c.fixed = std::move(fixed);
  return c;
}

TEST(PinKeeper, RotatingPinIsFreshDigitsShownOnTheScreenAndTheOldOneStopsWorking) {
  std::vector<std::optional<std::string>> shown;
  PinKeeper keeper(pin_config(config::PinPolicy::rotate, 6), [&](const auto& pin) { shown.push_back(pin); });
  ASSERT_EQ(shown.size(), 1u);
  ASSERT_TRUE(shown[0]);
  const auto first = *shown[0];
  EXPECT_EQ(first.size(), 6u);
  EXPECT_EQ(first.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_TRUE(keeper.matches(first));

  for (int i = 0; i < 50; ++i) {
    const auto before = *keeper.current();
    ASSERT_TRUE(keeper.rotate());
    EXPECT_NE(*keeper.current(), before);  // never "rotated" to the same PIN
    EXPECT_FALSE(keeper.matches(before));
    EXPECT_TRUE(keeper.matches(*keeper.current()));
  }
  EXPECT_EQ(shown.size(), 51u);
  EXPECT_EQ(shown.back(), keeper.current());
}

TEST(PinKeeper, ComparisonNeedsTheWholePin) {
  PinKeeper keeper(pin_config(config::PinPolicy::fixed, 4, "2468"), nullptr);
  EXPECT_TRUE(keeper.matches("2468"));
  EXPECT_FALSE(keeper.matches("246"));
  EXPECT_FALSE(keeper.matches("24680"));
  EXPECT_FALSE(keeper.matches("2469"));
  EXPECT_FALSE(keeper.matches("1468"));
  EXPECT_FALSE(keeper.matches(""));
  EXPECT_FALSE(keeper.matches(std::string_view("2468\0", 5)));
}

TEST(PinKeeper, FixedAndOffDoNotRotate) {
  PinKeeper fixed(pin_config(config::PinPolicy::fixed, 4, "2468"), nullptr);
  EXPECT_FALSE(fixed.rotate());
  EXPECT_EQ(fixed.current(), "2468");
  EXPECT_TRUE(fixed.required());

  PinKeeper off(pin_config(config::PinPolicy::off), nullptr);
  EXPECT_FALSE(off.required());
  EXPECT_FALSE(off.current());
  EXPECT_FALSE(off.matches(""));
  EXPECT_FALSE(off.rotate());
}

TEST(PinKeeper, ReloadKeepsAnUnchangedRotatingPinAndAppliesAChangedPolicy) {
  std::vector<std::optional<std::string>> shown;
  PinKeeper keeper(pin_config(config::PinPolicy::rotate), [&](const auto& pin) { shown.push_back(pin); });
  const auto pin = *keeper.current();
  keeper.apply(pin_config(config::PinPolicy::rotate));
  EXPECT_EQ(keeper.current(), pin);
  EXPECT_EQ(shown.size(), 1u);
  keeper.apply(pin_config(config::PinPolicy::rotate, 8));
  EXPECT_EQ(keeper.current()->size(), 8u);
  keeper.apply(pin_config(config::PinPolicy::fixed, 4, "1357"));
  EXPECT_TRUE(keeper.matches("1357"));
  keeper.apply(pin_config(config::PinPolicy::off));
  EXPECT_FALSE(keeper.required());
  EXPECT_EQ(shown.size(), 4u);
  EXPECT_FALSE(shown.back());
}

}  // namespace
}  // namespace presentd::access

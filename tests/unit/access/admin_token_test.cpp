// SPDX-License-Identifier: Apache-2.0
// Reading the admin token file: trimmed, long enough, never echoed in an error.
#include "presentd/access/admin_token.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "support/temp_dir.hpp"

namespace presentd::access {
namespace {

TEST(AdminToken, ReadTrimmedFromItsFile) {
  test::TempDir dir;
  EXPECT_FALSE(load_admin_token(""));
  EXPECT_EQ(load_admin_token(dir.write("token", "  0123456789abcdef0123\r\n")), "0123456789abcdef0123");
}

TEST(AdminToken, ShortBlankOrMissingTokensAreRefusedWithoutEchoingThem) {
  test::TempDir dir;
  const std::vector<std::string> contents{"short-secret", "", "0123456789 abcdef0123", "0123456789abcdef\x01"};
  for (const auto& content : contents) {
    try {
      (void)load_admin_token(dir.write("token", content));
      ADD_FAILURE() << "accepted \"" << content << "\"";
    } catch (const std::runtime_error& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find("at least 16"), std::string::npos) << message;
      if (!content.empty()) {
        EXPECT_EQ(message.find(content), std::string::npos) << message;
      }
    }
  }
  EXPECT_THROW((void)load_admin_token(dir.path() / "missing"), std::runtime_error);
}

}  // namespace
}  // namespace presentd::access

// SPDX-License-Identifier: Apache-2.0
#include "presentd/common/log.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace presentd::log {
namespace {

// What one call writes to stderr: the whole line, as journald or a terminal gets it.
std::string written_line(Level level, std::string_view tag, std::string_view message, bool timestamps) {
  set_timestamps(timestamps);
  testing::internal::CaptureStderr();
  write(level, tag, message);
  std::string line = testing::internal::GetCapturedStderr();
  set_timestamps(false);
  return line;
}

TEST(Log, LineCarriesThePriorityPrefixTheTagAndTheMessage) {
  EXPECT_EQ(written_line(Level::warning, "ice", "no pair", false), "<4>[ice] no pair\n");
}

TEST(Log, TimestampIsUtcWithMillisecondsZeroPadded) {
  const std::string line = written_line(Level::info, "daemon", "ready", true);
  static const std::regex kShape(R"(<6>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[daemon\] ready\n)");
  EXPECT_TRUE(std::regex_match(line, kShape)) << line;
}

TEST(Log, NewlinesInsideAMessageStayOneJournalEntry) {
  EXPECT_EQ(written_line(Level::error, "http", "first\nsecond\r", false), "<3>[http] first second \n");
}

}  // namespace
}  // namespace presentd::log

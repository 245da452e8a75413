// SPDX-License-Identifier: Apache-2.0
// JOURNAL_STREAM handling: only the stream systemd named, on the descriptor stderr really uses,
// turns timestamps off.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "common/journal_stream.hpp"

namespace presentd::log {
namespace {

std::string stderr_device_and_inode() {
  struct stat status {};
  EXPECT_EQ(::fstat(STDERR_FILENO, &status), 0);
  return std::to_string(status.st_dev) + ":" + std::to_string(status.st_ino);
}

TEST(JournalStream, StderrIsTheJournalOnlyWhenDeviceAndInodeMatch) {
  const auto here = stderr_device_and_inode();
  EXPECT_TRUE(stderr_is_journal(here.c_str()));
  const auto other_inode = here + "1";  // same device, another inode
  EXPECT_FALSE(stderr_is_journal(other_inode.c_str()));
  EXPECT_FALSE(stderr_is_journal(nullptr));
  for (const char* malformed :
       {"", "12", "12:", ":34", "a:b", "12:34:56", "12:34x", "-", " 12:34", "+12:34", "-1:34"}) {
    EXPECT_FALSE(stderr_is_journal(malformed)) << malformed;
  }
}

}  // namespace
}  // namespace presentd::log

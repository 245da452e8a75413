// SPDX-License-Identifier: Apache-2.0
// Hostile input, class 4 (docs/reliability.md, "Hostile input"): an authenticated sender sending
// garbage after DTLS. While a GStreamer sender presents, an aiortc sender publishes with the PIN,
// completes ICE and DTLS, and then sends through its own SRTP transport what no encoder would:
// thousands of random SSRCs, RTCP with huge NACK and transport-wide feedback lists and lying
// lengths, sequence and timestamp jumps, undecodable frames and a codec switch mid-stream
// (tests/integration/hostile/garbage_media_sender.py). Its session copes or ends on its own;
// the presenter's frames never stand still and RSS and descriptors come back.
#include <gtest/gtest.h>

#include "support/hostile_daemon.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;
const std::string kGarbageSender =
    std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/hostile/garbage_media_sender.py";

class HostileMedia : public HostileInputTest {};

TEST_F(HostileMedia, GarbageAfterDtlsFromOneSenderLeavesTheOtherPresenterAlone) {
  start_presenting();
  const auto log = dir_.path() / "garbage.log";
  ChildProcess sender(
      {"/usr/bin/python3", kGarbageSender, "--url", url("/whip"), "--ca", certificate().string(), "--token", kPin}, {},
      log);
  const auto exited = sender.wait_for_exit(60s);
  const auto output = read_file(log);
  std::printf("%s\n", output.c_str());
  ASSERT_EQ(exited, 0) << output;
  EXPECT_NE(output.find("dtls connected"), std::string::npos) << output;
  for (const auto* phase : {"phase ssrcs", "phase rtcp", "phase jumps", "phase garbage", "phase switch"}) {
    EXPECT_NE(output.find(phase), std::string::npos) << phase;
  }
  // Its DELETE was answered: the session lived through its own garbage until its sender ended it.
  EXPECT_NE(output.find("deleted 200"), std::string::npos) << output;
  expect_unharmed("media after DTLS");
}

}  // namespace
}  // namespace presentd::test

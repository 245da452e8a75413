// The shipped unit file, judged by systemd's own hardening analysis.
#include <gtest/gtest.h>

#include <regex>

#include "support/child_process.hpp"

namespace presentd::test {
namespace {

const std::string kUnit = std::string(PRESENTD_SOURCE_DIR) + "/systemd/presentd.service";

TEST(SystemdUnit, ExposureScoreIsAtMostTwo) {
  const auto [code, output] = run_command({"systemd-analyze", "security", "--offline=yes", "--no-pager", kUnit});
  ASSERT_EQ(code, 0) << output;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(output, match, std::regex(R"(Overall exposure level for presentd\.service: ([0-9.]+))")))
      << output;
  const double exposure = std::stod(match[1]);
  RecordProperty("exposure", match[1]);
  std::printf("systemd-analyze security exposure: %.1f\n", exposure);
  EXPECT_LE(exposure, 2.0) << output;
}

TEST(SystemdUnit, DeclaresTheLifecycleTheDaemonImplements) {
  const auto [code, unit] = run_command({"cat", kUnit});
  ASSERT_EQ(code, 0);
  for (const char* line : {"Type=notify", "WatchdogSec=", "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure",
                           "StateDirectory=presentd", "ConfigurationDirectory=presentd", "User=presentd",
                           "AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
                           "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK"}) {
    EXPECT_NE(unit.find(line), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace presentd::test

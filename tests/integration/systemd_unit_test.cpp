// SPDX-License-Identifier: Apache-2.0
// The shipped unit file, judged by systemd's own hardening analysis.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace presentd::test {
namespace {

const std::string kUnit = std::string(PRESENTD_SOURCE_DIR) + "/systemd/presentd.service";

TEST(SystemdUnit, ExposureScoreIsAtMostTwo) {
  const auto [code, output] = run_command({"systemd-analyze", "security", "--offline=yes", "--no-pager", kUnit});
  ASSERT_EQ(code, 0) << output;
  std::smatch match;
  ASSERT_TRUE(
      std::regex_search(output, match, std::regex(R"(Overall exposure level for presentd\.service: ([0-9.]+))")))
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

// The build tree the tests run from: PRESENTD_BINARY is <build>/src/presentd.
std::filesystem::path build_directory() { return std::filesystem::path(PRESENTD_BINARY).parent_path().parent_path(); }

std::string cached_value(const std::string& key) {
  const auto cache = read_file(build_directory() / "CMakeCache.txt");
  std::smatch match;
  if (!std::regex_search(cache, match, std::regex("\\n" + key + ":[A-Z]+=([^\\n]*)"))) return {};
  return match[1];
}

TEST(Install, PutsEveryFileInItsFhsPlaceAndTheUnitStartsTheInstalledBinary) {
  const TempDir root;
  const std::filesystem::path prefix = cached_value("CMAKE_INSTALL_PREFIX");
  ASSERT_FALSE(prefix.empty());
  // GNUInstallDirs: the configuration belongs in /etc for the /usr prefix, <prefix>/etc otherwise.
  const std::filesystem::path sysconfdir = prefix == "/usr" ? std::filesystem::path("/etc") : prefix / "etc";
  const auto install = [&] {
    return run_command({"env", "DESTDIR=" + root.path().string(), "cmake", "--install", build_directory().string()});
  };
  const auto [code, output] = install();
  ASSERT_EQ(code, 0) << output;
  const auto at = [&](const std::filesystem::path& path) { return root.path() / path.relative_path(); };
  // The unit directory, as CMakeLists.txt chooses it: systemd.pc's for /usr, else under the prefix.
  std::filesystem::path unit_dir = cached_value("PRESENTD_SYSTEMD_UNIT_DIR");
  if (unit_dir.empty() && prefix == "/usr") {
    auto [pc_code, pc_output] = run_command({"pkg-config", "--variable=systemdsystemunitdir", "systemd"});
    ASSERT_EQ(pc_code, 0) << pc_output;
    unit_dir = pc_output.substr(0, pc_output.find_last_not_of('\n') + 1);
  }
  if (unit_dir.empty()) unit_dir = prefix / "lib/systemd/system";
  for (const auto& file : {prefix / "sbin/presentd", sysconfdir / "presentd/presentd.json",
                           unit_dir / "presentd.service", prefix / "lib/sysusers.d/presentd.conf",
                           prefix / "share/presentd/web/index.html", prefix / "share/man/man8/presentd.8"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(at(file))) << file << "\n" << output;
  }
  // The installed unit runs the installed binary, whatever the prefix.
  const auto unit = read_file(at(unit_dir / "presentd.service"));
  EXPECT_NE(unit.find("\nExecStart=" + (prefix / "sbin/presentd").string() + "\n"), std::string::npos) << unit;
  EXPECT_NE(unit.find("\nExecStartPre=" + (prefix / "sbin/presentd").string() + " --check-config\n"), std::string::npos)
      << unit;

  // The installed configuration is valid as shipped, and a re-install keeps the admin's edit.
  const auto config = at(sysconfdir / "presentd/presentd.json");
  const auto [check_code, check_output] =
      run_command({at(prefix / "sbin/presentd").string(), "--check-config", "--config", config.string()});
  EXPECT_EQ(check_code, 0) << check_output;
  std::ofstream(config) << "{\"room\": {\"name\": \"Edited\"}}\n";
  const auto [again_code, again_output] = install();
  ASSERT_EQ(again_code, 0) << again_output;
  EXPECT_EQ(read_file(config), "{\"room\": {\"name\": \"Edited\"}}\n");
  EXPECT_NE(again_output.find("Keeping: " + config.string()), std::string::npos) << again_output;
}

}  // namespace
}  // namespace presentd::test

// SPDX-License-Identifier: Apache-2.0
#include "support/namespace_daemon.hpp"

#include <signal.h>

#include "support/https_client.hpp"
#include "support/sanitizer_build.hpp"

namespace presentd::test {

std::filesystem::path write_namespace_daemon_config(const TempDir& dir, const PrivateNetwork& network,
                                                    const NamespaceDaemonOptions& options,
                                                    const NamespaceDaemonScreen& screen) {
  std::string admin;
  if (options.extra_sections.find("\"admin\"") == std::string::npos) {
    admin = R"("admin": {"token_file": ")" + dir.write("admin-token", kNamespaceAdminToken).string() + R"("},)";
  }
  return dir.write("presentd.json", R"({)" + options.extra_sections + admin + R"(
      "network": {"bind_address": ")" + network.box_address +
                                        R"(", "https_port": )" + std::to_string(options.port) + R"(},
      "pin": {"policy": "fixed", "length": )" +
                                        std::to_string(options.pin.size()) + R"(, "fixed": ")" + options.pin + R"("},
      "display": )" + screen.display_section +
                                        R"(,
      "discovery": {"presentd_service": false, "https_service": false},
      "daemon": {"state_directory": ")" +
                                        (dir.path() / "state").string() + R"(", "log_level": "debug",
                 "web_root": ")" PRESENTD_SOURCE_DIR R"(/web"}
    })");
}

nlohmann::json admin_status(const TempDir& dir, const PrivateNetwork& network, unsigned short port) {
  const auto result = https_request("GET", network.box_address, port, "/api/v1/admin/status",
                                    dir.path() / "state/tls/https-certificate.pem", {},
                                    {{"Authorization", std::string("Bearer ") + kNamespaceAdminToken}});
  return nlohmann::json::parse(result.body, nullptr, false);
}

std::unique_ptr<ChildProcess> start_namespace_daemon(const TempDir& dir, NotifySocket& notify,
                                                     const PrivateNetwork& network,
                                                     const NamespaceDaemonOptions& options,
                                                     const NamespaceDaemonScreen& screen) {
  const auto config = write_namespace_daemon_config(dir, network, options, screen);
  auto environment = screen.environment;
  environment.emplace("NOTIFY_SOCKET", notify.path().string());
  environment.emplace("SDL_AUDIODRIVER", "dummy");
  auto daemon = std::make_unique<ChildProcess>(std::vector<std::string>{PRESENTD_BINARY, "--config", config.string()},
                                               environment, dir.path() / "presentd.log");
  if (!notify.wait_for("READY=1", std::chrono::seconds(20))) return nullptr;
  return daemon;
}

void NamespaceDaemonTest::start_daemon(const NamespaceDaemonOptions& options, const NamespaceDaemonScreen& screen) {
  std::string why;
  network_ = enter_private_network(why);
  ASSERT_TRUE(network_) << why;
  daemon_ = start_namespace_daemon(dir_, notify_, *network_, options, screen);
  ASSERT_TRUE(daemon_) << read_file(dir_.path() / "presentd.log");
}

void NamespaceDaemonTest::TearDown() {
  if (daemon_ && daemon_->running()) {
    daemon_->signal(SIGTERM);
    EXPECT_EQ(daemon_->wait_for_exit(daemon_stop_bound(std::chrono::seconds(3))), 0) << "presentd did not stop cleanly";
  }
  if (HasFailure()) std::printf("--- presentd log ---\n%s\n", read_file(dir_.path() / "presentd.log").c_str());
}

}  // namespace presentd::test

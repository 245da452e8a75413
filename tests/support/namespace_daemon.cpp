#include "support/namespace_daemon.hpp"

namespace presentd::test {

std::unique_ptr<ChildProcess> start_namespace_daemon(const TempDir& dir, NotifySocket& notify,
                                                     const PrivateNetwork& network,
                                                     const NamespaceDaemonOptions& options) {
  const auto config = dir.write("presentd.json", R"({)" + options.extra_sections + R"(
      "network": {"bind_address": ")" + network.box_address + R"(", "https_port": )" + std::to_string(options.port) + R"(},
      "pin": {"policy": "fixed", "fixed": ")" + options.pin + R"("},
      "display": {"driver": "dummy"},
      "discovery": {"presentd_service": false, "https_service": false},
      "daemon": {"state_directory": ")" + (dir.path() / "state").string() + R"(", "log_level": "debug",
                 "web_root": ")" PRESENTD_SOURCE_DIR R"(/web"}
    })");
  auto daemon = std::make_unique<ChildProcess>(
      std::vector<std::string>{PRESENTD_BINARY, "--config", config.string()},
      std::map<std::string, std::string>{{"NOTIFY_SOCKET", notify.path().string()}, {"SDL_AUDIODRIVER", "dummy"}},
      dir.path() / "presentd.log");
  if (!notify.wait_for("READY=1", std::chrono::seconds(20))) return nullptr;
  return daemon;
}

}  // namespace presentd::test

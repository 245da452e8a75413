// SPDX-License-Identifier: Apache-2.0
#include "app/command_line.hpp"

#include <string_view>

#include "presentd/common/build_info.hpp"

namespace presentd::app {

std::variant<CommandLine, std::string> parse_command_line(int argc, const char* const* argv) {
  CommandLine command_line;
  command_line.config.path = build::kDefaultConfigPath;
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    if (argument == "--config" || argument == "-c") {
      if (i + 1 >= argc) return std::string("--config needs a file path");
      command_line.config = ConfigSource{argv[++i], true};
    } else if (argument.starts_with("--config=")) {
      command_line.config = ConfigSource{std::string(argument.substr(9)), true};
    } else if (argument == "--check-config" || argument == "-t") {
      command_line.action = Action::check_config;
    } else if (argument == "--print-config") {
      command_line.action = Action::print_config;
    } else if (argument == "--help" || argument == "-h") {
      command_line.action = Action::help;
    } else if (argument == "--version" || argument == "-V") {
      command_line.action = Action::version;
    } else {
      return "unknown argument \"" + std::string(argument) + "\"";
    }
  }
  if (command_line.config.path.empty()) return std::string("--config needs a file path");
  return command_line;
}

const char* usage_text() {
  return "Usage: presentd [--config FILE] [--check-config | --print-config | --help | --version]\n"
         "\n"
         "Wireless-presentation receiver: shows screens shared from browsers and WHIP senders.\n"
         "\n"
         "  -c, --config FILE   configuration file (default /etc/presentd/presentd.json;\n"
         "                      without it the built-in defaults apply)\n"
         "  -t, --check-config  validate the configuration and exit (0: ok, 1: problems)\n"
         "      --print-config  print the effective configuration, secrets masked\n"
         "  -V, --version       print the version\n"
         "\n"
         "Signals: SIGHUP reloads the configuration, SIGTERM/SIGINT stop the daemon.\n";
}

}  // namespace presentd::app

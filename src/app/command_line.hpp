// SPDX-License-Identifier: Apache-2.0
#pragma once
// presentd's command line: what to do and which configuration file to use.
#include <string>
#include <variant>

namespace presentd::app {

enum class Action { run, check_config, print_config, help, version };

struct ConfigSource {
  std::string path;
  // The default path may be absent (built-in defaults); a path the admin chose must exist.
  bool chosen_explicitly = false;
};

struct CommandLine {
  Action action = Action::run;
  ConfigSource config;
};

// Returns the parsed command line, or an error message for the user.
std::variant<CommandLine, std::string> parse_command_line(int argc, const char* const* argv);
const char* usage_text();

}  // namespace presentd::app

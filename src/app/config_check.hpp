// SPDX-License-Identifier: Apache-2.0
#pragma once
// Loads the configuration for start, reload and --check-config alike, so all three accept and
// refuse exactly the same files. Beyond the schema, it loads configured TLS files (PEM, key
// matches certificate), as `nginx -t` does.
#include <string>
#include <vector>

#include "app/command_line.hpp"
#include "presentd/config/config.hpp"

namespace presentd::app {

struct CheckedConfig {
  config::Config config;
  std::vector<std::string> problems;  // formatted "file:line: /pointer: message"
  bool file_found = true;
  bool ok() const { return problems.empty(); }
};

CheckedConfig load_and_check(const ConfigSource& source);

// --check-config and --print-config: print to stdout/stderr, return the exit code.
int run_check_config(const ConfigSource& source);
int run_print_config(const ConfigSource& source);

}  // namespace presentd::app

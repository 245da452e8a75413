// SPDX-License-Identifier: Apache-2.0
// presentd: wireless-presentation receiver daemon. Everything lives in presentd_core; main only
// reads the command line and hands over.
#include <cstdio>
#include <exception>
#include <variant>

#include "app/command_line.hpp"
#include "app/config_check.hpp"
#include "app/daemon.hpp"
#include "presentd/common/build_info.hpp"
#include "presentd/common/log.hpp"

int main(int argc, char** argv) {
  using namespace presentd;
  log::configure_for_environment();
  auto parsed = app::parse_command_line(argc, argv);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    std::fprintf(stderr, "presentd: %s\n\n%s", error->c_str(), app::usage_text());
    return 2;
  }
  const auto& command_line = std::get<app::CommandLine>(parsed);
  switch (command_line.action) {
    case app::Action::help: std::fputs(app::usage_text(), stdout); return 0;
    case app::Action::version: std::printf("presentd %s\n", build::kVersion); return 0;
    case app::Action::check_config: return app::run_check_config(command_line.config);
    case app::Action::print_config: return app::run_print_config(command_line.config);
    case app::Action::run: break;
  }
  try {
    app::Daemon daemon(command_line.config);
    return daemon.run();
  } catch (const std::exception& error) {
    PD_LOG(error, "daemon") << "fatal: " << error.what();
    return 1;
  }
}

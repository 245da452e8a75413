// SPDX-License-Identifier: Apache-2.0
// presentd: wireless-presentation receiver daemon. Everything lives in the module libraries
// (app wires them); main only reads the command line and hands over.
#include <cstdio>
#include <exception>
#include <string>
#include <variant>

#include "app/command_line.hpp"
#include "app/config_check.hpp"
#include "app/daemon.hpp"
#include "presentd/common/build_info.hpp"
#include "presentd/common/log.hpp"

namespace {

// Like other command-line tools, output that cannot be written (stdout closed, /dev/full, a full
// disk) is a failure: stdout is buffered, so only the flush can tell.
int print(const char* text) { return std::fputs(text, stdout) >= 0 && std::fflush(stdout) == 0 ? 0 : 1; }

// The same for a command that printed on its own: a success whose output was lost is a failure.
int flushed(int status) {
  const bool written = std::fflush(stdout) == 0 && std::ferror(stdout) == 0;
  return status == 0 && !written ? 1 : status;
}

int run_command(int argc, char** argv) {
  using namespace presentd;
  auto parsed = app::parse_command_line(argc, argv);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    (void)std::fprintf(stderr, "presentd: %s\n\n%s", error->c_str(), app::usage_text());
    return 2;
  }
  const auto& command_line = std::get<app::CommandLine>(parsed);
  switch (command_line.action) {
    case app::Action::help: return print(app::usage_text());
    case app::Action::version: return print((std::string("presentd ") + build::kVersion + "\n").c_str());
    case app::Action::check_config: return flushed(app::run_check_config(command_line.config));
    case app::Action::print_config: return flushed(app::run_print_config(command_line.config));
    case app::Action::run: break;
  }
  app::Daemon daemon(command_line.config);
  return daemon.run();
}

}  // namespace

int main(int argc, char** argv) {
  presentd::log::configure_for_environment();
  // What reaches here is the daemon's own failure to start (a port it cannot bind, a state
  // directory it cannot write): the network's input is contained long before (issue 12).
  try {
    return run_command(argc, argv);
  } catch (const std::exception& error) {
    PD_LOG(error, "daemon") << "fatal: " << error.what();
    return 1;
  }
}

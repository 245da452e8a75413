// SPDX-License-Identifier: Apache-2.0
#pragma once
// Starts a program as a child with extra environment variables and its stderr captured to a
// file, so tests can drive the real daemon binary with signals. The child is killed when the
// thread that started it exits, so start children from the test's own thread.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace presentd::test {

class ChildProcess {
public:
  ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env,
               const std::filesystem::path& stderr_file);
  ~ChildProcess();  // kills (SIGKILL) and reaps a child that is still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int signal_number) const;
  bool running();
  // Exit status (WEXITSTATUS) if the child exits within `timeout`; nullopt otherwise or when it
  // was killed by a signal.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);

private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

// Runs a command to completion and returns {exit code, stdout+stderr}.
std::pair<int, std::string> run_command(const std::vector<std::string>& argv);

}  // namespace presentd::test

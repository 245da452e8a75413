// SPDX-License-Identifier: Apache-2.0
#pragma once
// Dante (danted) as a SOCKS5 proxy for tests, with username/password authentication.
//
// Dante checks SOCKS usernames against the system's password database. Rather than add a user
// to the machine, the test runs danted in a mount namespace of its own where copies of
// /etc/passwd and /etc/shadow with one extra user are bind-mounted over the originals: the
// user exists for danted only and disappears with it. Stopped when destroyed.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "support/child_process.hpp"

namespace presentd::test {

class DanteProxy {
public:
  DanteProxy(const std::filesystem::path& directory, const std::string& address, std::uint16_t port,
             const std::string& username, const std::string& password);
  ~DanteProxy();
  DanteProxy(const DanteProxy&) = delete;
  DanteProxy& operator=(const DanteProxy&) = delete;

  bool ready() const { return ready_; }
  std::string log() const;

private:
  std::filesystem::path directory_;
  std::unique_ptr<ChildProcess> process_;
  bool ready_ = false;
};

}  // namespace presentd::test

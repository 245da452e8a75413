// SPDX-License-Identifier: Apache-2.0
#pragma once
// squid as an HTTP CONNECT proxy for tests: a generated squid.conf (no cache, no disk store),
// Basic authentication against an htpasswd file made here, listening on address:port, any
// CONNECT port allowed. Stopped when destroyed.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "support/child_process.hpp"

namespace presentd::test {

class SquidProxy {
public:
  SquidProxy(const std::filesystem::path& directory, const std::string& address, std::uint16_t port,
             const std::string& username, const std::string& password);
  ~SquidProxy();
  SquidProxy(const SquidProxy&) = delete;
  SquidProxy& operator=(const SquidProxy&) = delete;

  bool ready() const { return ready_; }
  std::string access_log() const;  // one line per request: "... CONNECT host:port user ..."
  std::string cache_log() const;

private:
  std::filesystem::path logs_;
  std::unique_ptr<ChildProcess> process_;
  bool ready_ = false;
};

}  // namespace presentd::test

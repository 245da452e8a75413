// SPDX-License-Identifier: Apache-2.0
#pragma once
// A stand-in for systemd's notification socket: a datagram socket the test binds and passes to
// the daemon as NOTIFY_SOCKET, so the real sd_notify messages can be read back.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace presentd::test {

class NotifySocket {
public:
  explicit NotifySocket(const std::filesystem::path& path);
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The next datagram, or nullopt after `timeout`.
  std::optional<std::string> receive(std::chrono::milliseconds timeout);
  // Reads datagrams until one contains `needle`; returns it, or nullopt after `timeout`.
  std::optional<std::string> wait_for(const std::string& needle, std::chrono::milliseconds timeout);

private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace presentd::test

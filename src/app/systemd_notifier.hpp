// SPDX-License-Identifier: Apache-2.0
#pragma once
// Talks to systemd through sd_notify: readiness, reloads, stopping and the watchdog. Outside
// systemd (no NOTIFY_SOCKET) every call is a no-op, so the daemon runs the same by hand.
// Thread: event loop. The watchdog is fed from a timer on that loop, so a hung loop stops
// feeding it and systemd restarts the daemon.
#include <chrono>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace presentd::app {

class SystemdNotifier {
public:
  explicit SystemdNotifier(boost::asio::io_context& io) : timer_(io) {}

  void ready(std::string_view status);
  void reloading();
  void stopping();
  void status(std::string_view text);

  // Starts feeding WATCHDOG=1 at half the interval systemd asked for (WatchdogSec=).
  void start_watchdog();
  void stop_watchdog();

private:
  void schedule_watchdog();

  boost::asio::steady_timer timer_;
  std::chrono::microseconds interval_{0};
};

}  // namespace presentd::app

// SPDX-License-Identifier: Apache-2.0
#include "app/systemd_notifier.hpp"

#include <ctime>
#include <string>

#include <systemd/sd-daemon.h>

#include "presentd/common/log.hpp"

namespace presentd::app {
namespace {

void notify(const std::string& message) {
  // sd_notify returns 0 when NOTIFY_SOCKET is unset: running by hand is not an error.
  if (sd_notify(0, message.c_str()) < 0) PD_LOG(warning, "systemd") << "sd_notify failed";
}

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = (c == '\n') ? ' ' : c;
  return out;
}

}  // namespace

void SystemdNotifier::ready(std::string_view status_text) { notify("READY=1\nSTATUS=" + one_line(status_text)); }

void SystemdNotifier::reloading() {
  // MONOTONIC_USEC lets systemd (253+) match this reload to the request that caused it.
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
  notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=Reloading configuration");
}

void SystemdNotifier::stopping() { notify("STOPPING=1\nSTATUS=Stopping"); }

void SystemdNotifier::status(std::string_view text) { notify("STATUS=" + one_line(text)); }

void SystemdNotifier::start_watchdog() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  interval_ = std::chrono::microseconds(usec / 2);
  PD_LOG(info, "systemd") << "feeding the watchdog every " << interval_.count() / 1000 << " ms";
  notify("WATCHDOG=1");
  schedule_watchdog();
}

void SystemdNotifier::schedule_watchdog() {
  timer_.expires_after(interval_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    notify("WATCHDOG=1");
    schedule_watchdog();
  });
}

void SystemdNotifier::stop_watchdog() { timer_.cancel(); }

}  // namespace presentd::app

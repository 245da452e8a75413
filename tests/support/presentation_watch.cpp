// SPDX-License-Identifier: Apache-2.0
#include "support/presentation_watch.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace presentd::test {

PresentationWatch::PresentationWatch(std::function<std::optional<long>()> read_frames)
    : read_frames_(std::move(read_frames)), thread_([this] { run(); }) {}

PresentationWatch::~PresentationWatch() { stop(); }

PresentationWatchResult PresentationWatch::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  return result_;
}

void PresentationWatch::run() {
  using Clock = std::chrono::steady_clock;
  std::optional<long> held;  // the count seen standing still since `held_since`
  Clock::time_point held_since{}, last_reading = Clock::now();
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    const auto frames = read_frames_();
    const auto now = Clock::now();
    const auto since = [now](Clock::time_point then) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(now - then);
    };
    {
      std::lock_guard lock(mutex_);
      if (!frames) {
        ++result_.failed_readings;
      } else {
        if (result_.readings++ == 0) result_.first = *frames;
        result_.last = *frames;
        result_.longest_blind = std::max(result_.longest_blind, since(last_reading));
        last_reading = now;
        if (!held || *frames != *held) {
          held = frames;
          held_since = now;
        } else {
          result_.longest_standstill = std::max(result_.longest_standstill, since(held_since));
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

long resident_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      long kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(4096, '\n');
  }
  return 0;
}

int open_descriptors(int pid) {
  std::error_code error;
  int count = 0;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", error), end; !error && it != end;
       it.increment(error)) {
    ++count;
  }
  return error ? -1 : count;
}

}  // namespace presentd::test

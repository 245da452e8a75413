// SPDX-License-Identifier: Apache-2.0
#include "presentd/common/log.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "common/journal_stream.hpp"

namespace presentd::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<bool> g_timestamps{true};

void append_timestamp(std::string& line) {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t seconds = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 32> buffer{};
  const auto length = std::strftime(buffer.data(), buffer.size(), "%Y-%m-%dT%H:%M:%S", &utc);
  line.append(buffer.data(), length);
  const auto ms = static_cast<int>(millis);
  line += '.';
  line += static_cast<char>('0' + ms / 100);
  line += static_cast<char>('0' + ms / 10 % 10);
  line += static_cast<char>('0' + ms % 10);
  line += "Z ";
}

}  // namespace

void set_level(Level level) { g_level.store(level, std::memory_order_relaxed); }
Level level() { return g_level.load(std::memory_order_relaxed); }
void set_timestamps(bool on) { g_timestamps.store(on, std::memory_order_relaxed); }

void configure_for_environment() {
  // journald stamps every line itself; doubling the timestamp only makes lines longer.
  // Called once at start, before any other thread: getenv's lack of thread safety cannot bite.
  set_timestamps(!stderr_is_journal(std::getenv("JOURNAL_STREAM")));  // NOLINT(concurrency-mt-unsafe)
}

void write(Level level, std::string_view tag, std::string_view message) {
  std::string line;
  line.reserve(message.size() + tag.size() + 40);
  line += '<';
  line += static_cast<char>('0' + static_cast<int>(level));
  line += '>';
  if (g_timestamps.load(std::memory_order_relaxed)) append_timestamp(line);
  line += '[';
  line += tag;
  line += "] ";
  // A message must stay one journal entry: newlines inside it would split it and lose the prefix.
  for (char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
  line += '\n';
  // One fwrite per line keeps lines from different threads from interleaving.
  // A log line that cannot be written has nowhere else to be reported.
  (void)std::fwrite(line.data(), 1, line.size(), stderr);
  (void)std::fflush(stderr);
}

}  // namespace presentd::log

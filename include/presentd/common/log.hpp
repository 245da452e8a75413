// SPDX-License-Identifier: Apache-2.0
#pragma once
// One logging facade for the whole daemon. Thread-safe: any thread may log.
//
// Lines go to stderr with a syslog priority prefix ("<6>") so journald keeps the level, and a
// module tag. Timestamps are added only when stderr is not the journal (journald stamps lines
// itself). Never pass secrets (keys, PINs, passwords, tokens) to the logger.
#include <array>
#include <atomic>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace presentd::log {

// Numeric values are the syslog priorities that prefix each line.
enum class Level : int { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

// The names the configuration uses for each level (config_schema.hpp reads this table).
inline constexpr std::array<std::pair<std::string_view, Level>, 5> kLevelNames{{
    {"error", Level::error},
    {"warning", Level::warning},
    {"notice", Level::notice},
    {"info", Level::info},
    {"debug", Level::debug},
}};

void set_level(Level level);
Level level();
inline bool enabled(Level l) { return static_cast<int>(l) <= static_cast<int>(level()); }

// Timestamps are on by default and switched off automatically when stderr is the journal.
void set_timestamps(bool on);
void configure_for_environment();

void write(Level level, std::string_view tag, std::string_view message);

// Collects one line and writes it when destroyed; built only when the level is enabled.
class LineBuilder {
public:
  LineBuilder(Level level, std::string_view tag) : level_(level), tag_(tag) {}
  LineBuilder(const LineBuilder&) = delete;
  LineBuilder& operator=(const LineBuilder&) = delete;
  ~LineBuilder() { write(level_, tag_, stream_.view()); }
  template <class T>
  LineBuilder& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

private:
  Level level_;
  std::string_view tag_;
  std::ostringstream stream_;
};

}  // namespace presentd::log

// Usage: PD_LOG(info, "config") << "loaded " << path;
// The stream expression is not evaluated when the level is disabled. A one-pass for loop (not
// an if/else) so the macro is safe inside an unbraced if.
#define PD_LOG(lvl, tag)                                                                                              \
  for (bool pd_log_once_ = ::presentd::log::enabled(::presentd::log::Level::lvl); pd_log_once_; pd_log_once_ = false) \
  ::presentd::log::LineBuilder(::presentd::log::Level::lvl, (tag))

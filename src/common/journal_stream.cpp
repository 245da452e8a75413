// SPDX-License-Identifier: Apache-2.0
#include "common/journal_stream.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <optional>
#include <string_view>

namespace presentd::log {
namespace {

// A decimal number filling all of `text`, nothing else (no sign, no blanks).
std::optional<unsigned long long> whole_number(std::string_view text) {
  unsigned long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

bool stderr_is_journal(const char* journal_stream) {
  if (journal_stream == nullptr) return false;
  const std::string_view text(journal_stream);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  const auto device = whole_number(text.substr(0, colon));
  const auto inode = whole_number(text.substr(colon + 1));
  if (!device || !inode) return false;
  struct stat status {};
  if (::fstat(STDERR_FILENO, &status) != 0) return false;
  return static_cast<unsigned long long>(status.st_dev) == *device &&
         static_cast<unsigned long long>(status.st_ino) == *inode;
}

}  // namespace presentd::log

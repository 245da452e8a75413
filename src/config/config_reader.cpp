// SPDX-License-Identifier: Apache-2.0
#include "config/config_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>

#include "config/json_line_map.hpp"
#include "presentd/common/errno_text.hpp"

namespace presentd::config {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

const nlohmann::json* ConfigReader::find(std::string_view key) {
  known_keys_.emplace(key);
  const auto it = object_.find(std::string(key));
  return it == object_.end() ? nullptr : &*it;
}

std::string ConfigReader::member_pointer(std::string_view key) const {
  return pointer_ + "/" + escape_pointer_token(key);
}

void ConfigReader::report(std::string_view key, std::string message) {
  problems_.push_back(Problem{0, member_pointer(key), std::move(message)});
}

const std::string* ConfigReader::find_string(std::string_view key) {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return nullptr;
  if (!value->is_string()) {
    report(key, "must be a string");
    return nullptr;
  }
  return &value->get_ref<const std::string&>();
}

void ConfigReader::text(std::string_view key, std::string& out, TextRule rule) {
  const std::string* text = find_string(key);
  if (text == nullptr) return;
  if (rule != nullptr) {
    if (auto error = rule(*text)) return report(key, *error);
  }
  out = *text;
}

void ConfigReader::text_list(std::string_view key, std::vector<std::string>& out, TextRule rule) {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return;
  if (!value->is_array()) return report(key, "must be an array of strings");
  std::vector<std::string> items;
  bool ok = true;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const auto pointer = member_pointer(key) + "/" + std::to_string(i);
    const auto& item = (*value)[i];
    if (!item.is_string()) {
      problems_.push_back(Problem{0, pointer, "must be a string"});
      ok = false;
      continue;
    }
    if (rule != nullptr) {
      if (auto error = rule(item.get_ref<const std::string&>())) {
        problems_.push_back(Problem{0, pointer, *error});
        ok = false;
        continue;
      }
    }
    items.push_back(item.get<std::string>());
  }
  if (ok) out = std::move(items);
}

void ConfigReader::readable_file(std::string_view key, std::string& out) {
  const std::string* path = find_string(key);
  if (path == nullptr) return;
  if (!path->empty() && !std::ifstream(*path, std::ios::binary)) {
    return report(key, "cannot read \"" + *path + "\": " + errno_text(errno));
  }
  out = *path;
}

void ConfigReader::integer(std::string_view key, int& out, IntRange range) {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return;
  if (!value->is_number_integer()) return report(key, "must be an integer");
  const bool is_negative = value->is_number_unsigned() ? false : value->get<long long>() < 0;
  const long long number =
      is_negative ? value->get<long long>()
                  : static_cast<long long>(std::min<unsigned long long>(value->get<unsigned long long>(), 1ULL << 40));
  if (number < range.min || number > range.max) {
    return report(key, "must be " + std::to_string(range.min) + ".." + std::to_string(range.max));
  }
  out = static_cast<int>(number);
}

void ConfigReader::flag(std::string_view key, bool& out) {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return;
  if (!value->is_boolean()) return report(key, "must be true or false");
  out = value->get<bool>();
}

void ConfigReader::report_unknown_keys() {
  for (const auto& [key, value] : object_.items()) {
    if (known_keys_.contains(key)) continue;
    std::string message = "unknown key";
    std::string_view best;
    std::size_t best_distance = 3;  // suggest only close typos
    for (const auto& known : known_keys_) {
      const auto distance = edit_distance(key, known);
      if (distance < best_distance) {
        best_distance = distance;
        best = known;
      }
    }
    if (!best.empty()) message += " (did you mean \"" + std::string(best) + "\"?)";
    problems_.push_back(Problem{0, member_pointer(key), message});
  }
}

}  // namespace presentd::config

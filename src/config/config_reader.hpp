// SPDX-License-Identifier: Apache-2.0
#pragma once
// The schema visitor that reads one JSON object into a config struct and records problems with
// their JSON pointers. Used by config_loader.cpp only.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "presentd/config/config_loader.hpp"
#include "presentd/config/config_schema.hpp"

namespace presentd::config {

class ConfigReader {
public:
  ConfigReader(const nlohmann::json& object, std::string pointer, std::vector<Problem>& problems)
      : object_(object), pointer_(std::move(pointer)), problems_(problems) {}

  template <class Section>
  void section(std::string_view key, Section& out) {
    const nlohmann::json* value = find(key);
    if (value == nullptr) return;
    if (!value->is_object()) return report(key, "must be an object");
    ConfigReader child(*value, member_pointer(key), problems_);
    describe(child, out);
    child.report_unknown_keys();
  }

  void text(std::string_view key, std::string& out, TextRule rule);
  // A JSON array of strings, each checked with `rule` (problems point at the item).
  void text_list(std::string_view key, std::vector<std::string>& out, TextRule rule);
  void secret(std::string_view key, std::string& out, TextRule rule) { text(key, out, rule); }
  void readable_file(std::string_view key, std::string& out);
  void integer(std::string_view key, int& out, IntRange range);
  void flag(std::string_view key, bool& out);

  template <class Enum, std::size_t N>
  void choice(std::string_view key, Enum& out, const EnumNames<Enum, N>& names) {
    const nlohmann::json* value = find(key);
    if (value == nullptr) return;
    if (value->is_string()) {
      for (const auto& [name, candidate] : names) {
        if (name == value->get_ref<const std::string&>()) {
          out = candidate;
          return;
        }
      }
    }
    std::string message = "must be one of";
    for (std::size_t i = 0; i < N; ++i) message += (i == 0 ? " \"" : ", \"") + std::string(names[i].first) + "\"";
    report(key, message);
  }

  // A JSON array of distinct names from `names`, at least one.
  template <class Enum, std::size_t N>
  void choice_list(std::string_view key, std::vector<Enum>& out, const EnumNames<Enum, N>& names) {
    const nlohmann::json* value = find(key);
    if (value == nullptr) return;
    std::string allowed;
    for (std::size_t i = 0; i < N; ++i) allowed += (i == 0 ? "\"" : ", \"") + std::string(names[i].first) + "\"";
    if (!value->is_array() || value->empty()) return report(key, "must be a non-empty array of " + allowed);
    std::vector<Enum> chosen;
    for (const auto& item : *value) {
      const auto match = std::find_if(names.begin(), names.end(), [&](const auto& entry) {
        return item.is_string() && entry.first == item.template get_ref<const std::string&>();
      });
      if (match == names.end()) return report(key, "must be a non-empty array of " + allowed);
      if (std::find(chosen.begin(), chosen.end(), match->second) != chosen.end()) {
        return report(key, "names \"" + std::string(match->first) + "\" twice");
      }
      chosen.push_back(match->second);
    }
    out = chosen;
  }

  // A JSON array of objects, each read with describe(child, Item&) and its own unknown-key check.
  template <class Item>
  void object_list(std::string_view key, std::vector<Item>& out) {
    const nlohmann::json* value = find(key);
    if (value == nullptr) return;
    if (!value->is_array()) return report(key, "must be an array of objects");
    std::vector<Item> items;
    for (std::size_t i = 0; i < value->size(); ++i) {
      const auto pointer = member_pointer(key) + "/" + std::to_string(i);
      if (!(*value)[i].is_object()) {
        problems_.push_back(Problem{0, pointer, "must be an object"});
        continue;
      }
      ConfigReader child((*value)[i], pointer, problems_);
      Item item;
      describe(child, item);
      child.report_unknown_keys();
      items.push_back(std::move(item));
    }
    out = std::move(items);
  }

  void report_unknown_keys();

private:
  const nlohmann::json* find(std::string_view key);
  const std::string* find_string(std::string_view key);  // reports a non-string value
  std::string member_pointer(std::string_view key) const;
  void report(std::string_view key, std::string message);

  const nlohmann::json& object_;
  std::string pointer_;
  std::vector<Problem>& problems_;
  std::set<std::string, std::less<>> known_keys_;
};

}  // namespace presentd::config

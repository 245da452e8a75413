// SPDX-License-Identifier: Apache-2.0
// --print-config and the key list: two more visitors over config_schema.hpp.
#include <nlohmann/json.hpp>

#include "presentd/config/config_loader.hpp"
#include "presentd/config/config_schema.hpp"

namespace presentd::config {
namespace {

class ConfigPrinter {
public:
  explicit ConfigPrinter(nlohmann::ordered_json& out) : out_(out) {}

  template <class Section>
  void section(std::string_view key, Section& value) {
    nlohmann::ordered_json child = nlohmann::ordered_json::object();
    ConfigPrinter printer(child);
    describe(printer, value);
    out_[std::string(key)] = std::move(child);
  }
  void text(std::string_view key, std::string& value, TextRule) { out_[std::string(key)] = value; }
  void text_list(std::string_view key, std::vector<std::string>& values, TextRule) { out_[std::string(key)] = values; }
  void secret(std::string_view key, std::string& value, TextRule) {
    // Masked, but an admin still sees whether one is set.
    out_[std::string(key)] = value.empty() ? "" : "********";
  }
  void readable_file(std::string_view key, std::string& value) { out_[std::string(key)] = value; }
  void integer(std::string_view key, int& value, IntRange) { out_[std::string(key)] = value; }
  void flag(std::string_view key, bool& value) { out_[std::string(key)] = value; }
  template <class Enum, std::size_t N>
  void choice(std::string_view key, Enum& value, const EnumNames<Enum, N>& names) {
    for (const auto& [name, candidate] : names) {
      if (candidate == value) out_[std::string(key)] = name;
    }
  }
  template <class Enum, std::size_t N>
  void choice_list(std::string_view key, std::vector<Enum>& values, const EnumNames<Enum, N>& names) {
    auto list = nlohmann::ordered_json::array();
    for (const auto value : values) {
      for (const auto& [name, candidate] : names) {
        if (candidate == value) list.push_back(name);
      }
    }
    out_[std::string(key)] = list;
  }

  template <class Item>
  void object_list(std::string_view key, std::vector<Item>& items) {
    auto list = nlohmann::ordered_json::array();
    for (auto& item : items) {
      nlohmann::ordered_json child = nlohmann::ordered_json::object();
      ConfigPrinter printer(child);
      describe(printer, item);
      list.push_back(std::move(child));
    }
    out_[std::string(key)] = std::move(list);
  }

private:
  nlohmann::ordered_json& out_;
};

class KeyLister {
public:
  KeyLister(std::vector<std::string>& keys, std::string prefix) : keys_(keys), prefix_(std::move(prefix)) {}

  template <class Section>
  void section(std::string_view key, Section& value) {
    KeyLister child(keys_, prefix_ + "/" + std::string(key));
    describe(child, value);
  }
  void text(std::string_view key, std::string&, TextRule) { add(key); }
  void text_list(std::string_view key, std::vector<std::string>&, TextRule) { add(key); }
  void secret(std::string_view key, std::string&, TextRule) { add(key); }
  void readable_file(std::string_view key, std::string&) { add(key); }
  void integer(std::string_view key, int&, IntRange) { add(key); }
  void flag(std::string_view key, bool&) { add(key); }
  template <class Enum, std::size_t N>
  void choice(std::string_view key, Enum&, const EnumNames<Enum, N>&) {
    add(key);
  }
  template <class Enum, std::size_t N>
  void choice_list(std::string_view key, std::vector<Enum>&, const EnumNames<Enum, N>&) {
    add(key);
  }

  // The list itself is the documented key (its default is empty); config/presentd.json
  // describes the members of an item in a comment.
  template <class Item>
  void object_list(std::string_view key, std::vector<Item>&) {
    add(key);
  }

private:
  void add(std::string_view key) { keys_.push_back(prefix_ + "/" + std::string(key)); }
  std::vector<std::string>& keys_;
  std::string prefix_;
};

}  // namespace

std::string print_config(const Config& config) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  ConfigPrinter printer(out);
  Config copy = config;  // the visitors take mutable references; printing must not change state
  describe(printer, copy);
  return out.dump(2) + "\n";
}

std::vector<std::string> list_config_keys() {
  std::vector<std::string> keys;
  KeyLister lister(keys, "");
  Config defaults;
  describe(lister, defaults);
  return keys;
}

}  // namespace presentd::config

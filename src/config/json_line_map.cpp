// SPDX-License-Identifier: Apache-2.0
#include "config/json_line_map.hpp"

#include <vector>

namespace presentd::config {
namespace {

struct Container {
  bool is_object;
  std::string pointer;
  std::size_t next_index = 0;  // arrays: index of the next element
  bool expecting_key = true;   // objects: a key comes next
  std::string member_pointer;  // objects: pointer of the member whose value comes next
};

class Scanner {
public:
  Scanner(std::string_view text, std::map<std::string, int, std::less<>>& lines) : text_(text), lines_(lines) {}

  void run() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == ':') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < text_.size() && (text_[pos_ + 1] == '/' || text_[pos_ + 1] == '*')) {
        skip_comment();
      } else if (c == ',') {
        on_comma();
        ++pos_;
      } else if (c == '}' || c == ']') {
        if (!stack_.empty()) stack_.pop_back();
        ++pos_;
      } else if (c == '"' && !stack_.empty() && stack_.back().is_object && stack_.back().expecting_key) {
        const int key_line = line_;
        const std::string key = read_string();
        auto& object = stack_.back();
        object.member_pointer = object.pointer + "/" + escape_pointer_token(key);
        object.expecting_key = false;
        lines_.emplace(object.member_pointer, key_line);
      } else {
        on_value_start();
      }
    }
  }

private:
  void on_comma() {
    if (stack_.empty()) return;
    auto& top = stack_.back();
    if (top.is_object)
      top.expecting_key = true;
    else
      ++top.next_index;
  }

  void on_value_start() {
    std::string pointer;
    if (!stack_.empty()) {
      const auto& top = stack_.back();
      pointer = top.is_object ? top.member_pointer : top.pointer + "/" + std::to_string(top.next_index);
    }
    lines_.emplace(pointer, line_);
    const char c = text_[pos_];
    if (c == '{' || c == '[') {
      stack_.push_back(Container{.is_object = c == '{', .pointer = pointer, .member_pointer = {}});
      ++pos_;
    } else if (c == '"') {
      read_string();
    } else {
      const std::size_t start = pos_;
      while (pos_ < text_.size() && std::string_view(",]} \t\r\n/").find(text_[pos_]) == std::string_view::npos) ++pos_;
      if (pos_ == start) ++pos_;  // a stray character: always make progress
    }
  }

  std::string read_string() {
    std::string out;
    ++pos_;  // opening quote
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) {
        ++pos_;
        const char e = text_[pos_];
        out += (e == 'n') ? '\n' : (e == 't') ? '\t' : e;  // \uXXXX keeps its raw form: enough for lookup
      } else {
        if (text_[pos_] == '\n') ++line_;
        out += text_[pos_];
      }
      ++pos_;
    }
    ++pos_;  // closing quote
    return out;
  }

  void skip_comment() {
    const bool block = text_[pos_ + 1] == '*';
    pos_ += 2;
    while (pos_ < text_.size()) {
      if (!block && text_[pos_] == '\n') return;
      if (block && text_[pos_] == '*' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
        pos_ += 2;
        return;
      }
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }

  std::string_view text_;
  std::map<std::string, int, std::less<>>& lines_;
  std::vector<Container> stack_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

JsonLineMap::JsonLineMap(std::string_view text) { Scanner(text, lines_).run(); }

int JsonLineMap::line_of(std::string_view pointer) const {
  std::string_view candidate = pointer;
  while (true) {
    if (auto it = lines_.find(candidate); it != lines_.end()) return it->second;
    const auto slash = candidate.rfind('/');
    if (slash == std::string_view::npos) return 1;
    candidate = candidate.substr(0, slash);
  }
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

int line_at_offset(std::string_view text, std::size_t offset) {
  int line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n' ? 1 : 0;
  return line;
}

}  // namespace presentd::config

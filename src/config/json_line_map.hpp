// SPDX-License-Identifier: Apache-2.0
#pragma once
// Maps each JSON pointer in a document to the line it starts on, so configuration problems can
// be reported as "file:line: /pointer: message". nlohmann::json keeps no positions, hence this
// small scanner. It runs only on text nlohmann already accepted, but stays bounds-safe anyway.
#include <map>
#include <string>
#include <string_view>

namespace presentd::config {

class JsonLineMap {
public:
  explicit JsonLineMap(std::string_view text);
  // Line of `pointer`, or of its nearest ancestor that appears in the text (root: line 1).
  int line_of(std::string_view pointer) const;

private:
  std::map<std::string, int, std::less<>> lines_;
};

// RFC 6901 escaping of one reference token ("~" → "~0", "/" → "~1").
std::string escape_pointer_token(std::string_view token);

// 1-based line number of a byte offset.
int line_at_offset(std::string_view text, std::size_t offset);

}  // namespace presentd::config

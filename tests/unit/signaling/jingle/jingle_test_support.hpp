// SPDX-License-Identifier: Apache-2.0
#pragma once
// Fixtures of the Jingle tests: the hand-written stanzas of tests/vectors/jingle and the captured
// offers of tests/vectors/sdp (see the READMEs there).
#include <fstream>
#include <sstream>
#include <string>

#include "presentd/xml/element_parser.hpp"

namespace presentd::signaling::jingle::testing {

inline std::string read_jingle_vector(const std::string& name) {
  std::ifstream in(std::string(PRESENTD_SOURCE_DIR) + "/tests/vectors/jingle/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  std::string text = out.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

inline xml::Element parse_or_die(const std::string& text) {
  auto parsed = xml::parse_element(text);
  if (!parsed.element) throw std::runtime_error("fixture does not parse: " + parsed.error);
  return std::move(*parsed.element);
}

}  // namespace presentd::signaling::jingle::testing

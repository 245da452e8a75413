// SPDX-License-Identifier: Apache-2.0
#pragma once
// One whole element (a stanza, a test vector, a fuzzer's input) from text, with libxml2, into
// the element tree of element.hpp: the same tree the XMPP stream parser builds, with the same
// conventions (prefixed attribute names keep their prefix, all direct text concatenated).
// Thread: none of its own; a pure function.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "presentd/xml/element.hpp"

namespace presentd::xml {

// Limits for parse_element: a stanza larger or deeper than this is refused, not parsed.
constexpr std::size_t kMaxXmlText = std::size_t{256} * 1024;
constexpr std::size_t kMaxXmlDepth = 32;
constexpr std::size_t kMaxXmlElements = 8192;

struct ParseResult {
  std::optional<Element> element;
  std::string error;  // set when element is empty
};

// Parses one complete element (a stanza) from text with libxml2: no network, no DTD, no entity
// expansion (a document with a DOCTYPE is refused), size/depth/element-count limits.
[[nodiscard]] ParseResult parse_element(std::string_view text);

}  // namespace presentd::xml

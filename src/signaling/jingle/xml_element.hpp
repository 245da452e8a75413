// SPDX-License-Identifier: Apache-2.0
#pragma once
// A minimal XML element tree for Jingle stanzas: name, namespace, attributes, children, text.
// The Jingle code works on this type only, so it does not depend on the XMPP client's stream
// parser; the client hands over each stanza as such a tree (or as text for parse_xml_element).
//
// Mixed content is not kept: an element has children or text (Jingle uses either, never both),
// and text between children is dropped. Attribute names are local names ("xml:lang" → "lang").
// Thread: none of its own; a value type and pure functions.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace presentd::signaling::jingle {

struct XmlElement {
  std::string name;
  std::string ns;  // namespace URI; "" when none
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<XmlElement> children;
  std::string text;

  XmlElement() = default;
  XmlElement(std::string element_name, std::string element_ns)
      : name(std::move(element_name)), ns(std::move(element_ns)) {}

  // nullptr when absent.
  const std::string* attribute(std::string_view key) const;
  std::string attribute_or(std::string_view key, std::string_view fallback = {}) const;
  // Sets or replaces; returns *this so stanzas read as they nest.
  XmlElement& set(std::string_view key, std::string value);
  // The first child with this name and namespace; nullptr when none.
  const XmlElement* child(std::string_view child_name, std::string_view child_ns) const;
  std::vector<const XmlElement*> children_named(std::string_view child_name, std::string_view child_ns) const;
  XmlElement& add(std::string child_name, std::string child_ns);
  XmlElement& add(XmlElement element);

  bool operator==(const XmlElement&) const = default;
};

// Limits for parse_xml_element: a stanza larger or deeper than this is refused, not parsed.
constexpr std::size_t kMaxXmlText = 256 * 1024;
constexpr std::size_t kMaxXmlDepth = 32;
constexpr std::size_t kMaxXmlElements = 8192;

struct XmlParseResult {
  std::optional<XmlElement> element;
  std::string error;  // set when element is empty
};

// Parses one complete element (a stanza) from text with libxml2: no network, no DTD, no entity
// expansion (a document with a DOCTYPE is refused), size/depth/element-count limits.
[[nodiscard]] XmlParseResult parse_xml_element(std::string_view text);

// Serializes without an XML declaration; xmlns is written where the namespace differs from the
// parent's. Attribute values and text are escaped.
[[nodiscard]] std::string write_xml(const XmlElement& element);

}  // namespace presentd::signaling::jingle

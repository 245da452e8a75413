// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one XML element tree of the box: the XMPP stream parser builds it, the XMPP client and the
// Jingle code read it, and outgoing stanzas are built with it and serialized; a stanza crosses
// from the client to the Jingle handler and back as this tree, never copied or re-parsed.
// parse_element (element_parser.hpp) builds one from a whole document's text.
//
//   Element
//   ├─ name        local name, no prefix          "iq", "jingle", "candidate"
//   ├─ ns          namespace URI (resolved)        "jabber:client", "urn:xmpp:jingle:1"
//   ├─ attributes  unprefixed attributes in order  {"type","set"}, {"id","a1"}
//   ├─ children    child elements in order
//   └─ text        concatenated character data directly inside this element (entities decoded)
//
// Prefixed attributes (xml:lang) keep their prefix in the name ("xml:lang"). Mixed content is
// not kept in order (XMPP does not use it): the text of an element is all its direct text.
// When serialized, a child whose namespace equals its parent's gets no xmlns attribute.
//
// Thread: any (plain value type).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace presentd::xml {

struct Element {
  std::string name;
  std::string ns;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<Element> children;
  std::string text;

  Element() = default;
  Element(std::string element_name, std::string element_ns)
      : name(std::move(element_name)), ns(std::move(element_ns)) {}

  // nullopt when absent.
  [[nodiscard]] std::optional<std::string_view> attribute(std::string_view key) const;
  // `fallback` ("" unless given) when absent.
  [[nodiscard]] std::string attribute_or(std::string_view key, std::string_view fallback = {}) const;
  // Replaces an existing value; returns *this so stanzas can be built in one expression.
  Element& set(std::string_view key, std::string_view value);
  // The first child with this name (and namespace, unless `child_ns` is empty); null when none.
  [[nodiscard]] const Element* child(std::string_view child_name, std::string_view child_ns = {}) const;
  [[nodiscard]] Element* child(std::string_view child_name, std::string_view child_ns = {});
  // Every child with this name and namespace, in order.
  [[nodiscard]] std::vector<const Element*> children_named(std::string_view child_name,
                                                           std::string_view child_ns) const;
  // Appends and returns the new child (a reference valid until the next append).
  Element& add(Element element);
  Element& add(std::string child_name, std::string child_ns);
  bool operator==(const Element&) const = default;
};

// The element as XML text: attributes and text escaped, xmlns written where the namespace
// changes from `parent_ns` (pass the stream's default namespace for top-level stanzas).
[[nodiscard]] std::string serialize(const Element& element, std::string_view parent_ns = {});

// &, <, >, " and ' escaped for attribute values and text.
[[nodiscard]] std::string xml_escape(std::string_view text);

}  // namespace presentd::xml

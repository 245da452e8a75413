// SPDX-License-Identifier: Apache-2.0
#include "presentd/xml/element.hpp"

#include <algorithm>

namespace presentd::xml {

std::optional<std::string_view> Element::attribute(std::string_view key) const {
  const auto found = std::find_if(attributes.begin(), attributes.end(), [&](const auto& a) { return a.first == key; });
  if (found == attributes.end()) return std::nullopt;
  return std::string_view(found->second);
}

std::string Element::attribute_or(std::string_view key, std::string_view fallback) const {
  return std::string(attribute(key).value_or(fallback));
}

Element& Element::set(std::string_view key, std::string_view value) {
  const auto found = std::find_if(attributes.begin(), attributes.end(), [&](const auto& a) { return a.first == key; });
  if (found != attributes.end()) {
    found->second = std::string(value);
  } else {
    attributes.emplace_back(std::string(key), std::string(value));
  }
  return *this;
}

const Element* Element::child(std::string_view child_name, std::string_view child_ns) const {
  for (const auto& c : children) {
    if (c.name == child_name && (child_ns.empty() || c.ns == child_ns)) return &c;
  }
  return nullptr;
}

Element* Element::child(std::string_view child_name, std::string_view child_ns) {
  return const_cast<Element*>(std::as_const(*this).child(child_name, child_ns));
}

std::vector<const Element*> Element::children_named(std::string_view child_name, std::string_view child_ns) const {
  std::vector<const Element*> out;
  for (const auto& c : children) {
    if (c.name == child_name && c.ns == child_ns) out.push_back(&c);
  }
  return out;
}

Element& Element::add(Element element) {
  children.push_back(std::move(element));
  return children.back();
}

Element& Element::add(std::string child_name, std::string child_ns) {
  return add(Element(std::move(child_name), std::move(child_ns)));
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

void write(std::string& out, const Element& element, std::string_view parent_ns) {
  out += '<';
  out += element.name;
  if (element.ns != parent_ns) {
    out += " xmlns='";
    out += xml_escape(element.ns);
    out += '\'';
  }
  for (const auto& [key, value] : element.attributes) {
    out += ' ';
    out += key;
    out += "='";
    out += xml_escape(value);
    out += '\'';
  }
  if (element.children.empty() && element.text.empty()) {
    out += "/>";
    return;
  }
  out += '>';
  out += xml_escape(element.text);
  for (const auto& child : element.children) write(out, child, element.ns);
  out += "</";
  out += element.name;
  out += '>';
}

}  // namespace

std::string serialize(const Element& element, std::string_view parent_ns) {
  std::string out;
  write(out, element, parent_ns);
  return out;
}

}  // namespace presentd::xml

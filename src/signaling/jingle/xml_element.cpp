// SPDX-License-Identifier: Apache-2.0
#include "signaling/jingle/xml_element.hpp"

#include <memory>

#include <libxml/parser.h>
#include <libxml/tree.h>

namespace presentd::signaling::jingle {
namespace {

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocFree>;

std::string_view as_view(const xmlChar* text) {
  return text ? std::string_view(reinterpret_cast<const char*>(text)) : std::string_view();
}

struct Converter {
  std::size_t elements = 0;
  std::string error;

  bool convert(const xmlNode* node, std::size_t depth, XmlElement& out) {
    if (depth > kMaxXmlDepth) return fail("nested deeper than " + std::to_string(kMaxXmlDepth) + " elements");
    if (++elements > kMaxXmlElements) return fail("more than " + std::to_string(kMaxXmlElements) + " elements");
    out.name = as_view(node->name);
    if (node->ns) out.ns = as_view(node->ns->href);
    for (const xmlAttr* attr = node->properties; attr; attr = attr->next) {
      std::string value;
      for (const xmlNode* part = attr->children; part; part = part->next) {
        if (part->type != XML_TEXT_NODE) return fail("entity reference in an attribute");
        value += as_view(part->content);
      }
      out.attributes.emplace_back(std::string(as_view(attr->name)), std::move(value));
    }
    for (const xmlNode* child = node->children; child; child = child->next) {
      switch (child->type) {
        case XML_ELEMENT_NODE:
          if (!convert(child, depth + 1, out.children.emplace_back())) return false;
          break;
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE: out.text += as_view(child->content); break;
        case XML_COMMENT_NODE:
        case XML_PI_NODE: break;
        default: return fail("entity reference or unexpected node");
      }
    }
    if (!out.children.empty()) out.text.clear();  // no mixed content (see the header)
    return true;
  }

  bool fail(std::string why) {
    error = std::move(why);
    return false;
  }
};

// A namespace no element has: the root always declares its own.
constexpr std::string_view kNoParent = "\x01";

void escape(std::string& out, std::string_view text, bool attribute) {
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\'': out += attribute ? "&apos;" : "'"; break;
      default: out += c;
    }
  }
}

void write(std::string& out, const XmlElement& element, std::string_view parent_ns) {
  out += '<';
  out += element.name;
  if (element.ns != parent_ns && !(parent_ns == kNoParent && element.ns.empty())) {
    out += " xmlns='";
    escape(out, element.ns, true);
    out += '\'';
  }
  for (const auto& [key, value] : element.attributes) {
    out += ' ';
    out += key;
    out += "='";
    escape(out, value, true);
    out += '\'';
  }
  if (element.children.empty() && element.text.empty()) {
    out += "/>";
    return;
  }
  out += '>';
  for (const auto& child : element.children) write(out, child, element.ns);
  if (element.children.empty()) escape(out, element.text, false);
  out += "</";
  out += element.name;
  out += '>';
}

}  // namespace

const std::string* XmlElement::attribute(std::string_view key) const {
  for (const auto& [k, v] : attributes) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string XmlElement::attribute_or(std::string_view key, std::string_view fallback) const {
  const auto* value = attribute(key);
  return value ? *value : std::string(fallback);
}

XmlElement& XmlElement::set(std::string_view key, std::string value) {
  for (auto& [k, v] : attributes) {
    if (k == key) {
      v = std::move(value);
      return *this;
    }
  }
  attributes.emplace_back(std::string(key), std::move(value));
  return *this;
}

const XmlElement* XmlElement::child(std::string_view child_name, std::string_view child_ns) const {
  for (const auto& c : children) {
    if (c.name == child_name && c.ns == child_ns) return &c;
  }
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::children_named(std::string_view child_name,
                                                          std::string_view child_ns) const {
  std::vector<const XmlElement*> out;
  for (const auto& c : children) {
    if (c.name == child_name && c.ns == child_ns) out.push_back(&c);
  }
  return out;
}

XmlElement& XmlElement::add(std::string child_name, std::string child_ns) {
  return children.emplace_back(std::move(child_name), std::move(child_ns));
}

XmlElement& XmlElement::add(XmlElement element) { return children.emplace_back(std::move(element)); }

XmlParseResult parse_xml_element(std::string_view text) {
  if (text.size() > kMaxXmlText) return {std::nullopt, "larger than " + std::to_string(kMaxXmlText) + " bytes"};
  // XML_PARSE_NONET: never fetch anything; no XML_PARSE_NOENT/DTDLOAD: entities stay unexpanded,
  // and a DOCTYPE is refused below, so an entity bomb never gets expanded.
  constexpr int kOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS;
  XmlDocPtr doc(xmlReadMemory(text.data(), static_cast<int>(text.size()), nullptr, "UTF-8", kOptions));
  if (!doc) {
    const xmlError* error = xmlGetLastError();
    std::string why = error && error->message ? error->message : "not well-formed XML";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    xmlResetLastError();
    return {std::nullopt, "not well-formed XML: " + why};
  }
  if (doc->intSubset || doc->extSubset) return {std::nullopt, "a DOCTYPE is not allowed in a stanza"};
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root) return {std::nullopt, "no element"};
  Converter converter;
  XmlElement element;
  if (!converter.convert(root, 1, element)) return {std::nullopt, converter.error};
  return {std::move(element), {}};
}

std::string write_xml(const XmlElement& element) {
  std::string out;
  write(out, element, kNoParent);
  return out;
}

}  // namespace presentd::signaling::jingle

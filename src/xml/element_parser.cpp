// SPDX-License-Identifier: Apache-2.0
#include "presentd/xml/element_parser.hpp"

#include <memory>

#include <libxml/parser.h>
#include <libxml/tree.h>

namespace presentd::xml {
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

  bool convert(const xmlNode* node, std::size_t depth, Element& out) {
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
      // As the stream parser names them: a prefixed attribute keeps its prefix ("xml:lang").
      std::string name = attr->ns && attr->ns->prefix ? std::string(as_view(attr->ns->prefix)) + ":" : std::string();
      name += as_view(attr->name);
      out.attributes.emplace_back(std::move(name), std::move(value));
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
    return true;
  }

  bool fail(std::string why) {
    error = std::move(why);
    return false;
  }
};

}  // namespace

ParseResult parse_element(std::string_view text) {
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
  Element element;
  if (!converter.convert(root, 1, element)) return {std::nullopt, converter.error};
  return {std::move(element), {}};
}

}  // namespace presentd::xml

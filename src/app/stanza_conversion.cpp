// SPDX-License-Identifier: Apache-2.0
#include "app/stanza_conversion.hpp"

namespace presentd::app {

signaling::jingle::XmlElement to_jingle_element(const xmpp::Element& element) {
  signaling::jingle::XmlElement out(element.name, element.ns);
  out.attributes.reserve(element.attributes.size());
  for (const auto& [key, value] : element.attributes) {
    const auto colon = key.find(':');
    out.attributes.emplace_back(colon == std::string::npos ? key : key.substr(colon + 1), value);
  }
  out.children.reserve(element.children.size());
  for (const auto& child : element.children) out.children.push_back(to_jingle_element(child));
  out.text = element.text;
  return out;
}

xmpp::Element to_xmpp_element(const signaling::jingle::XmlElement& element) {
  xmpp::Element out(element.name, element.ns);
  out.attributes = element.attributes;
  out.children.reserve(element.children.size());
  for (const auto& child : element.children) out.children.push_back(to_xmpp_element(child));
  out.text = element.text;
  return out;
}

}  // namespace presentd::app

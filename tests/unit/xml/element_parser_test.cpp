// SPDX-License-Identifier: Apache-2.0
#include "presentd/xml/element_parser.hpp"

#include <gtest/gtest.h>

namespace presentd::xml {
namespace {

TEST(XmlElementParser, ParsesNamespacesAttributesChildrenAndText) {
  const auto parsed = xml::parse_element(
      "<iq xmlns='jabber:client' type='set' id='a1'><jingle xmlns='urn:xmpp:jingle:1' sid='s'>"
      "<pin xmlns='urn:presentd:pin:0'>123456</pin><reason><success/></reason></jingle></iq>");
  ASSERT_TRUE(parsed.element) << parsed.error;
  const auto& iq = *parsed.element;
  EXPECT_EQ(iq.name, "iq");
  EXPECT_EQ(iq.ns, "jabber:client");
  EXPECT_EQ(iq.attribute_or("type"), "set");
  EXPECT_FALSE(iq.attribute("missing"));
  const auto* jingle = iq.child("jingle", "urn:xmpp:jingle:1");
  ASSERT_NE(jingle, nullptr);
  EXPECT_EQ(jingle->attribute_or("sid"), "s");
  const auto* pin = jingle->child("pin", "urn:presentd:pin:0");
  ASSERT_NE(pin, nullptr);
  EXPECT_EQ(pin->text, "123456");
  // An unprefixed child inherits its parent's default namespace.
  ASSERT_NE(jingle->child("reason", "urn:xmpp:jingle:1"), nullptr);
  EXPECT_EQ(jingle->child("reason", "jabber:client"), nullptr);
}

TEST(XmlElementParser, WritesWhatItParsesWithEscaping) {
  xml::Element message("message", "jabber:client");
  message.set("to", "room@example.net").set("id", "a'b\"<&>");
  message.add("body", "jabber:client").text = "1 < 2 & 'quotes'";
  message.add("propose", "urn:xmpp:jingle-message:0").set("id", "x");
  const auto text = xml::serialize(message);
  EXPECT_EQ(
      text,
      "<message xmlns='jabber:client' to='room@example.net' id='a&apos;b&quot;&lt;&amp;&gt;'>"
      "<body>1 &lt; 2 &amp; &apos;quotes&apos;</body><propose xmlns='urn:xmpp:jingle-message:0' id='x'/></message>");
  const auto parsed = xml::parse_element(text);
  ASSERT_TRUE(parsed.element) << parsed.error;
  EXPECT_EQ(*parsed.element, message);
}

// One tree, one convention: a whole document parsed here reads like the same stanza from the
// XMPP stream parser (prefixed attributes keep their prefix, direct text is concatenated).
TEST(XmlElementParser, NamesAttributesAsTheStreamParserDoes) {
  const auto parsed = xml::parse_element("<message xmlns='jabber:client' xml:lang='en'>hi <b/>there</message>");
  ASSERT_TRUE(parsed.element) << parsed.error;
  EXPECT_EQ(parsed.element->attribute_or("xml:lang"), "en");
  EXPECT_EQ(parsed.element->text, "hi there");
  ASSERT_EQ(parsed.element->children.size(), 1u);
}

TEST(XmlElementParser, RefusesEntityDefinitionsAndTheirExpansion) {
  // The "billion laughs" shape: refused because of the DOCTYPE, before anything is expanded.
  const auto bomb = xml::parse_element(
      "<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]>"
      "<x xmlns='jabber:client'>&b;</x>");
  EXPECT_FALSE(bomb.element);
  EXPECT_FALSE(bomb.error.empty());
  // An undeclared entity is not well-formed.
  EXPECT_FALSE(xml::parse_element("<x>&undeclared;</x>").element);
  // Character references are plain text and fine.
  const auto chars = xml::parse_element("<x>&#65;&lt;</x>");
  ASSERT_TRUE(chars.element);
  EXPECT_EQ(chars.element->text, "A<");
}

TEST(XmlElementParser, RefusesTooDeepTooLargeAndBrokenInput) {
  std::string deep;
  for (std::size_t i = 0; i < kMaxXmlDepth + 1; ++i) deep += "<a>";
  for (std::size_t i = 0; i < kMaxXmlDepth + 1; ++i) deep += "</a>";
  const auto too_deep = xml::parse_element(deep);
  EXPECT_FALSE(too_deep.element);
  EXPECT_NE(too_deep.error.find("deeper"), std::string::npos) << too_deep.error;

  const auto huge = xml::parse_element("<a>" + std::string(kMaxXmlText, 'x') + "</a>");
  EXPECT_FALSE(huge.element);
  EXPECT_NE(huge.error.find("larger"), std::string::npos);

  EXPECT_FALSE(xml::parse_element("<a><b></a>").element);
  EXPECT_FALSE(xml::parse_element("").element);
  EXPECT_FALSE(xml::parse_element("<a>\xff\xfe</a>").element);  // invalid UTF-8
}

}  // namespace
}  // namespace presentd::xml

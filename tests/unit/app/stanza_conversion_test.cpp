// SPDX-License-Identifier: Apache-2.0
// Stanzas cross between the XMPP client's element tree and the Jingle code's: a session-initiate
// parsed by the client's stream parser reads the same to the Jingle code, and what the Jingle
// code writes serializes the same through the client.
#include "app/stanza_conversion.hpp"

#include <gtest/gtest.h>

namespace presentd::app {
namespace {

signaling::jingle::XmlElement jingle_stanza() {
  auto parsed = signaling::jingle::parse_xml_element(
      "<iq xmlns='jabber:client' type='set' id='j1' from='p@example.net/a' to='123456@example.net/presentd'>"
      "<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s1'>"
      "<pin xmlns='urn:presentd:pin:0'>1234</pin>"
      "<content creator='initiator' name='0'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>"
      "<payload-type id='96' name='VP8' clockrate='90000'/></description></content></jingle></iq>");
  EXPECT_TRUE(parsed.element.has_value()) << parsed.error;
  return parsed.element.value_or(signaling::jingle::XmlElement{});
}

TEST(StanzaConversion, RoundTripKeepsNamesNamespacesAttributesChildrenAndText) {
  const auto original = jingle_stanza();
  const auto as_xmpp = to_xmpp_element(original);
  ASSERT_NE(as_xmpp.child("jingle", "urn:xmpp:jingle:1"), nullptr);
  EXPECT_EQ(as_xmpp.child("jingle", "urn:xmpp:jingle:1")->child("pin", "urn:presentd:pin:0")->text, "1234");
  EXPECT_EQ(as_xmpp.attribute_or_empty("from"), "p@example.net/a");
  EXPECT_EQ(to_jingle_element(as_xmpp), original);
}

TEST(StanzaConversion, SerializedThroughTheClientItParsesBackToTheSameJingleTree) {
  const auto original = jingle_stanza();
  const auto text = xmpp::serialize(to_xmpp_element(original));
  const auto reparsed = signaling::jingle::parse_xml_element(text);
  ASSERT_TRUE(reparsed.element.has_value()) << reparsed.error;
  EXPECT_EQ(*reparsed.element, original);
}

TEST(StanzaConversion, PrefixedAttributesBecomeLocalNamesForTheJingleCode) {
  xmpp::Element message("message", "jabber:client");
  message.set("xml:lang", "en").set("to", "room@example.net");
  const auto converted = to_jingle_element(message);
  EXPECT_EQ(converted.attribute_or("lang"), "en");
  EXPECT_EQ(converted.attribute_or("to"), "room@example.net");
}

}  // namespace
}  // namespace presentd::app

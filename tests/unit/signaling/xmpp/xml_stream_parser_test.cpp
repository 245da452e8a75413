// SPDX-License-Identifier: Apache-2.0
// The XMPP stream parser: stanzas arrive whole however the bytes are split; namespaces,
// attributes and text survive; hostile XML (DOCTYPE, entity bomb, deep nesting, a 10 MB stanza,
// invalid UTF-8, comments) ends the stream with a reason and never a crash.
#include <gtest/gtest.h>

#include "presentd/signaling/xmpp/xml_stream_parser.hpp"

namespace presentd::xmpp {
namespace {

constexpr std::string_view kHeader =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
    "from='example.com' id='s1' version='1.0' xml:lang='en'>";

std::vector<xml::Element> stanzas_of(const FeedResult& result) {
  std::vector<xml::Element> out;
  for (const auto& event : result.events) {
    if (const auto* s = std::get_if<StanzaReceived>(&event)) out.push_back(s->stanza);
  }
  return out;
}

TEST(XmlStreamParser, DeliversHeaderStanzasAndCloseInOrder) {
  XmlStreamParser parser;
  const std::string text = std::string(kHeader) +
                           "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                           "<mechanism>SCRAM-SHA-256</mechanism></mechanisms></stream:features> "
                           "<iq type='get' id='p&amp;1'><ping xmlns='urn:xmpp:ping'/></iq></stream:stream>";
  const auto result = parser.feed(text);
  ASSERT_FALSE(result.error) << *result.error;
  ASSERT_EQ(result.events.size(), 4u);
  const auto& header = std::get<StreamOpened>(result.events[0]).header;
  EXPECT_EQ(header.attribute_or("id"), "s1");
  EXPECT_EQ(header.attribute_or("xml:lang"), "en");
  const auto& features = std::get<StanzaReceived>(result.events[1]).stanza;
  EXPECT_EQ(features.name, "features");
  EXPECT_EQ(features.ns, kStreamsNs);
  ASSERT_NE(features.child("mechanisms", "urn:ietf:params:xml:ns:xmpp-sasl"), nullptr);
  EXPECT_EQ(features.child("mechanisms")->child("mechanism")->text, "SCRAM-SHA-256");
  const auto& iq = std::get<StanzaReceived>(result.events[2]).stanza;
  EXPECT_EQ(iq.ns, "jabber:client");
  EXPECT_EQ(iq.attribute_or("id"), "p&1");
  EXPECT_EQ(iq.child("ping")->ns, "urn:xmpp:ping");
  EXPECT_TRUE(std::holds_alternative<StreamClosed>(result.events[3]));
}

TEST(XmlStreamParser, SameStanzasWhateverTheSplit) {
  const std::string text = std::string(kHeader) +
                           "<message to='a@b' type='chat'><body>h\xC3\xA9llo &lt;3</body></message>"
                           "<presence/>";
  XmlStreamParser whole;
  const auto expected = stanzas_of(whole.feed(text));
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(expected[0].child("body")->text, "h\xC3\xA9llo <3");
  for (std::size_t cut = 1; cut < text.size(); cut += 7) {
    XmlStreamParser parser;
    auto first = parser.feed(std::string_view(text).substr(0, cut));
    auto second = parser.feed(std::string_view(text).substr(cut));
    ASSERT_FALSE(first.error || second.error) << cut;
    auto got = stanzas_of(first);
    for (auto& s : stanzas_of(second)) got.push_back(s);
    EXPECT_EQ(got, expected) << "split at " << cut;
  }
}

TEST(XmlStreamParser, SerializedStanzasParseBackEqual) {
  xml::Element iq("iq", "jabber:client");
  iq.set("type", "set").set("id", "x'\"<>&");
  auto& jingle = iq.add("jingle", "urn:xmpp:jingle:1");
  jingle.set("action", "session-initiate");
  jingle.add("content", "urn:xmpp:jingle:1").text = "a & b < c";
  XmlStreamParser parser;
  const auto result = parser.feed(std::string(kHeader) + xml::serialize(iq, "jabber:client"));
  ASSERT_FALSE(result.error) << *result.error;
  ASSERT_EQ(stanzas_of(result).size(), 1u);
  EXPECT_EQ(stanzas_of(result)[0], iq);
}

TEST(XmlStreamParser, ResetStartsANewStream) {
  XmlStreamParser parser;
  ASSERT_FALSE(parser.feed(std::string(kHeader) + "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>").error);
  parser.reset();
  const auto result = parser.feed(std::string(kHeader) + "<presence/>");
  ASSERT_FALSE(result.error);
  EXPECT_EQ(result.events.size(), 2u);
}

// Each hostile input must end the stream with a reason, after any stanzas before it.
void expect_rejected(const std::string& body, std::string_view reason_part) {
  XmlStreamParser parser;
  const auto result = parser.feed(body);
  ASSERT_TRUE(result.error.has_value()) << body.substr(0, 200);
  EXPECT_NE(result.error->find(reason_part), std::string::npos) << *result.error;
  // Once failed, it stays failed until reset.
  EXPECT_TRUE(parser.feed("<presence/>").error.has_value());
}

TEST(XmlStreamParser, RefusesDoctypeAndEntityBomb) {
  expect_rejected(
      "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;'>]>"
      "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>&lol2;",
      "DOCTYPE");
  expect_rejected(std::string(kHeader) + "<message><body>&xxe;</body></message>", "entity");
}

TEST(XmlStreamParser, RefusesDeepNesting) {
  std::string deep(kHeader);
  for (int i = 0; i < 100; ++i) deep += "<a>";
  expect_rejected(deep, "nested deeper");
}

TEST(XmlStreamParser, RefusesAHugeStanzaWithoutBufferingIt) {
  const std::string chunk(64 * 1024, 'x');
  for (const std::string open : {"<message><body>", "<message a='"}) {
    XmlStreamParser parser;
    ASSERT_FALSE(parser.feed(std::string(kHeader) + open).error);
    std::optional<std::string> error;
    std::size_t fed = 0;
    while (!error && fed < 10 * 1024 * 1024) {
      error = parser.feed(chunk).error;
      fed += chunk.size();
    }
    ASSERT_TRUE(error.has_value()) << open;
    EXPECT_NE(error->find("stanza larger than"), std::string::npos) << *error;
    EXPECT_LE(fed, 512u * 1024) << "stopped only after " << fed << " bytes";
  }
}

TEST(XmlStreamParser, ManySmallStanzasAreNotAHugeOne) {
  std::string many(kHeader);
  for (int i = 0; i < 20000; ++i) many += "<presence id='" + std::to_string(i) + "'/>";
  XmlStreamParser parser;
  const auto result = parser.feed(many);
  ASSERT_FALSE(result.error) << *result.error;
  EXPECT_EQ(stanzas_of(result).size(), 20000u);
}

TEST(XmlStreamParser, RefusesInvalidUtf8CommentsAndProcessingInstructions) {
  expect_rejected(std::string(kHeader) + "<message><body>\xC3\x28</body></message>", "XML");
  expect_rejected(std::string(kHeader) + "<message><!-- hi --></message>", "comment");
  expect_rejected(std::string(kHeader) + "<?evil x?>", "processing instruction");
  expect_rejected("<html><body/></html>", "stream:stream");
  expect_rejected(std::string(kHeader) + "<a></b>", "XML");
}

}  // namespace
}  // namespace presentd::xmpp

// SPDX-License-Identifier: Apache-2.0
// Hostile or broken Jingle never reaches the SDP text: every problem is a clear error.
#include "signaling/jingle/jingle_to_sdp.hpp"

#include <gtest/gtest.h>

#include "presentd/sdp/sdp_writer.hpp"
#include "unit/signaling/jingle/jingle_test_support.hpp"

namespace presentd::signaling::jingle {
namespace {

using testing::parse_or_die;
using testing::read_jingle_vector;

xml::Element fixture() { return parse_or_die(read_jingle_vector("audio_video_initiate.xml")); }

xml::Element& first_content(xml::Element& jingle) {
  for (auto& child : jingle.children) {
    if (child.name == "content") return child;
  }
  throw std::runtime_error("no content");
}
xml::Element& child_named(xml::Element& parent, std::string_view name) {
  for (auto& child : parent.children) {
    if (child.name == name) return child;
  }
  throw std::runtime_error("no " + std::string(name));
}

std::string error_of(const xml::Element& jingle) {
  const auto result = jingle_to_sdp(jingle);
  if (result) return "(accepted)\n" + sdp::write_sdp(result.value());
  return result.error().message;
}

TEST(JingleToSdp, RefusesLineInjectionThroughEveryTextField) {
  {
    auto jingle = fixture();
    child_named(first_content(jingle), "transport").set("ufrag", "x\r\na=fingerprint:sha-256 00");
    EXPECT_NE(error_of(jingle).find("'ufrag' is not a token"), std::string::npos) << error_of(jingle);
  }
  {
    auto jingle = fixture();
    auto& payload = child_named(child_named(first_content(jingle), "description"), "payload-type");
    payload.add("parameter", "urn:xmpp:jingle:apps:rtp:1").set("name", "x").set("value", "1\r\na=setup:active");
    EXPECT_NE(error_of(jingle).find("bad parameter"), std::string::npos) << error_of(jingle);
  }
  {
    auto jingle = fixture();
    auto& source = child_named(child_named(first_content(jingle), "description"), "source");
    source.add("parameter", "urn:xmpp:jingle:apps:rtp:ssma:0").set("name", "cname").set("value", "a\nb");
    EXPECT_NE(error_of(jingle).find("bad source parameter"), std::string::npos) << error_of(jingle);
  }
  {
    auto jingle = fixture();
    auto& candidate = child_named(child_named(first_content(jingle), "transport"), "candidate");
    candidate.set("ip", "198.51.100.17 9 typ relay");
    EXPECT_NE(error_of(jingle).find("candidate: malformed"), std::string::npos) << error_of(jingle);
  }
  {
    auto jingle = fixture();
    child_named(child_named(first_content(jingle), "transport"), "fingerprint").text = "AA BB";
    EXPECT_NE(error_of(jingle).find("fingerprint: bad value"), std::string::npos) << error_of(jingle);
  }
}

TEST(JingleToSdp, RefusesOutOfRangeNumbersAndUnknownValues) {
  const auto edit = [](auto change) {
    auto jingle = fixture();
    change(jingle);
    return error_of(jingle);
  };
  EXPECT_NE(edit([](xml::Element& j) {
              child_named(child_named(first_content(j), "description"), "payload-type").set("id", "128");
            }).find("'id' out of range"),
            std::string::npos);
  EXPECT_NE(edit([](xml::Element& j) {
              child_named(child_named(first_content(j), "description"), "rtp-hdrext").set("id", "0");
            }).find("rtp-hdrext id out of range"),
            std::string::npos);
  EXPECT_NE(edit([](xml::Element& j) {
              child_named(child_named(first_content(j), "description"), "source").set("ssrc", "4294967296");
            }).find("'ssrc' out of range"),
            std::string::npos);
  EXPECT_NE(edit([](xml::Element& j) { first_content(j).set("senders", "everyone"); }).find("unknown senders"),
            std::string::npos);
  EXPECT_NE(edit([](xml::Element& j) {
              child_named(child_named(first_content(j), "transport"), "fingerprint").set("setup", "maybe");
            }).find("unknown setup"),
            std::string::npos);
  EXPECT_NE(edit([](xml::Element& j) {
              child_named(child_named(first_content(j), "transport"), "candidate").set("port", "70000");
            }).find("out of range"),
            std::string::npos);
}

TEST(JingleToSdp, RefusesStanzasWithoutRtpOrWithDuplicates) {
  xml::Element not_jingle("jingle", "urn:xmpp:jingle:0");
  EXPECT_FALSE(jingle_to_sdp(not_jingle));

  auto file_transfer = parse_or_die(
      "<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s'><content creator='initiator' name='f'>"
      "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'/></content></jingle>");
  const auto none = jingle_to_sdp(file_transfer);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, sdp::ErrorCode::unsupported_offer);

  auto twice = fixture();
  auto copy = first_content(twice);
  twice.add(copy);
  EXPECT_NE(error_of(twice).find("two contents named 'voice'"), std::string::npos);

  auto many = fixture();
  auto& description = child_named(first_content(many), "description");
  for (int i = 0; i < 200; ++i) description.add("payload-type", "urn:xmpp:jingle:apps:rtp:1").set("id", "1");
  EXPECT_NE(error_of(many).find("too many payload-types"), std::string::npos);
}

// The session core takes a Jingle offer's model as it is: what WHIP's parser would refuse as
// text (here a format-parameter line over kMaxLineLength) is refused by the mapper too.
TEST(JingleToSdp, RefusesWhatTheSdpParserWouldRefuseAsText) {
  auto jingle = fixture();
  auto& payload = child_named(child_named(first_content(jingle), "description"), "payload-type");
  for (int i = 0; i < 30; ++i) {
    payload.add("parameter", "urn:xmpp:jingle:apps:rtp:1")
        .set("name", "x-long-" + std::to_string(i))
        .set("value", std::string(150, 'v'));
  }
  const auto mapped = jingle_to_sdp(jingle);
  ASSERT_FALSE(mapped) << sdp::write_sdp(mapped.value()).size() << " bytes accepted";
  EXPECT_EQ(mapped.error().code, sdp::ErrorCode::line_too_long) << mapped.error().message;
}

TEST(JingleToSdp, TransportInfoRefusesBadCandidates) {
  auto info = parse_or_die(read_jingle_vector("transport_info.xml"));
  auto& candidate = child_named(child_named(first_content(info), "transport"), "candidate");
  candidate.set("type", "relay\r\na=ice-ufrag:evil");
  const auto frag = transport_info_to_fragment(info);
  ASSERT_FALSE(frag);
  EXPECT_NE(frag.error().message.find("candidate"), std::string::npos);

  EXPECT_FALSE(transport_info_to_fragment(parse_or_die("<jingle xmlns='urn:xmpp:jingle:1' action='transport-info'/>")));
}

}  // namespace
}  // namespace presentd::signaling::jingle

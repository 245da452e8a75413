// SPDX-License-Identifier: Apache-2.0
// XEP-0215 answers as Prosody 0.12's mod_external_services writes them (the attribute set of
// services_xml(): type, transport, host, port, username, password, expires, restricted), the
// XEP-0082 date-times they carry, the refresh schedule, and the discovery's exchange over a
// real io_context (who may answer, what reaches the listener).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "presentd/signaling/xmpp/external_service_discovery.hpp"
#include "presentd/signaling/xmpp/external_services.hpp"
#include "presentd/signaling/xmpp/xml_stream_parser.hpp"

namespace presentd::xmpp {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

// One stanza through the real stream parser, as the client would receive it.
xml::Element stanza(const std::string& xml) {
  XmlStreamParser parser;
  const auto result = parser.feed(
      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>" + xml);
  EXPECT_FALSE(result.error) << *result.error;
  for (const auto& event : result.events) {
    if (const auto* s = std::get_if<StanzaReceived>(&event)) return s->stanza;
  }
  ADD_FAILURE() << "no stanza in " << xml;
  return {};
}

system_clock::time_point utc(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d)) +
         std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

constexpr const char* kProsodyAnswer =
    "<iq type='result' id='extdisco-1' from='localhost' to='123456@localhost/presentd'>"
    "<services xmlns='urn:xmpp:extdisco:2'>"
    "<service type='turn' transport='udp' host='10.200.0.1' port='3478' username='1795481700:box'"
    " password='9Ny0e5S6cmAG8Xh5ZqGqVbEJ1dQ=' expires='2026-11-24T04:15:00Z' restricted='1'/>"
    "<service type='turns' transport='tcp' host='turn.example.net' port='5349' username='1795481700'"
    " password='p' expires='2026-11-24T04:15:00Z' restricted='1'/>"
    "<service type='stun' transport='udp' host='10.200.0.1' port='3478'/>"
    "</services></iq>";

TEST(ExternalServices, ReadsProsodysAnswer) {
  const auto reply = parse_services_reply(stanza(kProsodyAnswer));
  EXPECT_TRUE(reply.error.empty());
  EXPECT_EQ(reply.skipped, 0u);
  ASSERT_EQ(reply.services.size(), 3u);
  const auto& turn = reply.services[0];
  EXPECT_EQ(turn.type, "turn");
  EXPECT_EQ(turn.transport, "udp");
  EXPECT_EQ(turn.host, "10.200.0.1");
  EXPECT_EQ(turn.port, 3478);
  EXPECT_EQ(turn.username, "1795481700:box");
  EXPECT_EQ(turn.password, "9Ny0e5S6cmAG8Xh5ZqGqVbEJ1dQ=");
  EXPECT_TRUE(turn.restricted);
  ASSERT_TRUE(turn.expires);
  EXPECT_EQ(*turn.expires, utc(2026, 11, 24, 4, 15, 0));
  EXPECT_EQ(reply.services[1].type, "turns");
  EXPECT_EQ(reply.services[1].host, "turn.example.net");
  EXPECT_FALSE(reply.services[2].expires);
  EXPECT_FALSE(reply.services[2].restricted);
}

TEST(ExternalServices, TheRequestAsksForEveryTypeFromTheDomain) {
  EXPECT_EQ(xml::serialize(make_services_request("extdisco-7", "example.com"), "jabber:client"),
            "<iq type='get' id='extdisco-7' to='example.com'><services xmlns='urn:xmpp:extdisco:2'/></iq>");
}

TEST(ExternalServices, UnusableServicesAreSkippedAndCounted) {
  const auto reply =
      parse_services_reply(stanza("<iq type='result' id='a'><services xmlns='urn:xmpp:extdisco:2'>"
                                  "<service host='h' port='1'/>"                        // no type
                                  "<service type='turn' port='3478'/>"                  // no host
                                  "<service type='turn' host='a b' port='3478'/>"       // not a host name
                                  "<service type='turn' host='h' port='0'/>"            // port 0
                                  "<service type='turn' host='h' port='65536'/>"        // port too big
                                  "<service type='turn' host='h' port='34x'/>"          // not a number
                                  "<service type='turn' host='h' transport='sctp'/>"    // unknown transport
                                  "<service type='turn' host='h' expires='tomorrow'/>"  // bad expiry
                                  "<service type='turn' host='h'/>"                     // fine: no port, no expiry
                                  "<other type='turn' host='x'/>"                       // not a service element
                                  "</services></iq>"));
  EXPECT_EQ(reply.skipped, 8u);
  EXPECT_EQ(reply.skip_reason, "a service without a type");
  ASSERT_EQ(reply.services.size(), 1u);
  EXPECT_EQ(reply.services[0].port, 0);
}

TEST(ExternalServices, AtMostSixteenServicesAreRead) {
  std::string xml = "<iq type='result' id='a'><services xmlns='urn:xmpp:extdisco:2'>";
  for (int i = 0; i < 40; ++i) xml += "<service type='turn' host='h" + std::to_string(i) + "'/>";
  const auto reply = parse_services_reply(stanza(xml + "</services></iq>"));
  EXPECT_EQ(reply.services.size(), kMaxExternalServices);
  EXPECT_EQ(reply.skipped, 40u - kMaxExternalServices);
}

TEST(ExternalServices, AnErrorAnswerGivesItsCondition) {
  const auto reply = parse_services_reply(
      stanza("<iq type='error' id='a' from='example.com'><services xmlns='urn:xmpp:extdisco:2'/>"
             "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"));
  EXPECT_EQ(reply.error, "service-unavailable");
  EXPECT_TRUE(reply.services.empty());
  EXPECT_EQ(parse_services_reply(stanza("<iq type='error' id='a'/>")).error, "error");
  EXPECT_TRUE(parse_services_reply(stanza("<iq type='result' id='a'/>")).services.empty());
}

TEST(XmppDatetime, Xep0082Forms) {
  // XEP-0082 §3.2 examples.
  EXPECT_EQ(parse_xmpp_datetime("1969-07-21T02:56:15Z"), utc(1969, 7, 21, 2, 56, 15));
  EXPECT_EQ(parse_xmpp_datetime("1969-07-20T21:56:15-05:00"), utc(1969, 7, 21, 2, 56, 15));
  EXPECT_EQ(parse_xmpp_datetime("2026-02-28T23:30:00+01:30"), utc(2026, 2, 28, 22, 0, 0));
  EXPECT_EQ(parse_xmpp_datetime("2026-11-24T04:15:00.250Z"), utc(2026, 11, 24, 4, 15, 0) + 250ms);
  for (const char* bad :
       {"", "2026-11-24", "2026-11-24T04:15:00", "2026-11-24 04:15:00Z", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-11-24T24:00:00Z", "2026-11-24T04:60:00Z", "2026-11-24T04:15:00.Z", "2026-11-24T04:15:00+0100",
        "2026-11-24T04:15:00Zjunk", "2O26-11-24T04:15:00Z", "2026-11-24T04:15:00.1234567890Z"}) {
    EXPECT_FALSE(parse_xmpp_datetime(bad)) << bad;
  }
}

TEST(ExternalServices, RefreshComesAQuarterEarlyAtMostTenMinutesNeverWithinTenSeconds) {
  const auto now = utc(2026, 11, 24, 4, 0, 0);
  struct Case {
    std::chrono::seconds remaining;
    std::chrono::seconds delay;
  };
  for (const auto& [remaining, delay] : {Case{86400s, 86400s - 600s}, Case{2400s, 1800s}, Case{20s, 15s},
                                         Case{12s, 10s}, Case{10s, 10s}, Case{0s, 10s}, Case{-3600s, 10s}}) {
    EXPECT_EQ(refresh_delay(now + remaining, now), delay) << remaining.count();
  }
}

class Discovery : public ::testing::Test {
protected:
  Discovery()
      : discovery_(
            io_, "localhost",
            [this](const xml::Element& request) {
              sent_.push_back(request);
              return online_;
            },
            [this](std::vector<ExternalService> services) { found_.push_back(std::move(services)); }) {}

  std::string answer(const std::string& id, const std::string& from) {
    std::string text = kProsodyAnswer;
    text.replace(text.find("extdisco-1"), 10, id);
    text.replace(text.find("from='localhost'"), 16, "from='" + from + "'");
    return text;
  }

  boost::asio::io_context io_;
  bool online_ = true;
  std::vector<xml::Element> sent_;
  std::vector<std::vector<ExternalService>> found_;
  ExternalServiceDiscovery discovery_;
};

TEST_F(Discovery, AsksOnLoginAndTakesTheServersAnswer) {
  discovery_.set_online(true);
  ASSERT_EQ(sent_.size(), 1u);
  const auto id = std::string(sent_[0].attribute_or("id"));
  EXPECT_EQ(sent_[0].attribute_or("to"), "localhost");
  EXPECT_FALSE(discovery_.handle(stanza("<iq type='result' id='other' from='localhost'/>")));
  // Someone else answering with the right id plants nothing.
  EXPECT_FALSE(discovery_.handle(stanza(answer(id, "mallory@localhost/x"))));
  EXPECT_TRUE(found_.empty());
  EXPECT_TRUE(discovery_.handle(stanza(answer(id, "localhost"))));
  ASSERT_EQ(found_.size(), 1u);
  EXPECT_EQ(found_[0].size(), 3u);
  EXPECT_EQ(discovery_.services().size(), 3u);
  EXPECT_FALSE(discovery_.handle(stanza(answer(id, "localhost")))) << "an answer counts once";
}

TEST_F(Discovery, AServerWithoutTheFeatureLeavesTheListAlone) {
  discovery_.set_online(true);
  const auto id = std::string(sent_[0].attribute_or("id"));
  EXPECT_TRUE(discovery_.handle(stanza("<iq type='error' id='" + id +
                                       "' from='localhost'><error type='cancel'><service-unavailable "
                                       "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")));
  EXPECT_TRUE(found_.empty());
}

TEST_F(Discovery, GoingOfflineForgetsThePendingRequestAndANewLoginAsksAgain) {
  discovery_.set_online(true);
  const auto first = std::string(sent_[0].attribute_or("id"));
  discovery_.set_online(false);
  EXPECT_FALSE(discovery_.handle(stanza(answer(first, "localhost"))));
  discovery_.set_online(true);
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_NE(sent_[1].attribute_or("id"), first);
  EXPECT_TRUE(discovery_.handle(stanza(answer(std::string(sent_[1].attribute_or("id")), "localhost"))));
}

TEST_F(Discovery, ExpiredCredentialsAreWithdrawnWhileOffline) {
  discovery_.set_online(true);
  // The answer's credentials expired in 2026-11-24T04:15:00Z; make them expire a second from now.
  auto text = answer(std::string(sent_[0].attribute_or("id")), "localhost");
  const auto soon = std::chrono::floor<std::chrono::seconds>(system_clock::now() + 1s);
  const auto day = std::chrono::floor<std::chrono::days>(soon);
  const std::chrono::hh_mm_ss time(soon - day);
  const std::chrono::year_month_day date(day);
  char stamp[32];
  std::snprintf(stamp, sizeof(stamp), "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  for (std::size_t at; (at = text.find("2026-11-24T04:15:00Z")) != std::string::npos;) text.replace(at, 20, stamp);
  ASSERT_TRUE(discovery_.handle(stanza(text)));
  ASSERT_EQ(found_.size(), 1u);
  discovery_.set_online(false);
  io_.run_for(5s);  // the expiry timer is the only work: run returns when it fired
  ASSERT_EQ(found_.size(), 2u);
  EXPECT_TRUE(found_[1].empty());
  EXPECT_TRUE(discovery_.services().empty());
}

}  // namespace
}  // namespace presentd::xmpp

// SPDX-License-Identifier: Apache-2.0
// The handler's stanza logic against a recording session core that answers with presentd's real
// answer builder (the real SessionManager with a real peer runs in the end-to-end test). Offers
// are the captured GStreamer webrtcbin offer, sent as Jingle the way a remote presenter sends it.
#include "presentd/signaling/jingle/jingle_session_handler.hpp"

#include <gtest/gtest.h>

#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/sdp/sdp_writer.hpp"
#include "signaling/jingle/jingle_namespaces.hpp"
#include "signaling/jingle/jingle_to_sdp.hpp"
#include "signaling/jingle/sdp_to_jingle.hpp"
#include "support/sdp/sdp_fixtures.hpp"
#include "unit/signaling/jingle/jingle_test_support.hpp"

namespace presentd::signaling::jingle {
namespace {

constexpr const char* kPresenter = "alice@example.net/laptop";
constexpr const char* kBox = "123456@cloud.example.net/box";

class RecordingCore : public session::SessionPort {
public:
  void create_session(const session::Requester& requester, const sdp::SessionDescription& offer,
                      std::function<void(session::CreateResult)> done) override {
    offers.push_back(offer);
    requesters.push_back(requester);
    pending.push_back(std::move(done));
    if (answer_at_once) answer_next();
  }
  void answer_next() {
    auto done = std::move(pending.front());
    pending.erase(pending.begin());
    if (refuse) {
      return done(session::Refusal{
          session::Refusal::Kind::room_full, "the room is full (1 presenters)", {}, std::chrono::seconds(10)});
    }
    sdp::AnswerConfig config;
    config.ice_ufrag = "boxu";
    config.ice_pwd = "boxpasswordboxpassword";
    config.fingerprint = sdp::Fingerprint{"sha-256", "AB:CD:EF"};
    config.candidates = {"candidate:1 1 udp 2130706431 10.200.0.1 50000 typ host"};
    const auto answer = sdp::build_answer(offers.back(), config);
    done(session::AcceptedSession{"session-" + std::to_string(offers.size()), answer->description});
  }
  session::PatchResult patch_session(const std::string& session_id, const sdp::SdpFragment& fragment) override {
    patches.emplace_back(session_id, fragment);
    return session::AppliedFragment{};
  }
  bool stop_session(const std::string& session_id) override {
    deleted.push_back(session_id);
    return true;
  }
  bool has_session(const std::string& session_id) const override {
    return std::find(deleted.begin(), deleted.end(), session_id) == deleted.end();
  }

  bool answer_at_once = true;
  bool refuse = false;
  std::vector<sdp::SessionDescription> offers;
  std::vector<session::Requester> requesters;
  std::vector<std::string> deleted;
  std::vector<std::pair<std::string, sdp::SdpFragment>> patches;
  std::vector<std::function<void(session::CreateResult)>> pending;
};

class Handler : public ::testing::Test {
protected:
  Handler()
      : handler_(
            host_,
            // What goes out must also read back the same as text (the client serializes it).
            [this](const xml::Element& stanza) { sent_.push_back(testing::parse_or_die(xml::serialize(stanza))); },
            [this](const std::optional<std::string>& pin, const std::string& jid) {
              pin_checks_.push_back(jid);
              if (!pin) return PinVerdict::missing;
              return *pin == "4711" ? PinVerdict::accepted : PinVerdict::wrong;
            },
            JidFilter({}, {"mallory@example.net", "evil.example"})) {}

  // A session-initiate built from the captured webrtcbin offer, as the Jingle sender builds it.
  xml::Element initiate(const std::string& from, const std::string& sid, std::optional<std::string> pin = "4711") {
    const auto offer = sdp::parse_sdp(sdp::testing::read_vector(sdp::testing::kGstVp8)).value();
    auto jingle = sdp_to_jingle(offer, {"session-initiate", sid, from, ""}, Party::initiator);
    if (pin) jingle.add("pin", std::string(ns::kPin)).text = *pin;
    return iq_from(from, "i-" + sid, std::move(jingle));
  }
  static xml::Element iq_from(const std::string& from, const std::string& id, xml::Element jingle) {
    xml::Element iq("iq", "jabber:client");
    iq.set("type", "set").set("from", from).set("to", kBox).set("id", id);
    iq.add(std::move(jingle));
    return iq;
  }
  static xml::Element jingle_action(const std::string& action, const std::string& sid) {
    return make_jingle({action, sid, {}, {}});
  }
  // The Jingle child of a sent <iq type='set'/>, checking where it went.
  const xml::Element& sent_jingle(std::size_t index, std::string_view action) {
    EXPECT_LT(index, sent_.size());
    const auto& iq = sent_.at(index);
    EXPECT_EQ(iq.attribute_or("type"), "set");
    EXPECT_EQ(iq.attribute_or("to"), kPresenter);
    const auto* jingle = iq.child("jingle", ns::kJingle);
    if (!jingle) throw std::runtime_error("no jingle in " + xml::serialize(iq));
    EXPECT_EQ(jingle->attribute_or("action"), action);
    return *jingle;
  }
  static std::string reason_of(const xml::Element& jingle) {
    const auto* reason = jingle.child("reason", ns::kJingle);
    return reason && !reason->children.empty() ? reason->children.front().name : "";
  }

  RecordingCore host_;
  std::vector<xml::Element> sent_;
  std::vector<std::string> pin_checks_;
  JingleSessionHandler handler_;
};

TEST_F(Handler, InitiateIsAcknowledgedAnsweredWithSessionAcceptAndTerminated) {
  ASSERT_TRUE(handler_.handle_iq(initiate(kPresenter, "s1")));
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[0].attribute_or("type"), "result");
  EXPECT_EQ(sent_[0].attribute_or("id"), "i-s1");
  EXPECT_EQ(sent_[0].attribute_or("to"), kPresenter);
  EXPECT_EQ(pin_checks_, std::vector<std::string>{"alice@example.net"});

  // The core got the offer model, carrying what webrtcbin offered, from the presenter's JID.
  ASSERT_EQ(host_.offers.size(), 1u);
  EXPECT_EQ(host_.requesters[0].shown_as, std::string("xmpp:") + kPresenter);
  EXPECT_EQ(host_.requesters[0].source, "alice@example.net");
  EXPECT_TRUE(host_.requesters[0].remote);
  // The model is what WHIP's parser would make of its text.
  const auto offer = sdp::parse_sdp(sdp::write_sdp(host_.offers[0]));
  ASSERT_TRUE(offer) << offer.error().message;
  EXPECT_EQ(offer.value(), host_.offers[0]);
  const auto original = sdp::parse_sdp(sdp::testing::read_vector(sdp::testing::kGstVp8)).value();
  EXPECT_EQ(sdp::effective_ice_ufrag(offer.value(), offer->media[0]),
            sdp::effective_ice_ufrag(original, original.media[0]));
  EXPECT_EQ(offer->media[0].candidates.size(), original.media[0].candidates.size());

  // session-accept: from our address, the answer's codecs, DTLS passive, our candidate.
  const auto& accept = sent_jingle(1, "session-accept");
  EXPECT_EQ(accept.attribute_or("sid"), "s1");
  EXPECT_EQ(accept.attribute_or("responder"), kBox);
  const auto answer = jingle_to_sdp(accept, {Party::responder, &offer.value()});
  ASSERT_TRUE(answer) << answer.error().message;
  const auto& video = answer->media[0];
  EXPECT_EQ(video.media, "video");
  EXPECT_EQ(sdp::effective_direction(answer.value(), video), sdp::Direction::recvonly);
  EXPECT_EQ(video.find_rtpmap(96)->encoding, "VP8");
  EXPECT_EQ(video.transport.setup, sdp::Setup::passive);
  EXPECT_EQ(video.transport.ice_ufrag, "boxu");
  ASSERT_EQ(video.candidates.size(), 1u);
  EXPECT_EQ(video.candidates[0].address, "10.200.0.1");

  // The presenter's ack of the accept is ours to consume.
  xml::Element ack("iq", "jabber:client");
  ack.set("type", "result").set("id", sent_[1].attribute_or("id")).set("from", kPresenter);
  EXPECT_TRUE(handler_.handle_iq(ack));

  // Trickle while live goes straight to patch_session.
  auto info = jingle_action("transport-info", "s1");
  auto& transport = info.add("content", std::string(ns::kJingle)).set("creator", "initiator").set("name", "video0");
  auto& t = transport.add("transport", std::string(ns::kIceUdp));
  t.add(candidate_to_jingle(
      *sdp::parse_candidate("candidate:9 1 udp 41885439 10.200.0.3 3478 typ relay raddr 10.200.0.2 rport 5000"), "r0"));
  ASSERT_TRUE(handler_.handle_iq(iq_from(kPresenter, "ti", info)));
  EXPECT_EQ(sent_.back().attribute_or("type"), "result");
  ASSERT_EQ(host_.patches.size(), 1u);
  EXPECT_EQ(host_.patches[0].first, "session-1");
  const auto& fragment = host_.patches[0].second;
  ASSERT_EQ(fragment.candidates.size(), 1u);
  EXPECT_EQ(fragment.candidates[0].candidate.address, "10.200.0.3");
  EXPECT_EQ(fragment.candidates[0].mid, "video0");

  ASSERT_TRUE(handler_.handle_iq(iq_from(kPresenter, "t", jingle_action("session-terminate", "s1"))));
  EXPECT_EQ(sent_.back().attribute_or("type"), "result");
  EXPECT_EQ(host_.deleted, std::vector<std::string>{"session-1"});
  EXPECT_EQ(handler_.session_count(), 0u);
  // The host's own end of that session afterwards sends nothing more.
  const auto before = sent_.size();
  handler_.session_ended("session-1", "success", "the presentation ended");
  EXPECT_EQ(sent_.size(), before);
}

TEST_F(Handler, TransportInfoBeforeTheAnswerIsAppliedOnceTheSessionExists) {
  host_.answer_at_once = false;
  ASSERT_TRUE(handler_.handle_iq(initiate(kPresenter, "s2")));
  auto info = jingle_action("transport-info", "s2");
  auto& content = info.add("content", std::string(ns::kJingle)).set("creator", "initiator").set("name", "video0");
  content.add("transport", std::string(ns::kIceUdp))
      .add(candidate_to_jingle(*sdp::parse_candidate("candidate:7 1 udp 2122260223 10.200.0.2 40000 typ host"), "c"));
  ASSERT_TRUE(handler_.handle_iq(iq_from(kPresenter, "early", info)));
  EXPECT_EQ(sent_.back().attribute_or("type"), "result");
  EXPECT_TRUE(host_.patches.empty());
  host_.answer_next();
  ASSERT_EQ(host_.patches.size(), 1u);
  ASSERT_EQ(host_.patches[0].second.candidates.size(), 1u);
  EXPECT_EQ(host_.patches[0].second.candidates[0].candidate.address, "10.200.0.2");
  EXPECT_EQ(host_.patches[0].second.candidates[0].candidate.port, 40000);
}

TEST_F(Handler, PresenterHangingUpWhileAnsweringEndsTheNewSession) {
  host_.answer_at_once = false;
  ASSERT_TRUE(handler_.handle_iq(initiate(kPresenter, "s3")));
  ASSERT_TRUE(handler_.handle_iq(iq_from(kPresenter, "t", jingle_action("session-terminate", "s3"))));
  EXPECT_TRUE(host_.deleted.empty());
  host_.answer_next();
  EXPECT_EQ(host_.deleted, std::vector<std::string>{"session-1"});
  for (const auto& stanza : sent_) EXPECT_EQ(stanza.child("jingle", ns::kJingle), nullptr) << xml::serialize(stanza);
}

TEST_F(Handler, WrongOrMissingPinTerminatesWithoutASession) {
  ASSERT_TRUE(handler_.handle_iq(initiate(kPresenter, "p1", "0000")));
  EXPECT_EQ(sent_[0].attribute_or("type"), "result");
  const auto& wrong = sent_jingle(1, "session-terminate");
  EXPECT_EQ(reason_of(wrong), "security-error");
  ASSERT_TRUE(handler_.handle_iq(initiate(kPresenter, "p2", std::nullopt)));
  EXPECT_EQ(reason_of(sent_jingle(3, "session-terminate")), "security-error");
  EXPECT_TRUE(host_.offers.empty());
  EXPECT_EQ(handler_.session_count(), 0u);
  for (const auto& stanza : sent_) EXPECT_EQ(xml::serialize(stanza).find("0000"), std::string::npos);
}

TEST_F(Handler, BlockedAddressesAreDeclinedBeforeAnything) {
  ASSERT_TRUE(handler_.handle_iq(initiate("mallory@example.net/x", "b1")));
  ASSERT_TRUE(handler_.handle_iq(initiate("bob@EVIL.example/y", "b2")));
  // Each: the initiate acknowledged, then session-terminate <decline/> with a readable text.
  ASSERT_EQ(sent_.size(), 4u);
  for (std::size_t i = 0; i < sent_.size(); i += 2) {
    EXPECT_EQ(sent_[i].attribute_or("type"), "result");
    EXPECT_EQ(sent_[i + 1].attribute_or("type"), "set");
    const auto* jingle = sent_[i + 1].child("jingle", ns::kJingle);
    ASSERT_NE(jingle, nullptr);
    EXPECT_EQ(jingle->attribute_or("action"), "session-terminate");
    EXPECT_EQ(jingle->attribute_or("sid"), i == 0 ? "b1" : "b2");
    EXPECT_EQ(reason_of(*jingle), "decline");
    EXPECT_NE(xml::serialize(*jingle).find("may not present"), std::string::npos);
  }
  EXPECT_EQ(sent_[1].attribute_or("to"), "mallory@example.net/x");
  EXPECT_TRUE(pin_checks_.empty());
  EXPECT_TRUE(host_.offers.empty());
  EXPECT_EQ(handler_.session_count(), 0u);

  // An allowed list: "*@domain" admits the domain's accounts, others are declined.
  handler_.set_filter(JidFilter({"*@example.net"}, {}));
  ASSERT_TRUE(handler_.handle_iq(initiate("carol@elsewhere.example/z", "b3")));
  EXPECT_EQ(reason_of(*sent_.back().child("jingle", ns::kJingle)), "decline");
  EXPECT_TRUE(host_.offers.empty());
  ASSERT_TRUE(handler_.handle_iq(initiate(kPresenter, "b4")));
  EXPECT_EQ(host_.offers.size(), 1u);
}

TEST(JidFilter, MatchesBareJidsAndDomainsIgnoringCaseAndResource) {
  const JidFilter filter({"alice@example.net", "*@corp.example", "partner.example"}, {"boss@corp.example"});
  EXPECT_TRUE(filter.allows("Alice@Example.NET/phone"));
  EXPECT_TRUE(filter.allows("anyone@corp.example/x"));
  EXPECT_TRUE(filter.allows("bob@partner.example"));
  EXPECT_FALSE(filter.allows("boss@corp.example/desk"));  // blocked wins
  EXPECT_FALSE(filter.allows("bob@example.net"));
  EXPECT_FALSE(filter.allows("alice@sub.corp.example.evil"));
  EXPECT_FALSE(filter.allows(""));
  const JidFilter open({}, {"*@spam.example"});
  EXPECT_TRUE(open.allows("carol@elsewhere.example"));
  EXPECT_FALSE(open.allows("x@SPAM.example/r"));
}

TEST_F(Handler, FullRoomIsBusyAndBadOffersFailTheApplication) {
  host_.refuse = true;
  ASSERT_TRUE(handler_.handle_iq(initiate(kPresenter, "f1")));
  const auto& busy = sent_jingle(1, "session-terminate");
  EXPECT_EQ(reason_of(busy), "busy");
  EXPECT_NE(xml::serialize(busy).find("the room is full"), std::string::npos);

  auto bad = initiate(kPresenter, "f2");
  bad.children[0].children.clear();  // no content at all
  bad.children[0].add("pin", std::string(ns::kPin)).text = "4711";
  ASSERT_TRUE(handler_.handle_iq(bad));
  EXPECT_EQ(reason_of(sent_jingle(3, "session-terminate")), "unsupported-applications");
  EXPECT_EQ(handler_.session_count(), 0u);
}

TEST_F(Handler, UnknownSessionsAndForeignStanzas) {
  ASSERT_TRUE(handler_.handle_iq(iq_from(kPresenter, "u", jingle_action("transport-info", "nope"))));
  const auto* error = sent_.back().child("error", "jabber:client");
  ASSERT_NE(error, nullptr);
  EXPECT_NE(error->child("item-not-found", ns::kStanzas), nullptr);
  EXPECT_NE(error->child("unknown-session", ns::kJingleErrors), nullptr);

  xml::Element ping("iq", "jabber:client");
  ping.set("type", "get").set("id", "p").set("from", "example.net");
  ping.add("ping", "urn:xmpp:ping");
  EXPECT_FALSE(handler_.handle_iq(ping));
  xml::Element chat("message", "jabber:client");
  chat.add("body", "jabber:client").text = "hello";
  EXPECT_FALSE(handler_.handle_message(chat));
}

TEST_F(Handler, SessionEndedByTheBoxTellsThePresenter) {
  ASSERT_TRUE(handler_.handle_iq(initiate(kPresenter, "e1")));
  handler_.session_ended("session-2", "busy", "not ours");  // another session: nothing sent
  EXPECT_EQ(sent_.size(), 2u);
  handler_.session_ended("session-1", "busy", "another presenter took your place");
  const auto& terminate = sent_jingle(2, "session-terminate");
  EXPECT_EQ(reason_of(terminate), "busy");
  EXPECT_NE(xml::serialize(terminate).find("another presenter took your place"), std::string::npos);
  EXPECT_EQ(handler_.session_count(), 0u);
  EXPECT_TRUE(host_.deleted.empty());  // the host ended it itself
}

TEST_F(Handler, SessionOnTheScreenTellsThePresenterWithSessionInfoActive) {
  ASSERT_TRUE(handler_.handle_iq(initiate(kPresenter, "a1")));
  ASSERT_EQ(sent_.size(), 2u);         // result + session-accept
  handler_.session_live("session-9");  // not a remote session: nothing sent
  handler_.session_live("");
  EXPECT_EQ(sent_.size(), 2u);
  handler_.session_live("session-1");
  const auto& info = sent_jingle(2, "session-info");
  EXPECT_EQ(info.attribute_or("sid"), "a1");
  EXPECT_NE(info.child("active", ns::kRtpInfo), nullptr) << xml::serialize(info);
  // The presenter's result to it is ours, not an unknown stanza; the session goes on.
  xml::Element result("iq", "jabber:client");
  result.set("type", "result").set("from", kPresenter).set("id", sent_[2].attribute_or("id"));
  handler_.handle_iq(result);
  EXPECT_EQ(handler_.session_count(), 1u);
  EXPECT_TRUE(host_.deleted.empty());
}

TEST_F(Handler, TerminateAllTellsEveryPresenterAndEndsTheirSessions) {
  ASSERT_TRUE(handler_.handle_iq(initiate(kPresenter, "a1")));
  ASSERT_TRUE(handler_.handle_iq(initiate(kPresenter, "a2")));
  handler_.terminate_all("gone", "the display is shutting down");
  EXPECT_EQ(reason_of(*sent_.back().child("jingle", ns::kJingle)), "gone");
  EXPECT_EQ(host_.deleted, (std::vector<std::string>{"session-1", "session-2"}));
  EXPECT_EQ(handler_.session_count(), 0u);
}

TEST_F(Handler, RefusedAcceptEndsTheSession) {
  ASSERT_TRUE(handler_.handle_iq(initiate(kPresenter, "r1")));
  xml::Element error("iq", "jabber:client");
  error.set("type", "error").set("id", sent_[1].attribute_or("id")).set("from", kPresenter);
  ASSERT_TRUE(handler_.handle_iq(error));
  EXPECT_EQ(host_.deleted, std::vector<std::string>{"session-1"});
  EXPECT_EQ(handler_.session_count(), 0u);
}

TEST_F(Handler, JingleMessageInitiationProceedsOrRejects) {
  const auto propose = [](const std::string& from, const std::string& id, bool rtp) {
    xml::Element message("message", "jabber:client");
    message.set("type", "chat").set("from", from).set("to", "123456@cloud.example.net");
    auto& p = message.add("propose", std::string(ns::kJingleMessage));
    p.set("id", id);
    if (rtp) p.add("description", std::string(ns::kRtp)).set("media", "video");
    return message;
  };
  ASSERT_TRUE(handler_.handle_message(propose("dino@example.net/phone", "call-1", true)));
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].name, "message");
  EXPECT_EQ(sent_[0].attribute_or("to"), "dino@example.net/phone");
  EXPECT_EQ(sent_[0].attribute_or("type"), "chat");
  const auto* proceed = sent_[0].child("proceed", ns::kJingleMessage);
  ASSERT_NE(proceed, nullptr);
  EXPECT_EQ(proceed->attribute_or("id"), "call-1");
  EXPECT_NE(sent_[0].child("store", ns::kHints), nullptr);

  ASSERT_TRUE(handler_.handle_message(propose("mallory@example.net/x", "call-2", true)));
  const auto* reject = sent_.back().child("reject", ns::kJingleMessage);
  ASSERT_NE(reject, nullptr);
  ASSERT_NE(reject->child("reason", ns::kJingle), nullptr);
  EXPECT_NE(reject->child("reason", ns::kJingle)->child("decline", ns::kJingle), nullptr);

  ASSERT_TRUE(handler_.handle_message(propose("dino@example.net/phone", "call-3", false)));
  EXPECT_NE(sent_.back().child("reject", ns::kJingleMessage), nullptr);

  xml::Element retract("message", "jabber:client");
  retract.set("from", "dino@example.net/phone");
  retract.add("retract", std::string(ns::kJingleMessage)).set("id", "call-1");
  const auto before = sent_.size();
  EXPECT_TRUE(handler_.handle_message(retract));
  EXPECT_EQ(sent_.size(), before);

  // After proceed, the caller's session-initiate carries the proposal id as sid.
  ASSERT_TRUE(handler_.handle_iq(initiate(kPresenter, "call-1")));
  EXPECT_EQ(sent_jingle(sent_.size() - 1, "session-accept").attribute_or("sid"), "call-1");
}

}  // namespace
}  // namespace presentd::signaling::jingle

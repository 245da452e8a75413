// SPDX-License-Identifier: Apache-2.0
// The XMPP client's login table (xmpp_login_state.hpp): every element kind against every state
// the client can be in, with the one row of kinds each state expects written out below. A
// server must not skip a step: the table is what stops a <resumed/> or a SASL <success/> that
// nobody asked for from bringing the room online without TLS or a login.
#include "presentd/signaling/xmpp/xmpp_login_state.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

namespace presentd::xmpp {
namespace {

constexpr ElementKind kAllKinds[] = {
    ElementKind::stream_error,   ElementKind::features,     ElementKind::tls_proceed,  ElementKind::tls_failure,
    ElementKind::sasl_challenge, ElementKind::sasl_success, ElementKind::sasl_failure, ElementKind::sm_enabled,
    ElementKind::sm_resumed,     ElementKind::sm_failed,    ElementKind::sm_request,   ElementKind::sm_answer,
    ElementKind::bind_reply,     ElementKind::stanza,       ElementKind::other,
};

// The client's own steps, as XmppClient takes them, up to each state.
struct Path {
  std::string name;
  std::function<void(LoginStateTable&)> walk;
  std::set<ElementKind> expected;  // stream errors are always accepted: not listed
};

std::vector<Path> paths() {
  auto starttls_up = [](LoginStateTable& t) {
    t.opened_stream(false);
    t.sent_starttls();
    t.started_tls();
    t.opened_stream(true);
  };
  auto direct_up = [](LoginStateTable& t) {
    t.started_tls();
    t.opened_stream(true);
  };
  auto logged_in = [direct_up](LoginStateTable& t) {
    direct_up(t);
    t.sent_auth();
    t.sent_response();
    t.authenticated();
    t.opened_stream(true);
  };
  using K = ElementKind;
  return {
      {"new connection", [](LoginStateTable&) {}, {}},
      {"STARTTLS stream opened", [](LoginStateTable& t) { t.opened_stream(false); }, {K::features}},
      {"starttls sent",
       [](LoginStateTable& t) {
         t.opened_stream(false);
         t.sent_starttls();
       },
       {K::tls_proceed, K::tls_failure}},
      {"STARTTLS handshake",
       [](LoginStateTable& t) {
         t.opened_stream(false);
         t.sent_starttls();
         t.started_tls();
       },
       {}},
      {"Direct TLS handshake", [](LoginStateTable& t) { t.started_tls(); }, {}},
      {"STARTTLS stream over TLS", starttls_up, {K::features}},
      {"Direct TLS stream", direct_up, {K::features}},
      {"auth sent",
       [direct_up](LoginStateTable& t) {
         direct_up(t);
         t.sent_auth();
       },
       {K::sasl_challenge, K::sasl_success, K::sasl_failure}},
      {"response sent",
       [direct_up](LoginStateTable& t) {
         direct_up(t);
         t.sent_auth();
         t.sent_response();
       },
       {K::sasl_success, K::sasl_failure}},
      {"stream after login", logged_in, {K::features}},
      {"resume sent",
       [logged_in](LoginStateTable& t) {
         logged_in(t);
         t.sent_resume();
       },
       {K::sm_resumed, K::sm_failed}},
      {"bind sent",
       [logged_in](LoginStateTable& t) {
         logged_in(t);
         t.sent_bind();
       },
       {K::bind_reply}},
      {"online without stream management",
       [logged_in](LoginStateTable& t) {
         logged_in(t);
         t.sent_bind();
         t.went_online();
       },
       {K::stanza, K::bind_reply}},
      {"online, enable sent",
       [logged_in](LoginStateTable& t) {
         logged_in(t);
         t.sent_bind();
         t.sent_enable();
         t.went_online();
       },
       {K::stanza, K::bind_reply, K::sm_enabled, K::sm_failed, K::sm_request, K::sm_answer}},
  };
}

TEST(XmppLoginState, EachStateAcceptsExactlyWhatItExpects) {
  for (const auto& path : paths()) {
    for (const auto kind : kAllKinds) {
      LoginStateTable table;
      path.walk(table);
      ASSERT_FALSE(table.broken()) << path.name;
      const bool expected = kind == ElementKind::stream_error || path.expected.contains(kind);
      const auto refused = table.accept(kind);
      EXPECT_EQ(!refused.has_value(), expected) << path.name << ": " << element_kind_name(kind);
      if (refused) {
        EXPECT_NE(refused->find(element_kind_name(kind)), std::string::npos) << *refused;
      }
    }
  }
}

TEST(XmppLoginState, NoStreamIsSecureBeforeVerifiedTlsAndSasl) {
  for (const auto& path : paths()) {
    LoginStateTable table;
    path.walk(table);
    const bool logged_in = path.name == "stream after login" || path.name == "resume sent" ||
                           path.name == "bind sent" || path.name.starts_with("online");
    EXPECT_EQ(table.secure_and_authenticated(), logged_in) << path.name;
  }
}

TEST(XmppLoginState, TheEnableAnswerIsAcceptedOnce) {
  LoginStateTable table;
  table.started_tls();
  table.opened_stream(true);
  table.sent_auth();
  table.authenticated();
  table.opened_stream(true);
  table.sent_bind();
  table.sent_enable();
  table.went_online();
  EXPECT_FALSE(table.accept(ElementKind::sm_enabled));
  EXPECT_TRUE(table.accept(ElementKind::sm_enabled));
  EXPECT_TRUE(table.accept(ElementKind::sm_failed));
  EXPECT_FALSE(table.accept(ElementKind::sm_answer));  // still on
  EXPECT_TRUE(table.accept(ElementKind::sm_resumed));
}

TEST(XmppLoginState, RefusedEnableTurnsStreamManagementOff) {
  LoginStateTable table;
  table.started_tls();
  table.opened_stream(true);
  table.sent_auth();
  table.authenticated();
  table.opened_stream(true);
  table.sent_bind();
  table.sent_enable();
  table.went_online();
  EXPECT_FALSE(table.accept(ElementKind::sm_failed));
  EXPECT_TRUE(table.accept(ElementKind::sm_request));
  EXPECT_TRUE(table.accept(ElementKind::sm_answer));
}

TEST(XmppLoginState, ResumptionFailureFallsBackToBinding) {
  LoginStateTable table;
  table.started_tls();
  table.opened_stream(true);
  table.sent_auth();
  table.authenticated();
  table.opened_stream(true);
  table.sent_resume();
  EXPECT_FALSE(table.accept(ElementKind::sm_failed));
  table.sent_bind();
  EXPECT_FALSE(table.broken());
  EXPECT_FALSE(table.accept(ElementKind::bind_reply));
  table.went_online();
  EXPECT_EQ(table.state(), LoginState::online);
  EXPECT_FALSE(table.broken());
}

// The client's own steps out of order are caught too (the client ends the stream on broken()).
TEST(XmppLoginState, StepsOutOfOrderBreakTheTable) {
  const std::vector<std::pair<std::string, std::function<void(LoginStateTable&)>>> wrong = {
      {"auth without TLS",
       [](LoginStateTable& t) {
         t.opened_stream(false);
         t.sent_auth();
       }},
      {"login success without TLS",
       [](LoginStateTable& t) {
         t.opened_stream(false);
         t.authenticated();
       }},
      {"online before login",
       [](LoginStateTable& t) {
         t.started_tls();
         t.opened_stream(true);
         t.went_online();
       }},
      {"resume before login",
       [](LoginStateTable& t) {
         t.started_tls();
         t.opened_stream(true);
         t.sent_resume();
       }},
      {"plain stream after TLS",
       [](LoginStateTable& t) {
         t.started_tls();
         t.opened_stream(true);
         t.opened_stream(false);
       }},
      {"enable before bind",
       [](LoginStateTable& t) {
         t.started_tls();
         t.opened_stream(true);
         t.sent_enable();
       }},
      {"TLS stream without a handshake", [](LoginStateTable& t) { t.opened_stream(true); }},
  };
  for (const auto& [name, walk] : wrong) {
    LoginStateTable table;
    walk(table);
    EXPECT_TRUE(table.broken()) << name;
  }
}

TEST(XmppLoginState, ClassifiesByNameAndNamespace) {
  const std::map<ElementKind, xml::Element> cases = {
      {ElementKind::stream_error, xml::Element("error", "http://etherx.jabber.org/streams")},
      {ElementKind::features, xml::Element("features", "http://etherx.jabber.org/streams")},
      {ElementKind::tls_proceed, xml::Element("proceed", std::string(kTlsNs))},
      {ElementKind::tls_failure, xml::Element("failure", std::string(kTlsNs))},
      {ElementKind::sasl_challenge, xml::Element("challenge", std::string(kSaslNs))},
      {ElementKind::sasl_success, xml::Element("success", std::string(kSaslNs))},
      {ElementKind::sasl_failure, xml::Element("failure", std::string(kSaslNs))},
      {ElementKind::sm_enabled, xml::Element("enabled", "urn:xmpp:sm:3")},
      {ElementKind::sm_resumed, xml::Element("resumed", "urn:xmpp:sm:3")},
      {ElementKind::sm_failed, xml::Element("failed", "urn:xmpp:sm:3")},
      {ElementKind::sm_request, xml::Element("r", "urn:xmpp:sm:3")},
      {ElementKind::sm_answer, xml::Element("a", "urn:xmpp:sm:3")},
      {ElementKind::stanza, xml::Element("message", "jabber:client")},
      {ElementKind::other, xml::Element("success", "jabber:client")},
  };
  for (const auto& [kind, element] : cases) EXPECT_EQ(classify(element), kind) << element.name << " " << element.ns;
  xml::Element bind("iq", "jabber:client");
  bind.set("id", "bind").set("type", "result");
  EXPECT_EQ(classify(bind), ElementKind::bind_reply);
  bind.set("type", "set");  // a request with that id is just a stanza
  EXPECT_EQ(classify(bind), ElementKind::stanza);
  EXPECT_EQ(classify(xml::Element("resumed", "urn:xmpp:sm:2")), ElementKind::other);
  EXPECT_EQ(classify(xml::Element("stream", "http://etherx.jabber.org/streams")), ElementKind::other);
}

}  // namespace
}  // namespace presentd::xmpp

// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/xmpp/xmpp_login_state.hpp"

#include "presentd/signaling/xmpp/stream_management.hpp"
#include "presentd/signaling/xmpp/xml_stream_parser.hpp"

namespace presentd::xmpp {
namespace {

constexpr std::string_view kClientNs = "jabber:client";

}  // namespace

std::string_view login_state_name(LoginState state) {
  switch (state) {
    case LoginState::closed: return "no stream is open";
    case LoginState::plain_features: return "waiting for the features of a stream without TLS";
    case LoginState::starttls_sent: return "waiting for the answer to <starttls/>";
    case LoginState::tls_handshake: return "the TLS handshake runs";
    case LoginState::tls_features: return "waiting for the features of the TLS stream";
    case LoginState::auth_sent: return "waiting for the answer to <auth/>";
    case LoginState::response_sent: return "waiting for the answer to <response/>";
    case LoginState::bound_features: return "waiting for the features after login";
    case LoginState::resume_sent: return "waiting for the answer to <resume/>";
    case LoginState::bind_sent: return "waiting for the resource binding";
    case LoginState::online: return "online";
  }
  return "unknown";
}

std::string_view element_kind_name(ElementKind kind) {
  switch (kind) {
    case ElementKind::stream_error: return "<stream:error/>";
    case ElementKind::features: return "<stream:features/>";
    case ElementKind::tls_proceed: return "<proceed/>";
    case ElementKind::tls_failure: return "STARTTLS <failure/>";
    case ElementKind::sasl_challenge: return "SASL <challenge/>";
    case ElementKind::sasl_success: return "SASL <success/>";
    case ElementKind::sasl_failure: return "SASL <failure/>";
    case ElementKind::sm_enabled: return "<enabled/>";
    case ElementKind::sm_resumed: return "<resumed/>";
    case ElementKind::sm_failed: return "stream management <failed/>";
    case ElementKind::sm_request: return "stream management <r/>";
    case ElementKind::sm_answer: return "stream management <a/>";
    case ElementKind::bind_reply: return "the bind reply";
    case ElementKind::stanza: return "a stanza";
    case ElementKind::other: return "an unknown element";
  }
  return "an unknown element";
}

ElementKind classify(const xml::Element& element) {
  const auto& name = element.name;
  if (element.ns == kStreamsNs) {
    if (name == "error") return ElementKind::stream_error;
    if (name == "features") return ElementKind::features;
    return ElementKind::other;
  }
  if (element.ns == kTlsNs) {
    if (name == "proceed") return ElementKind::tls_proceed;
    if (name == "failure") return ElementKind::tls_failure;
    return ElementKind::other;
  }
  if (element.ns == kSaslNs) {
    if (name == "challenge") return ElementKind::sasl_challenge;
    if (name == "success") return ElementKind::sasl_success;
    if (name == "failure") return ElementKind::sasl_failure;
    return ElementKind::other;
  }
  if (element.ns == kSmNs) {
    if (name == "enabled") return ElementKind::sm_enabled;
    if (name == "resumed") return ElementKind::sm_resumed;
    if (name == "failed") return ElementKind::sm_failed;
    if (name == "r") return ElementKind::sm_request;
    if (name == "a") return ElementKind::sm_answer;
    return ElementKind::other;
  }
  if (element.ns == kClientNs && (name == "iq" || name == "message" || name == "presence")) {
    const auto type = element.attribute_or("type");
    if (name == "iq" && element.attribute_or("id") == "bind" && (type == "result" || type == "error")) {
      return ElementKind::bind_reply;
    }
    return ElementKind::stanza;
  }
  return ElementKind::other;
}

void LoginStateTable::move_from(LoginState expected, LoginState next) {
  if (state_ != expected) {
    broken_ = true;
    return;
  }
  state_ = next;
}

void LoginStateTable::opened_stream(bool tls_verified) {
  if (!tls_verified) {
    // Only the first stream of a STARTTLS connection runs without TLS.
    if (state_ != LoginState::closed || tls_verified_) broken_ = true;
    state_ = LoginState::plain_features;
    return;
  }
  tls_verified_ = true;
  if (state_ == LoginState::tls_handshake && !authenticated_) {
    state_ = LoginState::tls_features;
  } else if (authenticated_ && (state_ == LoginState::auth_sent || state_ == LoginState::response_sent)) {
    state_ = LoginState::bound_features;
  } else {
    broken_ = true;
  }
}

void LoginStateTable::started_tls() {
  if (state_ != LoginState::closed && state_ != LoginState::starttls_sent) broken_ = true;
  state_ = LoginState::tls_handshake;
}

void LoginStateTable::authenticated() {
  if (!tls_verified_ || (state_ != LoginState::auth_sent && state_ != LoginState::response_sent)) broken_ = true;
  authenticated_ = true;
}

void LoginStateTable::sent_bind() {
  if (state_ != LoginState::bound_features && state_ != LoginState::resume_sent) broken_ = true;
  state_ = LoginState::bind_sent;
}

void LoginStateTable::sent_enable() {
  if (state_ != LoginState::bind_sent || !secure_and_authenticated()) broken_ = true;
  enable_pending_ = true;
  sm_on_ = true;
}

void LoginStateTable::went_online() {
  if ((state_ != LoginState::bind_sent && state_ != LoginState::resume_sent) || !secure_and_authenticated()) {
    broken_ = true;
  }
  state_ = LoginState::online;
}

std::optional<std::string> LoginStateTable::accept(ElementKind kind) {
  if (kind == ElementKind::stream_error) return std::nullopt;  // always: it ends the stream anyway
  bool expected = false;
  switch (state_) {
    case LoginState::closed:
    case LoginState::tls_handshake: break;
    case LoginState::plain_features:
    case LoginState::tls_features:
    case LoginState::bound_features: expected = kind == ElementKind::features; break;
    case LoginState::starttls_sent:
      expected = kind == ElementKind::tls_proceed || kind == ElementKind::tls_failure;
      break;
    case LoginState::auth_sent:
      expected =
          kind == ElementKind::sasl_challenge || kind == ElementKind::sasl_success || kind == ElementKind::sasl_failure;
      break;
    case LoginState::response_sent:
      expected = kind == ElementKind::sasl_success || kind == ElementKind::sasl_failure;
      break;
    case LoginState::resume_sent:
      expected = kind == ElementKind::sm_resumed || kind == ElementKind::sm_failed;
      if (kind == ElementKind::sm_resumed) sm_on_ = true;
      break;
    case LoginState::bind_sent: expected = kind == ElementKind::bind_reply; break;
    case LoginState::online:
      // Once online anyone may send us an iq with id 'bind': it is an ordinary stanza then.
      if (kind == ElementKind::stanza || kind == ElementKind::bind_reply) {
        expected = true;
      } else if (kind == ElementKind::sm_request || kind == ElementKind::sm_answer) {
        expected = sm_on_;
      } else if (kind == ElementKind::sm_enabled || kind == ElementKind::sm_failed) {
        expected = enable_pending_;
        if (expected) {
          enable_pending_ = false;
          if (kind == ElementKind::sm_failed) sm_on_ = false;  // <enable/> refused
        }
      }
      break;
  }
  if (expected) return std::nullopt;
  return std::string(element_kind_name(kind)) + " is not expected " +
         (state_ == LoginState::online ? std::string("once online") : "while " + std::string(login_state_name(state_)));
}

}  // namespace presentd::xmpp

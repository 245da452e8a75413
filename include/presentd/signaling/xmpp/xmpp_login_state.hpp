// SPDX-License-Identifier: Apache-2.0
#pragma once
// Which element the XMPP client accepts when (RFC 6120 §5, §6, §7; XEP-0198). A server, or
// anyone on the path before TLS, must not be able to skip a step: a <resumed/> or a SASL
// <success/> nobody asked for, a <proceed/> without <starttls/>, stanzas before the resource is
// bound. The client tells this table what it sent; each arriving element is checked against
// the current state before the client acts on it, and anything unexpected ends the stream.
//
//   state              entered when the client…               accepts
//   ─────────────────  ──────────────────────────────────────  ──────────────────────────────────
//   plain_features     opened a stream without TLS (STARTTLS)  <features/>
//   starttls_sent      sent <starttls/>                        <proceed/>, <failure/> (tls ns)
//   tls_handshake      started the TLS handshake               nothing (TLS owns the socket)
//   tls_features       opened a stream over verified TLS       <features/>
//   auth_sent          sent <auth/>                            <challenge/>, <success/>, <failure/>
//   response_sent      sent <response/> (SCRAM client-final)   <success/>, <failure/>
//   bound_features     opened the stream after SASL success    <features/>
//   resume_sent        sent <resume/>                          <resumed/>, <failed/> (sm ns)
//   bind_sent          sent the bind iq                        the bind iq's result or error
//   online             was bound or resumed                    stanzas, <r/>, <a/>; <enabled/> and
//                                                              <failed/> once after <enable/>
//
// A <stream:error/> is accepted in every state (it ends the stream with its condition). SASL
// and stream-management states are only reachable over TLS whose certificate was verified:
// the client calls opened_stream(tls_verified) and the table refuses to leave plain_features
// for anything but starttls_sent. Stream-management answers (<r/>, <a/>) need an <enable/> or
// <resume/> of ours first.
//
// Thread: the client's (event loop). A plain value type: unit tests walk the table directly.
#include <optional>
#include <string>
#include <string_view>

#include "presentd/xml/element.hpp"

namespace presentd::xmpp {

inline constexpr std::string_view kTlsNs = "urn:ietf:params:xml:ns:xmpp-tls";
inline constexpr std::string_view kSaslNs = "urn:ietf:params:xml:ns:xmpp-sasl";

enum class LoginState {
  closed,
  plain_features,
  starttls_sent,
  tls_handshake,
  tls_features,
  auth_sent,
  response_sent,
  bound_features,
  resume_sent,
  bind_sent,
  online,
};
[[nodiscard]] std::string_view login_state_name(LoginState state);

// What arrived, by name and namespace (only what the client tells apart).
enum class ElementKind {
  stream_error,
  features,
  tls_proceed,
  tls_failure,
  sasl_challenge,
  sasl_success,
  sasl_failure,
  sm_enabled,
  sm_resumed,
  sm_failed,
  sm_request,  // <r/>
  sm_answer,   // <a/>
  bind_reply,  // <iq id='bind'/> of type result or error
  stanza,      // any other iq, message or presence in jabber:client
  other,
};
[[nodiscard]] ElementKind classify(const xml::Element& element);
[[nodiscard]] std::string_view element_kind_name(ElementKind kind);

class LoginStateTable {
public:
  // What the client did.
  void closed() { *this = LoginStateTable(); }
  // A new stream header was sent (new connection, after TLS, after SASL success). Over TLS
  // `tls_verified` must be true; authenticated streams are only possible over TLS.
  void opened_stream(bool tls_verified);
  void sent_starttls() { move_from(LoginState::plain_features, LoginState::starttls_sent); }
  void started_tls();  // after <proceed/> (STARTTLS) or on connect (Direct TLS)
  void sent_auth() { move_from(LoginState::tls_features, LoginState::auth_sent); }
  void sent_response() { move_from(LoginState::auth_sent, LoginState::response_sent); }
  void authenticated();  // <success/> was accepted and verified
  void sent_resume() { move_from(LoginState::bound_features, LoginState::resume_sent); }
  void sent_bind();  // from bound_features, or resume_sent after <failed/>
  void sent_enable();
  void went_online();  // bind result or <resumed/> accepted

  // nullopt: `kind` is expected now; else why the stream must end. Accepting moves the table
  // for answers that have no reply of the client's (the <enable/> answer).
  [[nodiscard]] std::optional<std::string> accept(ElementKind kind);

  [[nodiscard]] LoginState state() const { return state_; }
  [[nodiscard]] bool tls_verified() const { return tls_verified_; }
  [[nodiscard]] bool is_authenticated() const { return authenticated_; }
  // Presence, stanzas and stanzas kept for resumption may go out only on such a stream.
  [[nodiscard]] bool secure_and_authenticated() const { return tls_verified_ && authenticated_; }
  // Set when the client asked for something the current state does not allow (a bug of ours,
  // or a path the tests must show unreachable); the client ends the stream.
  [[nodiscard]] bool broken() const { return broken_; }

private:
  void move_from(LoginState expected, LoginState next);

  LoginState state_ = LoginState::closed;
  bool tls_verified_ = false;
  bool authenticated_ = false;
  bool enable_pending_ = false;  // <enable/> sent, no <enabled/>/<failed/> yet
  bool sm_on_ = false;           // <r/> and <a/> have a meaning
  bool broken_ = false;
};

}  // namespace presentd::xmpp

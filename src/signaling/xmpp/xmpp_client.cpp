// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/xmpp/xmpp_client.hpp"

#include <array>
#include <charconv>
#include <deque>

#include "presentd/common/log.hpp"

namespace presentd::xmpp {
namespace {

constexpr std::string_view kTag = "xmpp";
constexpr std::string_view kClientNs = "jabber:client";
constexpr std::string_view kBindNs = "urn:ietf:params:xml:ns:xmpp-bind";
constexpr std::string_view kPingNs = "urn:xmpp:ping";
constexpr std::string_view kStanzaErrorNs = "urn:ietf:params:xml:ns:xmpp-stanzas";
constexpr std::string_view kStreamErrorNs = "urn:ietf:params:xml:ns:xmpp-streams";
// Our own element in presence, so senders can read the room's state without parsing <status/>.
constexpr std::string_view kRoomNs = "urn:presentd:room:0";

std::optional<std::uint32_t> parse_h(std::string_view text) {
  std::uint32_t value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// The first child's name, for error conditions ("not-authorized", "conflict").
std::string condition_of(const xml::Element& element) {
  for (const auto& child : element.children) {
    if (child.name != "text") return child.name;
  }
  return "unknown";
}

}  // namespace

std::string_view room_status_name(RoomStatus status) {
  switch (status) {
    case RoomStatus::idle: return "idle";
    case RoomStatus::presenting: return "presenting";
    case RoomStatus::full: return "full";
  }
  return "idle";
}

struct XmppClient::Link {
  explicit Link(std::unique_ptr<XmppTransport> bytes) : transport(std::move(bytes)) {}
  std::unique_ptr<XmppTransport> transport;
  XmppClient* owner = nullptr;  // null once the client let go of this link
  bool tls = false;
  bool handshaking = false;
  bool writing = false;
  bool close_after_write = false;
  std::deque<std::string> out;
  std::array<std::uint8_t, std::size_t{16} * 1024> buffer{};

  void close() {
    owner = nullptr;
    transport->close();
  }
};

XmppClient::XmppClient(boost::asio::io_context& io, XmppClientSettings settings,
                       std::shared_ptr<boost::asio::ssl::context> tls, Connector connector,
                       XmppClientCallbacks callbacks)
    : XmppClient(io, std::move(settings), make_socket_transport(std::move(tls)), std::move(connector),
                 std::move(callbacks)) {}

XmppClient::XmppClient(boost::asio::io_context& io, XmppClientSettings settings, TransportFactory transport,
                       Connector connector, XmppClientCallbacks callbacks)
    : io_(io),
      settings_(std::move(settings)),
      transport_(std::move(transport)),
      connector_(std::move(connector)),
      callbacks_(std::move(callbacks)),
      random_(std::random_device{}()),
      backoff_([this] { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); }),
      reconnect_timer_(io),
      ping_timer_(io),
      deadline_timer_(io) {
  if (settings_.host.empty()) settings_.host = settings_.domain;
}

XmppClient::~XmppClient() {
  liveness_.end();
  if (link_) link_->close();
  if (cancel_connect_) cancel_connect_();
}

void XmppClient::start() {
  loop_.check("XmppClient::start");
  if (phase_ != Phase::stopped) return;
  set_phase(Phase::waiting);
  connect();
}

void XmppClient::stop() {
  loop_.check("XmppClient::stop");
  if (phase_ == Phase::stopped) return;
  const bool was_online = online();
  reconnect_timer_.cancel();
  ping_timer_.cancel();
  deadline_timer_.cancel();
  if (cancel_connect_) std::exchange(cancel_connect_, nullptr)();
  if (link_) {
    // A clean end: the server tells subscribers the room went away and forgets the session
    // (no resumption is wanted after a deliberate stop).
    auto link = std::exchange(link_, nullptr);
    if (was_online) {
      link->out.push_back("<presence type='unavailable'/></stream:stream>");
      link->close_after_write = true;
      link->owner = nullptr;
      // With a write in flight its handler carries on (write_next); either way the queue is
      // written out and the connection closed.
      if (!link->writing) write_then_close(link);
    } else {
      link->close();
    }
  }
  sm_.reset();
  set_phase(Phase::stopped);
  PD_LOG(info, kTag) << "disconnected from " << settings_.domain;
}

void XmppClient::set_phase(Phase phase) {
  const bool was_online = online();
  phase_ = phase;
  if (was_online != online() && callbacks_.on_online_changed) callbacks_.on_online_changed(online());
}

std::string XmppClient::next_id() { return "pd" + std::to_string(++id_counter_); }

void XmppClient::connect() {
  set_phase(Phase::connecting);
  login_.closed();
  PD_LOG(info, kTag) << "connecting to " << settings_.host << " port " << settings_.port
                     << (settings_.direct_tls ? " (Direct TLS)" : " (STARTTLS)");
  cancel_connect_ =
      connector_(settings_.host, settings_.port,
                 [this, alive = liveness_.token()](boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
                   if (!alive || phase_ != Phase::connecting) return;  // gone or stopped meanwhile
                   cancel_connect_ = nullptr;
                   on_connected(ec, std::move(socket));
                 });
  // The whole login, TCP connect included, must finish in time or the attempt is dropped.
  deadline_timer_.expires_after(settings_.login_timeout);
  deadline_timer_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
    if (ec || !alive || phase_ == Phase::online || phase_ == Phase::stopped || phase_ == Phase::waiting) return;
    drop("login did not finish within " + std::to_string(settings_.login_timeout.count() / 1000) + " s");
  });
}

void XmppClient::on_connected(boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
  if (ec) {
    drop("cannot connect to " + settings_.host + " port " + std::to_string(settings_.port) + ": " + ec.message());
    return;
  }
  connected_at_ = std::chrono::steady_clock::now();
  boost::system::error_code ignored;
  socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  link_ = std::make_shared<Link>(transport_(std::move(socket)));
  link_->owner = this;
  parser_.reset();
  if (settings_.direct_tls) {
    start_tls();
  } else {
    open_stream();
    read();
  }
}

void XmppClient::start_tls() {
  set_phase(Phase::tls);
  login_.started_tls();
  auto link = link_;
  link->handshaking = true;
  link->transport->handshake(settings_.domain, settings_.direct_tls,
                             [this, link](boost::system::error_code ec, const std::string& failure) {
                               if (link->owner == nullptr) return;
                               link->handshaking = false;
                               if (ec) {
                                 PD_LOG(error, kTag) << "refusing the server " << settings_.host << " for "
                                                     << settings_.domain << ": " << failure;
                                 drop("TLS handshake failed");
                                 return;
                               }
                               link->tls = true;
                               PD_LOG(debug, kTag) << "TLS up (" << link->transport->tls_version()
                                                   << "), certificate verified for " << settings_.domain;
                               parser_.reset();
                               open_stream();
                               read();
                             });
}

void XmppClient::open_stream() {
  set_phase(login_.is_authenticated() ? Phase::binding : Phase::stream);
  login_.opened_stream(link_->tls);
  send_raw("<?xml version='1.0'?><stream:stream to='" + xml::xml_escape(settings_.domain) +
           "' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
}

void XmppClient::read() {
  auto link = link_;
  auto handler = [this, link](boost::system::error_code ec, std::size_t bytes) {
    if (link->owner == nullptr) return;
    if (ec) {
      drop(ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated
               ? "the server closed the connection"
               : "connection lost: " + ec.message());
      return;
    }
    on_read(bytes);
  };
  link->transport->read_some(link->buffer, handler);
}

void XmppClient::on_read(std::size_t bytes) {
  auto link = link_;
  auto result = parser_.feed(std::span<const std::uint8_t>(link->buffer.data(), bytes));
  for (auto& event : result.events) {
    if (link_ != link) return;  // dropped, or restarted into TLS, while handling
    if (std::holds_alternative<StreamClosed>(event)) {
      drop("the server closed the stream");
      return;
    }
    if (auto* stanza = std::get_if<StanzaReceived>(&event)) handle(stanza->stanza);
    if (link_ != link) return;
    if (login_.broken()) {
      drop("internal error: a login step out of order (" + std::string(login_state_name(login_.state())) + ")");
      return;
    }
    if (link->handshaking) return;  // STARTTLS: TLS takes the socket over; it resumes reading
  }
  if (result.error) {
    PD_LOG(warning, kTag) << "closing the stream from " << settings_.host << ": " << *result.error;
    send_raw(
        "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
        "</stream:stream>");
    drop("bad XML from the server");
    return;
  }
  read();
}

void XmppClient::handle(const xml::Element& stanza) {
  const auto kind = classify(stanza);
  if (auto refused = login_.accept(kind)) {
    // A server (or anyone on the path before TLS) must not skip a step of the login.
    PD_LOG(warning, kTag) << "closing the stream from " << settings_.host << ": " << *refused;
    return drop(*refused);
  }
  switch (kind) {
    case ElementKind::stream_error: return drop("stream error from the server: " + condition_of(stanza));
    case ElementKind::features: return on_features(stanza);
    case ElementKind::tls_proceed: return start_tls();
    case ElementKind::tls_failure: return drop("the server refused STARTTLS");
    case ElementKind::sasl_challenge:
    case ElementKind::sasl_success:
    case ElementKind::sasl_failure: return on_sasl(stanza);
    case ElementKind::sm_enabled:
    case ElementKind::sm_resumed:
    case ElementKind::sm_failed:
    case ElementKind::sm_request:
    case ElementKind::sm_answer: return handle_sm(stanza);
    case ElementKind::bind_reply:
      if (login_.state() == LoginState::bind_sent) return on_bind_reply(stanza);
      return handle_online(stanza);
    case ElementKind::stanza: return handle_online(stanza);
    case ElementKind::other: return;  // refused above
  }
}

void XmppClient::on_bind_reply(const xml::Element& stanza) {
  if (stanza.attribute_or("type") != "result") {
    const xml::Element* error = stanza.child("error");
    return drop("resource binding refused: " + condition_of(error != nullptr ? *error : stanza));
  }
  const xml::Element* jid = stanza.child("bind", kBindNs) ? stanza.child("bind", kBindNs)->child("jid") : nullptr;
  bound_jid_ = jid ? jid->text : settings_.local + "@" + settings_.domain + "/" + settings_.resource;
  if (sm_offered_) {
    // The server counts our stanzas from the moment it reads <enable/>.
    send_raw("<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
    login_.sent_enable();
    sm_.requested();
  }
  on_online();
}

void XmppClient::on_features(const xml::Element& features) {
  if (!link_->tls) {
    // Never log in without TLS: no STARTTLS offered means no login at all.
    if (features.child("starttls", kTlsNs) == nullptr) return drop("the server does not offer STARTTLS");
    send_raw("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    login_.sent_starttls();
    return;
  }
  if (!login_.is_authenticated()) {
    const xml::Element* mechanisms = features.child("mechanisms", kSaslNs);
    if (mechanisms == nullptr) return drop("the server offers no SASL mechanisms");
    return start_auth(*mechanisms);
  }
  sm_offered_ = features.child("sm", kSmNs) != nullptr;
  if (sm_offered_ && sm_.can_resume()) {
    send_raw("<resume xmlns='urn:xmpp:sm:3' h='" + std::to_string(sm_.inbound()) + "' previd='" +
             xml::xml_escape(sm_.resume_id()) + "'/>");
    login_.sent_resume();
    return;
  }
  sm_.reset();
  bind();
}

void XmppClient::start_auth(const xml::Element& mechanisms) {
  set_phase(Phase::authenticating);
  auto offered = [&](std::string_view name) {
    for (const auto& m : mechanisms.children) {
      if (m.name == "mechanism" && m.text == name) return true;
    }
    return false;
  };
  scram_.reset();
  scram_hash_.reset();
  for (const auto hash : {ScramHash::sha256, ScramHash::sha1}) {
    if (offered(ScramClient::mechanism_name(hash))) {
      scram_hash_ = hash;
      break;
    }
  }
  std::string mechanism;
  std::string initial;
  if (scram_hash_) {
    scram_ = std::make_unique<ScramClient>(*scram_hash_, settings_.local, settings_.password);
    if (auto& cached = salted_cache_[*scram_hash_ == ScramHash::sha1 ? 0 : 1]) scram_->use_salted_password(*cached);
    auto first = scram_->client_first();
    if (!first.ok()) return drop(first.error, true);
    mechanism = std::string(ScramClient::mechanism_name(*scram_hash_));
    initial = first.message;
  } else if (offered("PLAIN") && settings_.allow_plain) {
    // Only reached over TLS whose certificate was verified (the handshake refuses anything else).
    mechanism = "PLAIN";
    initial = std::string(1, '\0') + settings_.local + std::string(1, '\0') + settings_.password;
  } else {
    return drop(offered("PLAIN") ? "the server offers only PLAIN, which cloud.allow_plain does not allow"
                                 : "the server offers no SASL mechanism presentd supports (SCRAM-SHA-256, SCRAM-SHA-1)",
                true);
  }
  PD_LOG(debug, kTag) << "authenticating as " << settings_.local << "@" << settings_.domain << " with " << mechanism;
  send_raw("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='" + mechanism + "'>" + base64_encode(initial) +
           "</auth>");
  login_.sent_auth();
}

void XmppClient::on_sasl(const xml::Element& element) {
  if (element.name == "failure") {
    const std::string condition = condition_of(element);
    PD_LOG(error, kTag) << "the server refused the login of " << settings_.local << "@" << settings_.domain << " ("
                        << condition << ")"
                        << (condition == "not-authorized" ? ": wrong password in cloud.password_file?" : "");
    return drop("authentication failed", true);
  }
  const auto payload = base64_decode(element.text);
  if (!payload && !element.text.empty() && element.text != "=") return drop("bad base64 from the server");
  if (element.name == "challenge") {
    if (!scram_) return drop("unexpected SASL challenge");
    const auto step = scram_->client_final(payload.value_or(""));
    if (!step.ok()) return drop(step.error, true);
    salted_cache_[*scram_hash_ == ScramHash::sha1 ? 0 : 1] = scram_->salted_password();
    send_raw("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" + base64_encode(step.message) + "</response>");
    login_.sent_response();
    return;
  }
  if (element.name == "success") {
    if (scram_) {
      // RFC 6120 §6.3.10: the server-final message comes as additional data with <success/>.
      const auto verified = scram_->verify_server_final(payload.value_or(""));
      if (!verified.ok()) return drop(verified.error, true);
    }
    scram_.reset();
    login_.authenticated();
    PD_LOG(info, kTag) << "logged in as " << settings_.local << "@" << settings_.domain;
    parser_.reset();
    open_stream();
    return;
  }
  drop("unexpected SASL element <" + element.name + ">");
}

void XmppClient::bind() {
  set_phase(Phase::binding);
  send_raw("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" +
           xml::xml_escape(settings_.resource) + "</resource></bind></iq>");
  login_.sent_bind();
}

void XmppClient::handle_sm(const xml::Element& element) {
  if (element.name == "enabled") {
    const auto resume = element.attribute_or("resume");
    sm_.enabled(resume == "true" || resume == "1" ? std::string(element.attribute_or("id")) : std::string());
    return;
  }
  if (element.name == "resumed") {
    const auto h = parse_h(element.attribute_or("h"));
    auto resend = sm_.resumed(h.value_or(0));
    PD_LOG(info, kTag) << "stream resumed (" << resend.size() << " stanza(s) sent again)";
    on_online();
    // Kept stanzas go out again only here: the table let <resumed/> through only after our
    // <resume/> on a verified, authenticated stream (send_secure checks once more).
    for (auto& stanza : resend) send_secure(std::move(stanza), true);
    return;
  }
  if (element.name == "failed") {
    if (phase_ == Phase::online) {
      sm_.reset();  // <enable/> refused: carry on without stream management
    } else {
      PD_LOG(info, kTag) << "stream resumption refused (" << condition_of(element) << "): binding a new session";
      sm_.reset();
      bind();
    }
    return;
  }
  if (!sm_.active()) return;
  if (element.name == "r") {
    send_raw("<a xmlns='urn:xmpp:sm:3' h='" + std::to_string(sm_.inbound()) + "'/>");
  } else if (element.name == "a") {
    const auto h = parse_h(element.attribute_or("h"));
    if (!h || !sm_.acknowledged(*h)) drop("the server acknowledged stanzas we never sent");
  }
}

void XmppClient::on_online() {
  login_.went_online();
  deadline_timer_.cancel();
  send_presence();
  last_login_time_ =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - connected_at_);
  backoff_.reset();
  set_phase(Phase::online);
  PD_LOG(notice, kTag) << "online as " << bound_jid_ << " (" << room_status_name(status_) << ")";
  schedule_ping();
}

void XmppClient::handle_online(const xml::Element& stanza) {
  const bool counted = stanza.name == "iq" || stanza.name == "message" || stanza.name == "presence";
  if (counted) sm_.count_inbound();
  const auto type = stanza.attribute_or("type");
  if (stanza.name == "iq" && (type == "result" || type == "error") && !pending_ping_id_.empty() &&
      stanza.attribute_or("id") == pending_ping_id_) {
    pending_ping_id_.clear();
    deadline_timer_.cancel();
    return;
  }
  if (stanza.name == "iq" && type == "get" && stanza.child("ping", kPingNs) != nullptr) {
    xml::Element reply("iq", std::string(kClientNs));
    reply.set("type", "result").set("id", stanza.attribute_or("id"));
    if (auto from = stanza.attribute("from")) reply.set("to", *from);
    send_stanza(reply);
    return;
  }
  if (stanza.name == "presence" && type == "subscribe") {
    // Anyone may see whether the room is online (docs/cloud.md); admission happens per session.
    xml::Element reply("presence", std::string(kClientNs));
    reply.set("to", stanza.attribute_or("from")).set("type", "subscribed");
    send_stanza(reply);
    return;
  }
  if (callbacks_.on_stanza && callbacks_.on_stanza(stanza)) return;
  if (stanza.name == "iq" && (type == "get" || type == "set")) {
    xml::Element reply("iq", std::string(kClientNs));
    reply.set("type", "error").set("id", stanza.attribute_or("id"));
    if (auto from = stanza.attribute("from")) reply.set("to", *from);
    reply.add("error", std::string(kClientNs))
        .set("type", "cancel")
        .add("service-unavailable", std::string(kStanzaErrorNs));
    send_stanza(reply);
  }
}

void XmppClient::set_room_status(RoomStatus status) {
  loop_.check("XmppClient::set_room_status");
  if (status == status_) return;
  status_ = status;
  if (online()) send_presence();
}

void XmppClient::send_presence() {
  // RFC 6121 §4.7: no <show/> means available; busy rooms say so to people deciding whether to call.
  xml::Element presence("presence", std::string(kClientNs));
  if (status_ == RoomStatus::presenting) presence.add("show", std::string(kClientNs)).text = "away";
  if (status_ == RoomStatus::full) presence.add("show", std::string(kClientNs)).text = "dnd";
  presence.add("status", std::string(kClientNs)).text = std::string(room_status_name(status_));
  presence.add("room", std::string(kRoomNs)).set("state", room_status_name(status_));
  send_secure(xml::serialize(presence, kClientNs), sm_.active());
  if (sm_.active()) send_raw("<r xmlns='urn:xmpp:sm:3'/>");
}

bool XmppClient::send_stanza(const xml::Element& stanza) {
  loop_.check("XmppClient::send_stanza");
  if (!online() || !login_.secure_and_authenticated()) return false;
  send_secure(xml::serialize(stanza, kClientNs), sm_.active());
  return true;
}

void XmppClient::send_secure(std::string data, bool counted) {
  if (!link_) return;
  if (!link_->tls || !login_.secure_and_authenticated()) {
    // Unreachable through the table; kept as the last line before the socket.
    drop("refusing to send a stanza on a stream that is not verified TLS and logged in");
    return;
  }
  send_raw(std::move(data), counted);
}

void XmppClient::send_raw(std::string data, bool counted) {
  if (!link_) return;
  if (counted) sm_.sent(data);
  link_->out.push_back(std::move(data));
  if (!link_->writing) write_next();
}

void XmppClient::write_then_close(const std::shared_ptr<Link>& link) {
  if (link->out.empty()) return link->close();
  link->writing = true;
  link->transport->write(link->out.front(), [link](boost::system::error_code ec, std::size_t) {
    link->out.pop_front();
    if (ec) return link->close();
    write_then_close(link);
  });
}

void XmppClient::write_next() {
  auto link = link_;
  if (link->out.empty() || link->handshaking) {
    link->writing = false;
    return;
  }
  link->writing = true;
  auto handler = [this, link](boost::system::error_code ec, std::size_t) {
    if (link->owner == nullptr) {
      if (link->close_after_write) {  // stopped meanwhile: finish the goodbye, then close
        link->out.pop_front();
        if (ec) return link->close();
        write_then_close(link);
      }
      return;
    }
    link->out.pop_front();
    if (ec) return drop("write failed: " + ec.message());
    write_next();
  };
  link->transport->write(link->out.front(), handler);
}

void XmppClient::schedule_ping() {
  ping_timer_.expires_after(settings_.ping_interval);
  ping_timer_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
    if (ec || !alive || !online()) return;
    // XEP-0199 §4.2: a client-to-server ping; a missing reply means the link is dead even if
    // TCP has not noticed (a NAT or proxy silently dropped it).
    pending_ping_id_ = next_id();
    send_secure("<iq type='get' id='" + pending_ping_id_ + "' to='" + xml::xml_escape(settings_.domain) +
                    "'><ping xmlns='urn:xmpp:ping'/></iq>",
                sm_.active());
    if (sm_.active()) send_raw("<r xmlns='urn:xmpp:sm:3'/>");
    deadline_timer_.expires_after(settings_.ping_timeout);
    deadline_timer_.async_wait([this, alive](boost::system::error_code wait_ec) {
      if (wait_ec || !alive || pending_ping_id_.empty() || !online()) return;
      drop("no answer to a ping within " + std::to_string(settings_.ping_timeout.count() / 1000) + " s");
    });
    schedule_ping();
  });
}

void XmppClient::drop(const std::string& reason, bool auth_failure) {
  if (phase_ == Phase::stopped || phase_ == Phase::waiting) return;
  const bool was_online = online();
  if (link_) {
    std::exchange(link_, nullptr)->close();
  }
  if (cancel_connect_) std::exchange(cancel_connect_, nullptr)();
  ping_timer_.cancel();
  deadline_timer_.cancel();
  pending_ping_id_.clear();
  scram_.reset();
  login_.closed();
  if (auth_failure) sm_.reset();
  sm_.suspend();
  set_phase(Phase::waiting);
  if (was_online) {
    PD_LOG(warning, kTag) << "offline: " << reason;
  } else {
    PD_LOG(warning, kTag) << "login to " << settings_.domain << " failed: " << reason;
  }
  schedule_reconnect();
}

void XmppClient::schedule_reconnect() {
  const auto delay = backoff_.next_delay();
  PD_LOG(info, kTag) << "reconnecting in " << delay.count() << " ms (attempt " << backoff_.attempts() << ")";
  reconnect_timer_.expires_after(delay);
  reconnect_timer_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
    if (ec || !alive || phase_ != Phase::waiting) return;
    connect();
  });
}

}  // namespace presentd::xmpp

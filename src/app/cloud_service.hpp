// SPDX-License-Identifier: Apache-2.0
#pragma once
// The cloud connection as the daemon sees it: builds the XMPP client from the `cloud` section,
// reads the password file, restarts the client when the section changes on reload, and tells
// the daemon when the room goes online or offline (idle screen, DNS-SD `cid`).
//
// Remote presenters: once given the session core (set_session_port), stanzas the client does
// not handle go to a JingleSessionHandler (the same element trees, no copy), which creates
// sessions in the same core as WHIP and sends its answers back through the client.
//
// TURN: after each login an ExternalServiceDiscovery asks the server for its TURN services
// (XEP-0215) and refreshes them before they expire; the TURN ones go to the turn listener
// (the daemon hands them to WebrtcService as runtime relays).
//
// The client dials through make_connector() in cloud_service.cpp: straight to the server, or
// through the `proxy` section's HTTP CONNECT / SOCKS5 proxy when one is set.
//
// Reloads: a change to the connection (cloud keys other than the JID lists, the proxy, the
// password file) replaces the client, but running remote presentations keep going: their media
// never went through XMPP. The Jingle handler outlives the client, so their later
// session-terminate goes out over the new stream once it is online (or is dropped, logged, if
// the box is offline then). Only switching the cloud off ends them. The JID lists apply to new
// calls at once, without a reconnect.
//
// Thread: event loop.
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "app/turn_relays.hpp"
#include "presentd/config/config.hpp"
#include "presentd/session/end_reason.hpp"
#include "presentd/signaling/jingle/jingle_session_handler.hpp"
#include "presentd/signaling/xmpp/external_service_discovery.hpp"
#include "presentd/signaling/xmpp/xmpp_client.hpp"

namespace presentd::app {

class CloudService {
public:
  CloudService(boost::asio::io_context& io, std::function<void(bool online)> on_online_changed);
  ~CloudService();
  CloudService(const CloudService&) = delete;
  CloudService& operator=(const CloudService&) = delete;

  // Start, restart (a changed section, or a changed password file) or stop the client. Problems
  // (unreadable password or CA file) are logged and leave the cloud offline.
  void apply(const config::CloudConfig& cloud);
  // Outgoing connections go through this proxy (section `proxy`); takes effect on the next apply
  // that (re)starts the client.
  void set_proxy(const config::ProxyConfig& proxy) { proxy_ = proxy; }
  // Before apply: where remote (Jingle) sessions are created and how their PIN is checked.
  // `host` must outlive this service.
  void set_session_port(session::SessionPort& sessions, signaling::jingle::PinCheck pin_check);
  // TURN servers learnt from the XMPP server (XEP-0215); an empty list when they expired or the
  // cloud stopped.
  void set_turn_listener(std::function<void(std::vector<TurnServerEntry>)> listener) {
    turn_listener_ = std::move(listener);
  }
  // Told of every remote session the host created (session id, presenter's bare JID).
  void set_on_remote_session(std::function<void(const std::string&, const std::string&)> hook) {
    on_remote_session_ = std::move(hook);
  }
  // A session of the host ended: if it was a remote one, its presenter is told why
  // (app/jingle_end_reason.hpp).
  void session_ended(const std::string& session_id, session::EndReason reason);
  // A session went on the screen: a remote presenter hears it (session-info <active/>).
  void session_live(const std::string& session_id) {
    if (jingle_) jingle_->session_live(session_id);
  }
  // Shutdown: remote presenters are told the box is gone, then the client leaves.
  void stop();
  // Remote sessions the Jingle handler tracks (being answered or running).
  [[nodiscard]] std::size_t remote_sessions() const { return jingle_ ? jingle_->session_count() : 0; }
  void set_room_status(xmpp::RoomStatus status);

  [[nodiscard]] bool online() const { return client_ && client_->online(); }
  // The cloud meeting ID while online, else "".
  [[nodiscard]] std::string online_meeting_id() const;
  // The running client (null when the cloud is off): the Jingle code sends through it.
  [[nodiscard]] xmpp::XmppClient* client() { return client_.get(); }

private:
  void stop_client();
  // No client any more: the TURN servers its server handed out are no longer used.
  void withdraw_turn();
  void end_remote_sessions(std::string_view condition, std::string_view text);
  bool on_stanza(const xml::Element& stanza);
  void send_jingle(const xml::Element& stanza);

  boost::asio::io_context& io_;
  std::function<void(bool)> on_online_changed_;
  config::CloudConfig config_;
  std::string password_fingerprint_;  // SHA-256 of the password, to notice a changed file on reload
  xmpp::RoomStatus status_ = xmpp::RoomStatus::idle;
  config::ProxyConfig proxy_;
  config::ProxyConfig applied_proxy_;  // the one the running client dials through
  session::SessionPort* sessions_ = nullptr;
  signaling::jingle::PinCheck pin_check_;
  std::function<void(const std::string&, const std::string&)> on_remote_session_;
  std::unique_ptr<xmpp::XmppClient> client_;
  // Created with the first client when a host is set; outlives client restarts (see above).
  std::unique_ptr<signaling::jingle::JingleSessionHandler> jingle_;
  std::function<void(std::vector<TurnServerEntry>)> turn_listener_;
  std::unique_ptr<xmpp::ExternalServiceDiscovery> discovery_;  // with client_
  bool reported_turn_ = false;                                 // the listener holds servers of ours
};

}  // namespace presentd::app

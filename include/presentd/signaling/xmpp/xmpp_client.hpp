// SPDX-License-Identifier: Apache-2.0
#pragma once
// The box as an XMPP client (RFC 6120/6121): connects (through a pluggable Connector, so a proxy
// can be slotted in), runs Direct TLS (XEP-0368) or STARTTLS with a verified certificate,
// authenticates with SCRAM-SHA-256, SCRAM-SHA-1 or (only if allowed) PLAIN, binds a resource,
// enables stream management with resumption (XEP-0198), sends presence carrying the room's
// status, answers and sends pings (XEP-0199), approves presence subscriptions, and reconnects
// with exponential back-off and jitter after any loss (reconnect_backoff.hpp).
//
// Login sequence (one connection; each arrow is a stream restart):
//   TCP → [Direct TLS] → <stream> → features → [STARTTLS → TLS → <stream> → features]
//       → SASL → <stream> → features → <resume/> (or bind → <enable resume/>) → presence: online
// Each arriving element is checked against that sequence first (xmpp_login_state.hpp): one the
// current step does not expect ends the stream, and nothing but the stream header and
// <starttls/> is ever written before verified TLS, nor a stanza before the login.
//
// What the client does not handle itself (iq get/set other than ping, messages) goes to
// Callbacks::on_stanza; the Jingle code plugs in there and sends with send_stanza().
//
// Thread: event loop. Every handler checks that its connection is still the current one, so a
// stop() or a reconnect never sees callbacks from an older link. Lifetime: the owner may destroy
// the client right after stop() (a reload does): timer and connect handlers also hold a shared
// liveness flag, cleared by the destructor, because a wait that completed just before its
// cancel (or a connector that reports "cancelled" later) still runs its handler; socket
// handlers hold the Link, whose owner pointer the destructor clears.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "presentd/common/liveness.hpp"
#include "presentd/common/loop_affinity.hpp"
#include "presentd/signaling/xmpp/reconnect_backoff.hpp"
#include "presentd/signaling/xmpp/scram_client.hpp"
#include "presentd/signaling/xmpp/stream_management.hpp"
#include "presentd/signaling/xmpp/tcp_connector.hpp"
#include "presentd/signaling/xmpp/xml_stream_parser.hpp"
#include "presentd/signaling/xmpp/xmpp_login_state.hpp"
#include "presentd/signaling/xmpp/xmpp_transport.hpp"
#include "presentd/xml/element.hpp"

namespace presentd::xmpp {

enum class RoomStatus { idle, presenting, full };
[[nodiscard]] std::string_view room_status_name(RoomStatus status);

struct XmppClientSettings {
  std::string local;   // account name (the part before '@')
  std::string domain;  // XMPP domain; the certificate must be for this name
  std::string resource = "presentd";
  std::string host;  // where to connect (empty: the domain)
  std::uint16_t port = 443;
  bool direct_tls = true;
  bool allow_plain = false;
  std::string password;  // secret: never logged
  std::chrono::milliseconds ping_interval = std::chrono::seconds(60);
  std::chrono::milliseconds ping_timeout = std::chrono::seconds(30);
  std::chrono::milliseconds login_timeout = std::chrono::seconds(30);
};

struct XmppClientCallbacks {
  std::function<void(bool online)> on_online_changed;
  // A stanza the client does not handle; return true when taken care of (an unanswered iq
  // get/set otherwise gets <service-unavailable/>, RFC 6120 §8.4).
  std::function<bool(const xml::Element& stanza)> on_stanza;
};

class XmppClient {
public:
  XmppClient(boost::asio::io_context& io, XmppClientSettings settings, std::shared_ptr<boost::asio::ssl::context> tls,
             Connector connector, XmppClientCallbacks callbacks);
  // With another byte stream under the connector's socket (tests and fuzz targets).
  XmppClient(boost::asio::io_context& io, XmppClientSettings settings, TransportFactory transport, Connector connector,
             XmppClientCallbacks callbacks);
  ~XmppClient();
  XmppClient(const XmppClient&) = delete;
  XmppClient& operator=(const XmppClient&) = delete;

  void start();
  // Sends unavailable presence and closes the stream; no reconnection afterwards.
  void stop();

  // The daemon calls this when the room changes; sent at once when online, else at login.
  void set_room_status(RoomStatus status);
  [[nodiscard]] bool online() const { return phase_ == Phase::online; }
  [[nodiscard]] const std::string& bound_jid() const { return bound_jid_; }
  // false when offline (the caller decides whether to retry later).
  bool send_stanza(const xml::Element& stanza);
  // TCP connected → initial presence written, of the last login (the benchmark reads it).
  [[nodiscard]] std::optional<std::chrono::microseconds> last_login_time() const { return last_login_time_; }

  struct Link;  // one connection (xmpp_client.cpp)

private:
  LoopAffinity loop_;  // checks "Thread: event loop" in debug builds
  enum class Phase { stopped, waiting, connecting, tls, stream, authenticating, binding, online };

  void connect();
  void on_connected(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  void start_tls();
  void open_stream();
  void read();
  void on_read(std::size_t bytes);
  void handle(const xml::Element& stanza);
  void on_bind_reply(const xml::Element& reply);
  void on_features(const xml::Element& features);
  void start_auth(const xml::Element& mechanisms);
  void on_sasl(const xml::Element& element);
  void bind();
  void on_online();
  void handle_online(const xml::Element& stanza);
  void handle_sm(const xml::Element& element);
  void send_presence();
  void send_raw(std::string data, bool counted = false);
  // Stanzas and presence: only on a verified TLS stream after the login.
  void send_secure(std::string data, bool counted);
  void write_next();
  // After stop(): writes what is queued (the goodbye), then closes; needs no client.
  static void write_then_close(const std::shared_ptr<Link>& link);
  void schedule_ping();
  void drop(const std::string& reason, bool auth_failure = false);
  void schedule_reconnect();
  void set_phase(Phase phase);
  std::string next_id();

  boost::asio::io_context& io_;
  XmppClientSettings settings_;
  TransportFactory transport_;
  Connector connector_;
  XmppClientCallbacks callbacks_;
  std::mt19937_64 random_;
  ReconnectBackoff backoff_;
  boost::asio::steady_timer reconnect_timer_;
  boost::asio::steady_timer ping_timer_;
  boost::asio::steady_timer deadline_timer_;  // login timeout, then ping reply timeout
  CancelConnect cancel_connect_;
  std::shared_ptr<Link> link_;
  XmlStreamParser parser_;
  Phase phase_ = Phase::stopped;
  LoginStateTable login_;  // which element is accepted now
  std::unique_ptr<ScramClient> scram_;
  std::optional<ScramHash> scram_hash_;
  std::optional<ScramClient::SaltedPassword> salted_cache_[2];
  StreamManagement sm_;
  bool sm_offered_ = false;
  RoomStatus status_ = RoomStatus::idle;
  std::string bound_jid_;
  std::string pending_ping_id_;
  std::uint64_t id_counter_ = 0;
  std::chrono::steady_clock::time_point connected_at_;
  std::optional<std::chrono::microseconds> last_login_time_;
  Liveness liveness_;  // tokens in deferred handlers: liveness.hpp
};

}  // namespace presentd::xmpp

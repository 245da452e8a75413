// SPDX-License-Identifier: Apache-2.0
#include "app/cloud_service.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <boost/asio/post.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/jingle_end_reason.hpp"
#include "app/turn_relays.hpp"
#include "presentd/common/log.hpp"
#include "presentd/config/config_schema.hpp"
#include "presentd/net/proxy_connector.hpp"
#include "presentd/signaling/xmpp/tcp_connector.hpp"
#include "presentd/signaling/xmpp/xmpp_tls.hpp"

namespace presentd::app {
namespace {

constexpr std::string_view kTag = "cloud";

// The account password: the file's whole content minus one trailing line break.
std::optional<std::string> read_password(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  std::string password = text.str();
  if (!password.empty() && password.back() == '\n') password.pop_back();
  if (!password.empty() && password.back() == '\r') password.pop_back();
  const auto permissions = std::filesystem::status(path).permissions();
  using std::filesystem::perms;
  if ((permissions & (perms::group_read | perms::others_read)) != perms::none) {
    PD_LOG(warning, kTag) << path << " can be read by other users: chmod 600 it (owner: the presentd user)";
  }
  return password;
}

std::string digest(const std::string& secret) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(secret.data(), secret.size(), out, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(out), length);
}

constexpr std::chrono::seconds kProxyConnectTimeout{20};

xmpp::Connector make_connector(boost::asio::io_context& io, const config::ProxyConfig& config) {
  if (config.type == config::ProxyType::none) return xmpp::make_tcp_connector(io);
  auto proxy = load_proxy_settings(config);  // logs what is wrong (never the password)
  if (!proxy) {
    // A proxy is configured but unusable: do not bypass it (the network may forbid direct
    // connections and the admin asked for the proxy); each attempt fails and is retried.
    return [&io](const std::string&, std::uint16_t, xmpp::ConnectHandler done) -> xmpp::CancelConnect {
      boost::asio::post(io, [&io, done = std::move(done)] {
        done(make_error_code(boost::asio::error::access_denied), boost::asio::ip::tcp::socket(io));
      });
      return [] {};
    };
  }
  return [&io, proxy = *proxy](const std::string& host, std::uint16_t port,
                               xmpp::ConnectHandler done) -> xmpp::CancelConnect {
    auto connector = net::ProxyConnector::start(
        io.get_executor(), proxy, host, port, kProxyConnectTimeout,
        [done = std::move(done)](const std::string& error, boost::asio::ip::tcp::socket socket) {
          if (error.empty()) return done({}, std::move(socket));
          PD_LOG(warning, kTag) << error;
          done(error == "cancelled" ? make_error_code(boost::asio::error::operation_aborted)
                                    : make_error_code(boost::asio::error::connection_refused),
               std::move(socket));
        });
    return [weak = std::weak_ptr<net::ProxyConnector>(connector)] {
      if (auto live = weak.lock()) live->cancel();
    };
  };
}

// Everything but the JID lists: what the connection depends on.
bool same_connection(config::CloudConfig a, config::CloudConfig b) {
  a.allowed_jids.clear();
  a.blocked_jids.clear();
  b.allowed_jids.clear();
  b.blocked_jids.clear();
  return a == b;
}

signaling::jingle::JidFilter filter_of(const config::CloudConfig& cloud) {
  return signaling::jingle::JidFilter(cloud.allowed_jids, cloud.blocked_jids);
}

}  // namespace

CloudService::CloudService(boost::asio::io_context& io, std::function<void(bool)> on_online_changed)
    : io_(io), on_online_changed_(std::move(on_online_changed)) {}

CloudService::~CloudService() = default;

std::string CloudService::online_meeting_id() const {
  return online() ? config::cloud_meeting_id(config_) : std::string();
}

void CloudService::apply(const config::CloudConfig& cloud) {
  std::optional<std::string> password;
  if (cloud.enabled) {
    password = read_password(cloud.password_file);
    if (!password) {
      PD_LOG(error, kTag) << "cannot read the password file " << cloud.password_file << ": cloud stays offline";
    }
  }
  const std::string fingerprint = password ? digest(*password) : std::string();
  if (jingle_) jingle_->set_filter(filter_of(cloud));  // new calls only; running ones stay
  if (client_ && same_connection(cloud, config_) && proxy_ == applied_proxy_ && fingerprint == password_fingerprint_) {
    config_ = cloud;
    return;  // the connection is unchanged: nothing else to do
  }
  if (!cloud.enabled) {
    end_remote_sessions("gone", "the room no longer takes presenters from the cloud");
  } else if (remote_sessions() > 0) {
    PD_LOG(notice, kTag) << "the cloud connection changes: " << remote_sessions()
                         << " remote presentation(s) keep running; they are told of their end over the new "
                            "connection once it is online";
  }
  stop_client();
  config_ = cloud;
  applied_proxy_ = proxy_;
  password_fingerprint_ = fingerprint;
  if (!cloud.enabled || !password) {
    if (password) OPENSSL_cleanse(password->data(), password->size());
    withdraw_turn();
    return;
  }
  xmpp::XmppClientSettings settings;
  settings.local = config::jid_local_part(cloud.jid);
  settings.domain = config::jid_domain_part(cloud.jid);
  settings.host = cloud.server;
  settings.direct_tls = cloud.tls == config::CloudTls::direct;
  settings.port = static_cast<std::uint16_t>(cloud.port != 0 ? cloud.port : (settings.direct_tls ? 443 : 5222));
  settings.allow_plain = cloud.allow_plain;
  // Copied, then wiped: a moved-from short string keeps its characters in its inline buffer
  // with its size set to 0, so wiping it after a move would wipe nothing.
  std::string& secret = *password;
  settings.password = secret;
  OPENSSL_cleanse(secret.data(), secret.size());
  std::shared_ptr<boost::asio::ssl::context> tls;
  try {
    tls = xmpp::make_xmpp_tls_context(cloud.ca_file);
  } catch (const std::exception& error) {
    PD_LOG(error, kTag) << error.what() << ": cloud stays offline";
    return;
  }
  xmpp::XmppClientCallbacks callbacks;
  callbacks.on_online_changed = [this](bool online) {
    if (discovery_) discovery_->set_online(online);
    if (on_online_changed_) on_online_changed_(online);
  };
  callbacks.on_stanza = [this](const xml::Element& stanza) { return on_stanza(stanza); };
  client_ = std::make_unique<xmpp::XmppClient>(io_, std::move(settings), std::move(tls), make_connector(io_, proxy_),
                                               std::move(callbacks));
  discovery_ = std::make_unique<xmpp::ExternalServiceDiscovery>(
      io_, config::jid_domain_part(cloud.jid),
      [this](const xml::Element& stanza) { return client_ && client_->send_stanza(stanza); },
      [this](const std::vector<xmpp::ExternalService>& services) {
        reported_turn_ = true;
        if (turn_listener_) turn_listener_(turn_servers_from(services));
      });
  if (sessions_ != nullptr && !jingle_) {
    jingle_ = std::make_unique<signaling::jingle::JingleSessionHandler>(
        *sessions_, [this](const xml::Element& stanza) { send_jingle(stanza); }, pin_check_, filter_of(cloud));
    jingle_->set_on_started([this](const std::string& session_id, const std::string& bare_jid) {
      if (on_remote_session_) on_remote_session_(session_id, bare_jid);
    });
  }
  client_->set_room_status(status_);
  PD_LOG(info, kTag) << "cloud meeting ID " << config::cloud_meeting_id(cloud) << " (" << cloud.jid << ")";
  client_->start();
}

void CloudService::set_session_port(session::SessionPort& sessions, signaling::jingle::PinCheck pin_check) {
  sessions_ = &sessions;
  pin_check_ = std::move(pin_check);
}

void CloudService::session_ended(const std::string& session_id, session::EndReason reason) {
  if (!jingle_) return;
  const auto end = jingle_end_for(reason);
  jingle_->session_ended(session_id, end.condition, end.text);
}

bool CloudService::on_stanza(const xml::Element& stanza) {
  if (discovery_ && discovery_->handle(stanza)) return true;
  if (!jingle_) return false;
  if (stanza.name == "iq") return jingle_->handle_iq(stanza);
  if (stanza.name == "message") return jingle_->handle_message(stanza);
  return false;
}

void CloudService::send_jingle(const xml::Element& stanza) {
  if (!client_ || !client_->send_stanza(stanza)) {
    PD_LOG(notice, kTag) << "a Jingle stanza was not sent: the cloud is offline";
  }
}

void CloudService::stop() {
  // Remote presenters are told before the stream closes; their sessions end with it.
  end_remote_sessions("gone", "the display is shutting down");
  stop_client();
  withdraw_turn();
}

void CloudService::withdraw_turn() {
  if (reported_turn_ && turn_listener_) turn_listener_({});  // the server's TURN servers go with it
  reported_turn_ = false;
}

void CloudService::end_remote_sessions(std::string_view condition, std::string_view text) {
  if (!jingle_) return;
  if (jingle_->session_count() > 0) {
    PD_LOG(notice, kTag) << "ending " << jingle_->session_count() << " remote presentation(s): " << text;
  }
  jingle_->terminate_all(condition, text);
  jingle_.reset();
}

void CloudService::stop_client() {
  // The TURN servers the old client learnt stay in use (running sessions keep their tunnels);
  // the next client's first answer replaces them, stop() withdraws them.
  discovery_.reset();
  if (!client_) return;
  client_->stop();  // reports going offline through on_online_changed
  // The client's pending handlers hold only its liveness flag, so destroying it right after
  // stop() is safe (xmpp_client.hpp).
  client_.reset();
}

void CloudService::set_room_status(xmpp::RoomStatus status) {
  status_ = status;
  if (client_) client_->set_room_status(status);
}

}  // namespace presentd::app

// SPDX-License-Identifier: Apache-2.0
#pragma once
// The TURN servers new sessions relay through, from the configuration and from runtime
// sources (time-limited credentials, e.g. fetched by the XMPP client through XEP-0215).
//
// turn: servers go to libnice as they are (TURN over UDP or TCP). Each turns: server gets a
// net::TurnTlsTunnel and is handed to libnice as TURN over TCP on the tunnel's loopback port.
// Tunnels are kept across reloads and runtime updates while their server, CA and proxy stay
// the same, so running sessions keep their relays; a tunnel no longer needed is closed.
//
// Thread: event loop.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "presentd/config/config.hpp"
#include "presentd/config/turn_url.hpp"
#include "presentd/ice/ice_agent.hpp"
#include "presentd/net/proxy_settings.hpp"
#include "presentd/signaling/xmpp/external_services.hpp"

namespace presentd::net {
class TurnTlsTunnel;
}

namespace presentd::app {

struct TurnServerEntry {
  config::TurnUrl url;
  std::string username;
  std::string password;  // secret: never logged, shared with senders only when configured
};

// The proxy settings with the password read from its file; problems are logged (without the
// password) and give nullopt. The XMPP client takes its proxy from here too.
std::optional<net::ProxySettings> load_proxy_settings(const config::ProxyConfig& config);

// The TURN servers among XEP-0215 external services: type turn (transport udp, tcp or unset =
// udp) and turns (TLS over TCP; turns over UDP would be DTLS, which presentd does not speak).
// STUN entries and anything unknown are left out; a missing port takes the scheme's default.
std::vector<TurnServerEntry> turn_servers_from(const std::vector<xmpp::ExternalService>& services);

class TurnRelays {
public:
  // `changed` runs on the event loop when runtime servers' names have been resolved (libnice
  // takes addresses only), so the owner can hand the new list to new sessions.
  TurnRelays(boost::asio::io_context& io, std::function<void()> changed);
  ~TurnRelays();
  TurnRelays(const TurnRelays&) = delete;
  TurnRelays& operator=(const TurnRelays&) = delete;

  // Start and reload: the configured servers (credential files read now), CA and proxy.
  void configure(const config::Config& config);
  // Replaces the runtime list (e.g. after each XEP-0215 refresh); the configured ones stay.
  // A turn: server given by name is used once its name has been resolved (asynchronously,
  // never on the loop); turns: names go to the tunnel as they are (SNI, certificate check).
  void set_runtime_servers(std::vector<TurnServerEntry> servers);

  // What libnice is given: turns: servers appear as TURN over TCP on their tunnel's port.
  std::vector<ice::TurnServer> ice_servers() const;
  // RFC 9725 §4.6 Link header values; username and credential only when `share_credentials`.
  std::vector<std::string> whip_links(bool share_credentials) const;
  nlohmann::json status() const;

private:
  void rebuild_tunnels();
  void resolve_runtime_names();
  std::string tunnel_key(const TurnServerEntry& entry) const;

  boost::asio::io_context& io_;
  std::function<void()> changed_;
  boost::asio::ip::tcp::resolver resolver_;
  std::uint64_t runtime_generation_ = 0;  // a newer list makes older lookups moot
  std::vector<TurnServerEntry> configured_;
  std::vector<TurnServerEntry> runtime_;
  net::ProxySettings proxy_;
  std::string ca_file_;
  std::map<std::string, std::unique_ptr<net::TurnTlsTunnel>> tunnels_;  // by tunnel_key
};

}  // namespace presentd::app

// SPDX-License-Identifier: Apache-2.0
#include "app/turn_relays.hpp"

#include "presentd/common/log.hpp"
#include "presentd/net/secret_file.hpp"
#include "presentd/net/turn_tls_tunnel.hpp"

namespace presentd::app {
namespace {
constexpr std::string_view kTag = "turn";

// RFC 9110 §5.6.4 quoted-string.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::optional<std::string> read_secret(const std::string& path, std::string_view what) {
  std::string error;
  std::string warning;
  auto secret = net::read_secret_file(path, error, warning);
  if (!warning.empty()) PD_LOG(warning, kTag) << warning;
  if (!secret) PD_LOG(error, kTag) << what << ": " << error;
  return secret;
}

}  // namespace

std::optional<net::ProxySettings> load_proxy_settings(const config::ProxyConfig& config) {
  net::ProxySettings proxy;
  proxy.type = config.type == config::ProxyType::http     ? net::ProxyType::http
               : config.type == config::ProxyType::socks5 ? net::ProxyType::socks5
                                                          : net::ProxyType::none;
  proxy.host = config.host;
  proxy.port = static_cast<std::uint16_t>(config.port);
  proxy.username = config.username;
  if (!config.password_file.empty()) {
    auto password = read_secret(config.password_file, "proxy password");
    if (!password) return std::nullopt;
    proxy.password = std::move(*password);
  }
  return proxy;
}

std::vector<TurnServerEntry> turn_servers_from(const std::vector<xmpp::ExternalService>& services) {
  std::vector<TurnServerEntry> out;
  for (const auto& service : services) {
    config::TurnUrl url;
    url.host = service.host;
    if (service.type == "turn") {
      url.transport = service.transport == "tcp" ? config::TurnUrl::Transport::tcp : config::TurnUrl::Transport::udp;
      url.port = service.port != 0 ? service.port : 3478;
    } else if (service.type == "turns" && service.transport != "udp") {
      url.secure = true;
      url.transport = config::TurnUrl::Transport::tcp;
      url.port = service.port != 0 ? service.port : 5349;
    } else {
      continue;
    }
    out.push_back(TurnServerEntry{std::move(url), service.username, service.password});
  }
  return out;
}

TurnRelays::TurnRelays(boost::asio::io_context& io, std::function<void()> changed)
    : io_(io), changed_(std::move(changed)), resolver_(io) {}
TurnRelays::~TurnRelays() { resolver_.cancel(); }

void TurnRelays::configure(const config::Config& config) {
  std::vector<TurnServerEntry> servers;
  for (const auto& turn : config.ice.turn_servers) {
    auto url = config::parse_turn_url(turn.url);
    if (!url) continue;  // the configuration check has reported it
    TurnServerEntry entry{*url, turn.username, ""};
    if (!turn.credential_file.empty()) {
      auto credential = read_secret(turn.credential_file, "TURN credential for " + turn.url);
      if (!credential) continue;
      entry.password = std::move(*credential);
    }
    servers.push_back(std::move(entry));
  }
  configured_ = std::move(servers);
  ca_file_ = config.ice.turn_ca_file;
  auto proxy = load_proxy_settings(config.proxy);
  if (!proxy) {
    // Still through the proxy (it may be the only way out), without a password: connections
    // then fail with the proxy's own refusal, after the error above that says why.
    auto without_password = config.proxy;
    without_password.password_file.clear();
    proxy = load_proxy_settings(without_password);
  }
  proxy_ = *proxy;
  rebuild_tunnels();
}

void TurnRelays::set_runtime_servers(std::vector<TurnServerEntry> servers) {
  runtime_ = std::move(servers);
  ++runtime_generation_;
  resolver_.cancel();
  PD_LOG(info, kTag) << runtime_.size() << " TURN server(s) from the signaling server";
  rebuild_tunnels();
  resolve_runtime_names();
}

void TurnRelays::resolve_runtime_names() {
  for (std::size_t i = 0; i < runtime_.size(); ++i) {
    const auto& url = runtime_[i].url;
    if (url.secure || config::is_ip_address(url.host)) continue;
    resolver_.async_resolve(
        boost::asio::ip::tcp::v4(), url.host, std::to_string(url.port),
        [this, i, generation = runtime_generation_, host = url.host](
            const boost::system::error_code& ec, const boost::asio::ip::tcp::resolver::results_type& results) {
          if (ec == boost::asio::error::operation_aborted || generation != runtime_generation_) return;
          if (ec || results.empty()) {
            PD_LOG(warning, kTag) << "cannot resolve TURN server " << host << ": "
                                  << (ec ? ec.message() : "no address");
            return;
          }
          runtime_[i].url.host = results.begin()->endpoint().address().to_string();
          PD_LOG(debug, kTag) << "TURN server " << host << " is " << runtime_[i].url.host;
          if (changed_) changed_();
        });
  }
}

std::string TurnRelays::tunnel_key(const TurnServerEntry& entry) const {
  // Everything that shapes the tunnel's connections (the proxy password included: a changed
  // password needs new connections), hashed only in memory, never logged.
  return entry.url.host + "\n" + std::to_string(entry.url.port) + "\n" + ca_file_ + "\n" +
         std::to_string(static_cast<int>(proxy_.type)) + "\n" + proxy_.host + "\n" + std::to_string(proxy_.port) +
         "\n" + proxy_.username + "\n" + proxy_.password;
}

void TurnRelays::rebuild_tunnels() {
  std::map<std::string, std::unique_ptr<net::TurnTlsTunnel>> kept;
  for (const auto* list : {&configured_, &runtime_}) {
    for (const auto& entry : *list) {
      if (!entry.url.secure) continue;
      const auto key = tunnel_key(entry);
      if (kept.contains(key)) continue;
      if (auto existing = tunnels_.find(key); existing != tunnels_.end()) {
        kept.emplace(key, std::move(existing->second));
        continue;
      }
      net::TurnTlsTunnelOptions options;
      options.server_host = entry.url.host;
      options.server_port = entry.url.port;
      options.ca_file = ca_file_;
      options.proxy = proxy_;
      try {
        kept.emplace(key, std::make_unique<net::TurnTlsTunnel>(io_, std::move(options)));
      } catch (const std::exception& error) {
        PD_LOG(error, kTag) << "no TURN over TLS to " << entry.url.host << ":" << entry.url.port << ": "
                            << error.what();
      }
    }
  }
  tunnels_ = std::move(kept);  // tunnels left over close here
}

std::vector<ice::TurnServer> TurnRelays::ice_servers() const {
  std::vector<ice::TurnServer> out;
  for (const auto* list : {&configured_, &runtime_}) {
    for (const auto& entry : *list) {
      ice::TurnServer server;
      server.username = entry.username;
      server.password = entry.password;
      if (entry.url.secure) {
        const auto tunnel = tunnels_.find(tunnel_key(entry));
        if (tunnel == tunnels_.end()) continue;
        server.address = tunnel->second->local_address();
        server.port = tunnel->second->local_port();
        server.transport = ice::TurnServer::Transport::tcp;
      } else if (!config::is_ip_address(entry.url.host)) {
        continue;  // a runtime name still being resolved
      } else {
        server.address = entry.url.host;
        server.port = entry.url.port;
        server.transport = entry.url.transport == config::TurnUrl::Transport::udp ? ice::TurnServer::Transport::udp
                                                                                  : ice::TurnServer::Transport::tcp;
      }
      out.push_back(std::move(server));
    }
  }
  return out;
}

std::vector<std::string> TurnRelays::whip_links(bool share_credentials) const {
  std::vector<std::string> links;
  for (const auto* list : {&configured_, &runtime_}) {
    for (const auto& entry : *list) {
      std::string link = "<" + config::format_turn_url(entry.url) + ">; rel=\"ice-server\"";
      if (share_credentials && !entry.username.empty()) {
        link += "; username=" + quoted(entry.username) + "; credential=" + quoted(entry.password) +
                "; credential-type=\"password\"";
      }
      links.push_back(std::move(link));
    }
  }
  return links;
}

nlohmann::json TurnRelays::status() const {
  auto servers = nlohmann::json::array();
  for (const auto* list : {&configured_, &runtime_}) {
    for (const auto& entry : *list) {
      nlohmann::json server{{"url", config::format_turn_url(entry.url)},
                            {"source", list == &configured_ ? "config" : "runtime"}};
      if (entry.url.secure) {
        const auto tunnel = tunnels_.find(tunnel_key(entry));
        if (tunnel == tunnels_.end()) {
          server["tunnel"] = nullptr;
        } else {
          const auto& counters = tunnel->second->counters();
          server["tunnel"] = {{"local_port", tunnel->second->local_port()},
                              {"open_connections", tunnel->second->open_connections()},
                              {"connections_total", counters.connections_total},
                              {"connections_failed", counters.connections_failed},
                              {"bytes_to_server", counters.bytes_to_server},
                              {"bytes_from_server", counters.bytes_from_server},
                              {"last_error", counters.last_error}};
        }
      }
      servers.push_back(std::move(server));
    }
  }
  return {{"servers", servers},
          {"proxy", proxy_.type == net::ProxyType::none   ? "none"
                    : proxy_.type == net::ProxyType::http ? "http"
                                                          : "socks5"}};
}

}  // namespace presentd::app

// SPDX-License-Identifier: Apache-2.0
// Value rules referenced from config_schema.hpp.
#include <algorithm>
#include <array>
#include <cctype>

#include <boost/asio/ip/address.hpp>

#include "presentd/config/config_schema.hpp"
#include "presentd/config/turn_url.hpp"

namespace presentd::config {

std::optional<std::string> require_room_name(const std::string& value) {
  if (value.empty()) return "must not be empty";
  if (value.size() > 64) return "must be at most 64 bytes (it is shown on the screen and published by DNS-SD)";
  if (std::any_of(value.begin(), value.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    return "must not contain control characters";
  }
  return std::nullopt;
}

std::optional<std::string> require_ip_address(const std::string& value) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(value, ec);
  if (ec) return "must be an IPv4 or IPv6 address such as 0.0.0.0 or ::";
  return std::nullopt;
}

std::optional<std::string> require_absolute_path(const std::string& value) {
  // Empty is allowed where the default is computed (web_root); state_directory is checked again
  // in validate() because it must not be empty.
  if (!value.empty() && value.front() != '/') return "must be an absolute path";
  return std::nullopt;
}

std::optional<std::string> require_video_driver(const std::string& value) {
  static constexpr std::array<std::string_view, 6> kDrivers{"", "x11", "wayland", "kmsdrm", "offscreen", "dummy"};
  if (std::find(kDrivers.begin(), kDrivers.end(), value) != kDrivers.end()) return std::nullopt;
  return "must be one of \"\" (SDL chooses), x11, wayland, kmsdrm, offscreen, dummy";
}

std::optional<std::string> require_digits(const std::string& value) {
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return std::nullopt;
  }
  return "must contain digits only";
}

std::optional<std::string> require_turn_url(const std::string& value) {
  const auto url = config::parse_turn_url(value);
  if (!url) {
    return "must be a TURN URI such as \"turn:192.0.2.10:3478?transport=udp\", \"turn:192.0.2.10:3478?transport=tcp\" "
           "or \"turns:turn.example.net:443\"";
  }
  // libnice takes TURN servers by address; presentd never blocks on a lookup. For turns: the
  // tunnel resolves the name (or the proxy does) without blocking, and checks it against the
  // server's certificate.
  if (!url->secure && !config::is_ip_address(url->host))
    return "turn: needs a numeric address (names only with turns:)";
  return std::nullopt;
}

std::optional<std::string> require_user_name(const std::string& value) {
  const bool ok = value.size() <= 255 && std::all_of(value.begin(), value.end(),
                                                     [](unsigned char c) { return c > 0x20 && c < 0x7f && c != ':'; });
  if (ok) return std::nullopt;
  return "must be at most 255 printable ASCII characters without blanks or ':'";
}

std::string jid_local_part(const std::string& jid) {
  const auto at = jid.find('@');
  return at == std::string::npos ? std::string() : jid.substr(0, at);
}

std::string jid_domain_part(const std::string& jid) {
  const auto at = jid.find('@');
  return at == std::string::npos ? jid : jid.substr(at + 1);
}

std::string cloud_meeting_id(const CloudConfig& cloud) {
  return cloud.meeting_id.empty() ? jid_local_part(cloud.jid) : cloud.meeting_id;
}

std::optional<std::string> require_bare_jid(const std::string& value) {
  if (value.empty()) return std::nullopt;
  const auto at = value.find('@');
  const bool ok = at != std::string::npos && at > 0 && at + 1 < value.size() &&
                  value.find('@', at + 1) == std::string::npos && value.find('/') == std::string::npos &&
                  value.size() <= 1023 &&
                  std::none_of(value.begin(), value.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
  if (ok) return std::nullopt;
  return "must be the room's account as \"name@domain\" (a bare JID, no resource)";
}

std::optional<std::string> require_jid_pattern(const std::string& value) {
  // "*@domain" and "domain" both name a whole domain; the wildcard is only allowed as the whole
  // local part (no partial patterns: they would be easy to get wrong).
  const std::string_view rest = std::string_view(value).starts_with("*@") ? std::string_view(value).substr(2) : value;
  const auto at = rest.find('@');
  const bool ok = !rest.empty() && rest.size() <= 1023 && rest.find('/') == std::string_view::npos &&
                  rest.find('*') == std::string_view::npos &&
                  (at == std::string_view::npos ||
                   (at > 0 && at + 1 < rest.size() && rest.find('@', at + 1) == std::string_view::npos)) &&
                  std::none_of(rest.begin(), rest.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
  if (ok) return std::nullopt;
  return "must be a bare JID (\"alice@example.net\"), \"*@example.net\" or \"example.net\" (no resource)";
}

std::optional<std::string> require_six_digits(const std::string& value) {
  if (value.empty() || (value.size() == 6 && !require_digits(value))) return std::nullopt;
  return "must be exactly 6 digits, or \"\" for the JID's local part";
}

std::optional<std::string> require_https_url(const std::string& value) {
  constexpr std::string_view kScheme = "https://";
  const bool ok =
      value.empty() || (value.starts_with(kScheme) && value.size() > kScheme.size() && value.size() <= 200 &&
                        value[kScheme.size()] != '/' && std::none_of(value.begin(), value.end(), [](unsigned char c) {
                          return c <= ' ' || c == 0x7f || c == '?' || c == '#';
                        }));
  if (ok) return std::nullopt;
  return "must be \"\" or an https:// address without spaces, query or fragment";
}

std::string remote_join_url(const CloudConfig& cloud) {
  if (cloud.remote_page_url.empty()) return {};
  const auto& base = cloud.remote_page_url;
  return base + (base.ends_with('/') ? "" : "/") + "join/" + cloud_meeting_id(cloud);
}

std::optional<std::string> require_host_name(const std::string& value) {
  // A colon only belongs in an IPv6 literal, never as a port suffix.
  const bool ok = value.find(':') != std::string::npos
                      ? !require_ip_address(value)
                      : value.size() <= 253 && std::all_of(value.begin(), value.end(), [](unsigned char c) {
                          return std::isalnum(c) != 0 || c == '.' || c == '-' || c == '_';
                        });
  if (ok) return std::nullopt;
  return "must be a host name or IP address without a port (the port has its own key)";
}

std::optional<HostPort> parse_host_port(const std::string& value) {
  const auto colon = value.rfind(':');
  if (colon == std::string::npos || colon + 1 == value.size()) return std::nullopt;
  std::string host = value.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (require_ip_address(host)) return std::nullopt;
  const std::string port = value.substr(colon + 1);
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](unsigned char ch) { return std::isdigit(ch) != 0; })) {
    return std::nullopt;
  }
  const int number = std::stoi(port);
  if (number < 1 || number > 65535) return std::nullopt;
  return HostPort{host, static_cast<std::uint16_t>(number)};
}

std::optional<std::string> require_host_port(const std::string& value) {
  if (value.empty() || parse_host_port(value)) return std::nullopt;
  return "must be \"IP:port\" with a numeric address and a port 1..65535, e.g. \"192.0.2.10:3478\" (no name "
         "lookups on the event loop)";
}

}  // namespace presentd::config

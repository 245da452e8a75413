// SPDX-License-Identifier: Apache-2.0
#include "presentd/config/turn_url.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>

namespace presentd::config {
namespace {

bool valid_name(std::string_view host) {
  // RFC 3986 reg-name restricted to what DNS names use: letters, digits, '-', '.'.
  return !host.empty() && host.size() <= 253 && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

std::optional<TurnUrl> parse_turn_url(std::string_view text) {
  TurnUrl url;
  if (text.starts_with("turns:")) {
    url.secure = true;
    url.port = 5349;
    url.transport = TurnUrl::Transport::tcp;
    text.remove_prefix(6);
  } else if (text.starts_with("turn:")) {
    text.remove_prefix(5);
  } else {
    return std::nullopt;
  }
  std::string_view query;
  if (const auto mark = text.find('?'); mark != std::string_view::npos) {
    query = text.substr(mark + 1);
    text = text.substr(0, mark);
  }
  std::string_view host = text;
  std::string_view port;
  if (text.starts_with("[")) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    const auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (port.empty()) return std::nullopt;
    }
    url.host = std::string(host);
    boost::system::error_code ec;
    boost::asio::ip::make_address_v6(url.host, ec);
    if (ec) return std::nullopt;
  } else {
    if (const auto colon = text.find(':'); colon != std::string_view::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    }
    if (!valid_name(host)) return std::nullopt;
    url.host = std::string(host);
  }
  if (!port.empty()) {
    const auto number = parse_port(port);
    if (!number) return std::nullopt;
    url.port = *number;
  }
  if (!query.empty()) {
    if (query == "transport=udp") {
      if (url.secure) return std::nullopt;
      url.transport = TurnUrl::Transport::udp;
    } else if (query == "transport=tcp") {
      url.transport = TurnUrl::Transport::tcp;
    } else {
      return std::nullopt;
    }
  }
  return url;
}

std::string format_turn_url(const TurnUrl& url) {
  const bool ipv6 = url.host.find(':') != std::string::npos;
  std::string out = url.secure ? "turns:" : "turn:";
  out += ipv6 ? "[" + url.host + "]" : url.host;
  out += ":" + std::to_string(url.port);
  out += url.transport == TurnUrl::Transport::udp ? "?transport=udp" : "?transport=tcp";
  return out;
}

}  // namespace presentd::config

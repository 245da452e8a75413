// SPDX-License-Identifier: Apache-2.0
#include "net/socks5.hpp"

#include <boost/asio/ip/address.hpp>

namespace presentd::net {
namespace {
constexpr std::uint8_t kVersion = 0x05;
constexpr std::uint8_t kPasswordVersion = 0x01;
constexpr std::uint8_t kConnect = 0x01;
constexpr std::uint8_t kIpv4 = 0x01;
constexpr std::uint8_t kDomainName = 0x03;
constexpr std::uint8_t kIpv6 = 0x04;

template <class Value>
SocksParse<Value> malformed() {
  SocksParse<Value> result;
  result.kind = SocksParse<Value>::Kind::malformed;
  return result;
}

template <class Value>
SocksParse<Value> complete(Value value, std::size_t length) {
  return {SocksParse<Value>::Kind::complete, value, length};
}
}  // namespace

std::vector<std::uint8_t> socks5_greeting(bool with_password) {
  if (with_password) return {kVersion, 2, kSocksNoAuthentication, kSocksUsernamePassword};
  return {kVersion, 1, kSocksNoAuthentication};
}

SocksParse<std::uint8_t> parse_socks5_method_choice(std::span<const std::uint8_t> received) {
  if (!received.empty() && received[0] != kVersion) return malformed<std::uint8_t>();
  if (received.size() < 2) return {};
  const std::uint8_t method = received[1];
  if (method != kSocksNoAuthentication && method != kSocksUsernamePassword && method != kSocksNoAcceptableMethod) {
    return malformed<std::uint8_t>();  // a method we never offered
  }
  return complete(method, 2);
}

std::optional<std::vector<std::uint8_t>> socks5_password_request(std::string_view username, std::string_view password) {
  if (username.empty() || username.size() > 255 || password.size() > 255) return std::nullopt;
  std::vector<std::uint8_t> out{kPasswordVersion, static_cast<std::uint8_t>(username.size())};
  out.insert(out.end(), username.begin(), username.end());
  out.push_back(static_cast<std::uint8_t>(password.size()));
  out.insert(out.end(), password.begin(), password.end());
  return out;
}

SocksParse<bool> parse_socks5_password_reply(std::span<const std::uint8_t> received) {
  // RFC 1929 names version 1; some servers answer with the SOCKS version 5 here: accept both.
  if (!received.empty() && received[0] != kPasswordVersion && received[0] != kVersion) return malformed<bool>();
  if (received.size() < 2) return {};
  return complete(received[1] == 0, 2);
}

std::optional<std::vector<std::uint8_t>> socks5_connect_request(std::string_view host, std::uint16_t port) {
  std::vector<std::uint8_t> out{kVersion, kConnect, 0x00};
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(host), ec);
  if (!ec && address.is_v4()) {
    out.push_back(kIpv4);
    const auto bytes = address.to_v4().to_bytes();
    out.insert(out.end(), bytes.begin(), bytes.end());
  } else if (!ec && address.is_v6()) {
    out.push_back(kIpv6);
    const auto bytes = address.to_v6().to_bytes();
    out.insert(out.end(), bytes.begin(), bytes.end());
  } else {
    if (host.empty() || host.size() > 255) return std::nullopt;
    out.push_back(kDomainName);
    out.push_back(static_cast<std::uint8_t>(host.size()));
    out.insert(out.end(), host.begin(), host.end());
  }
  out.push_back(static_cast<std::uint8_t>(port >> 8));
  out.push_back(static_cast<std::uint8_t>(port & 0xff));
  return out;
}

SocksParse<std::uint8_t> parse_socks5_connect_reply(std::span<const std::uint8_t> received) {
  if (!received.empty() && received[0] != kVersion) return malformed<std::uint8_t>();
  if (received.size() >= 3 && received[2] != 0x00) return malformed<std::uint8_t>();  // RSV
  if (received.size() < 5) return {};
  std::size_t address_length = 0;
  switch (received[3]) {
    case kIpv4: address_length = 4; break;
    case kIpv6: address_length = 16; break;
    case kDomainName: address_length = 1 + static_cast<std::size_t>(received[4]); break;
    default: return malformed<std::uint8_t>();
  }
  const std::size_t length = 4 + address_length + 2;
  if (received.size() < length) return {};
  return complete(received[1], length);
}

std::string_view socks5_reply_text(std::uint8_t reply) {
  switch (reply) {
    case 0x00: return "succeeded";
    case 0x01: return "general SOCKS server failure";
    case 0x02: return "connection not allowed by ruleset";
    case 0x03: return "network unreachable";
    case 0x04: return "host unreachable";
    case 0x05: return "connection refused";
    case 0x06: return "TTL expired";
    case 0x07: return "command not supported";
    case 0x08: return "address type not supported";
    default: return "unassigned reply code";
  }
}

}  // namespace presentd::net

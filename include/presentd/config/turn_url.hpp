// SPDX-License-Identifier: Apache-2.0
#pragma once
// TURN server URIs (RFC 7065 §3): turn:host[:port][?transport=udp|tcp] and
// turns:host[:port][?transport=tcp]. Default ports: 3478 for turn, 5349 for turns (RFC 7065);
// presentd's configuration documents 443 as the usual choice for turns behind firewalls.
// Thread: any (pure functions).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace presentd::config {

struct TurnUrl {
  bool secure = false;  // turns: TLS to the server
  std::string host;     // IPv6 without brackets
  std::uint16_t port = 3478;
  enum class Transport { udp, tcp } transport = Transport::udp;
  bool operator==(const TurnUrl&) const = default;
};

// nullopt for anything else (other schemes, user info, bad ports, unknown transports, turns over
// UDP, which would be DTLS and is not supported).
std::optional<TurnUrl> parse_turn_url(std::string_view text);
// The URI again, with the port always written (for WHIP Link headers and logs).
std::string format_turn_url(const TurnUrl& url);
// True when `host` is a numeric IPv4/IPv6 address.
bool is_ip_address(const std::string& host);

}  // namespace presentd::config

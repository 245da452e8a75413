// SPDX-License-Identifier: Apache-2.0
#pragma once
// One ICE candidate as RFC 8839 §5.1 writes it after "a=" (or after "candidate:" in a trickle
// message):
//
//   candidate:<foundation> <component-id> <transport> <priority> <connection-address> <port>
//             typ <cand-type> [raddr <address>] [rport <port>] *(<extension-name> <value>)
//
//   candidate:1 1 udp 2122260223 192.168.1.20 49203 typ host generation 0
//   candidate:3 1 tcp 1518280447 192.168.1.20 9 typ host tcptype active
//   candidate:2 1 udp 1686052607 203.0.113.7 40001 typ srflx raddr 192.168.1.20 rport 49203
//   candidate:4 1 udp 2122262783 5a1b6e0e-4c0f-4b3e-9a39-0d5c1c1c1c1c.local 53007 typ host
//
// The connection address is kept as text: it may be IPv4, IPv6 or an mDNS hostname (Chrome hides
// host addresses behind "<uuid>.local"); resolving is the ICE module's job. Transport, type and
// tcptype are lower-cased tokens: the grammar allows values we do not know, and the ICE agent
// decides what to do with them, so an unknown transport is kept rather than rejected.
// Thread: none of its own; value types and pure functions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace presentd::sdp {

struct Candidate {
  std::string foundation;
  std::uint16_t component = 1;  // 1 = RTP (the only one with rtcp-mux)
  std::string transport;        // "udp", "tcp" (lower-cased)
  std::uint32_t priority = 0;
  std::string address;
  std::uint16_t port = 0;
  std::string type;  // "host", "srflx", "prflx", "relay"
  std::optional<std::string> related_address;
  std::optional<std::uint16_t> related_port;
  std::optional<std::string> tcptype;  // "active", "passive", "so" (RFC 6544)
  // Other extension attributes in order ("generation" "0", "ufrag" "x", "network-id" "1" ...).
  std::vector<std::pair<std::string, std::string>> extensions;

  bool is_mdns() const;  // the address is a ".local" hostname
  bool operator==(const Candidate&) const = default;
};

// Parses the attribute value, with or without the leading "candidate:". nullopt: malformed.
[[nodiscard]] std::optional<Candidate> parse_candidate(std::string_view text);
// The attribute value with the leading "candidate:", as parse_candidate() reads it back.
[[nodiscard]] std::string format_candidate(const Candidate& candidate);

}  // namespace presentd::sdp

// SPDX-License-Identifier: Apache-2.0
#pragma once
// SOCKS version 5 (RFC 1928) with username/password authentication (RFC 1929): the messages
// presentd sends and parsers for the proxy's replies. Only CONNECT is used.
// Thread: any (pure functions).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace presentd::net {

inline constexpr std::uint8_t kSocksNoAuthentication = 0x00;
inline constexpr std::uint8_t kSocksUsernamePassword = 0x02;
inline constexpr std::uint8_t kSocksNoAcceptableMethod = 0xff;

// Result of parsing a reply prefix: read more, done after `length` bytes, or not SOCKS5.
template <class Value>
struct SocksParse {
  enum class Kind { incomplete, complete, malformed } kind = Kind::incomplete;
  Value value{};
  std::size_t length = 0;
};

// RFC 1928 §3: +----+----------+----------+
//              |VER | NMETHODS | METHODS  |
// Offers "no authentication", plus username/password when `with_password`.
std::vector<std::uint8_t> socks5_greeting(bool with_password);
// +----+--------+   value: the chosen METHOD (0xff: none acceptable)
// |VER | METHOD |
SocksParse<std::uint8_t> parse_socks5_method_choice(std::span<const std::uint8_t> received);

// RFC 1929 §2: VER=1 ULEN UNAME PLEN PASSWD. nullopt when either is longer than 255 bytes.
std::optional<std::vector<std::uint8_t>> socks5_password_request(std::string_view username, std::string_view password);
// +----+--------+   value: true when STATUS is 0 (success)
// |VER | STATUS |
SocksParse<bool> parse_socks5_password_reply(std::span<const std::uint8_t> received);

// RFC 1928 §4: VER CMD=1 RSV ATYP DST.ADDR DST.PORT. A numeric host goes as IPv4/IPv6, a name as
// DOMAINNAME (the proxy resolves it). nullopt for a name longer than 255 bytes.
std::optional<std::vector<std::uint8_t>> socks5_connect_request(std::string_view host, std::uint16_t port);
// RFC 1928 §6: +----+-----+-------+------+----------+----------+
//              |VER | REP |  RSV  | ATYP | BND.ADDR | BND.PORT |
// value: REP (0 = succeeded). The whole reply, bound address included, is `length` bytes.
SocksParse<std::uint8_t> parse_socks5_connect_reply(std::span<const std::uint8_t> received);

// The RFC 1928 §6 meaning of a REP code, for log lines.
std::string_view socks5_reply_text(std::uint8_t reply);

}  // namespace presentd::net

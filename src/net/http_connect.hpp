// SPDX-License-Identifier: Apache-2.0
#pragma once
// HTTP CONNECT tunnelling (RFC 9110 §9.3.6) with Basic proxy authentication (RFC 7617,
// RFC 9110 §11.7.1): the request presentd sends and the parser for the proxy's reply.
// Thread: any (pure functions).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace presentd::net {

// Largest reply head accepted; a proxy that sends more before the empty line is misbehaving.
inline constexpr std::size_t kMaxHttpConnectReply = std::size_t{16} * 1024;

// "CONNECT host:port HTTP/1.1" with Host and, when `username` is set, Proxy-Authorization: Basic.
// IPv6 literals are bracketed. Names must not contain CR, LF or blanks (checked by the caller's
// config rules; the function replaces nothing).
std::string build_http_connect_request(std::string_view host, std::uint16_t port, std::string_view username,
                                       std::string_view password);

struct HttpConnectReply {
  enum class Kind { incomplete, complete, malformed } kind = Kind::incomplete;
  int status = 0;               // e.g. 200, 407
  std::string reason;           // the status line's reason phrase, printable ASCII only
  std::string authenticate;     // first Proxy-Authenticate challenge's scheme ("Basic", "NTLM"...)
  std::size_t head_length = 0;  // bytes up to and including the empty line (complete only)
};

// Parses the reply head in `received` (everything read so far). "incomplete": read more;
// "malformed": not an HTTP/1.x reply, or longer than kMaxHttpConnectReply without ending.
HttpConnectReply parse_http_connect_reply(std::string_view received);

}  // namespace presentd::net

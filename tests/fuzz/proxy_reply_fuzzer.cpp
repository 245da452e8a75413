// SPDX-License-Identifier: Apache-2.0
// Fuzzes the proxy reply parsers (HTTP CONNECT and SOCKS5) with the same bytes: a reply head
// that parses never claims more bytes than it was given, and a complete parse stays complete
// and identical when more bytes follow (what a proxy may send after its reply).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "net/http_connect.hpp"
#include "net/socks5.hpp"

namespace {
template <class Parse>
void check_socks(std::span<const std::uint8_t> bytes, Parse parse) {
  const auto first = parse(bytes);
  if (first.kind != decltype(first)::Kind::complete) return;
  if (first.length > bytes.size() || first.length == 0) std::abort();
  const auto again = parse(bytes.first(first.length));
  if (again.kind != first.kind || again.value != first.value || again.length != first.length) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace presentd::net;
  const std::span<const std::uint8_t> bytes(data, size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto reply = parse_http_connect_reply(text);
  if (reply.kind == HttpConnectReply::Kind::complete) {
    if (reply.head_length > size || reply.status < 0 || reply.status > 999) std::abort();
    const auto head = parse_http_connect_reply(text.substr(0, reply.head_length));
    if (head.kind != reply.kind || head.status != reply.status || head.head_length != reply.head_length) std::abort();
  }
  check_socks(bytes, parse_socks5_method_choice);
  check_socks(bytes, parse_socks5_password_reply);
  check_socks(bytes, parse_socks5_connect_reply);
  return 0;
}

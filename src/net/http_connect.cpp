// SPDX-License-Identifier: Apache-2.0
#include "net/http_connect.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace presentd::net {
namespace {

std::string base64(std::string_view in) {
  std::vector<unsigned char> out(4 * ((in.size() + 2) / 3) + 1);
  const int length =
      EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(std::max(length, 0)));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == '\t' || (c >= 0x20 && c < 0x7f); });
}

}  // namespace

std::string build_http_connect_request(std::string_view host, std::uint16_t port, std::string_view username,
                                       std::string_view password) {
  const bool ipv6 = host.find(':') != std::string_view::npos;
  std::string authority = ipv6 ? "[" + std::string(host) + "]" : std::string(host);
  authority += ":" + std::to_string(port);
  std::string request = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
  if (!username.empty()) {
    std::string credentials(username);
    credentials += ':';
    credentials += password;
    request += "Proxy-Authorization: Basic " + base64(credentials) + "\r\n";
  }
  request += "User-Agent: presentd\r\n\r\n";
  return request;
}

HttpConnectReply parse_http_connect_reply(std::string_view received) {
  HttpConnectReply reply;
  const auto end = received.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    // Reject early what can never become a reply, so a hostile peer cannot make us buffer.
    const std::string_view start = received.substr(0, 5);
    if (std::string_view("HTTP/").substr(0, start.size()) != start || received.size() > kMaxHttpConnectReply) {
      reply.kind = HttpConnectReply::Kind::malformed;
    }
    return reply;
  }
  if (end + 4 > kMaxHttpConnectReply) {
    reply.kind = HttpConnectReply::Kind::malformed;
    return reply;
  }
  reply.kind = HttpConnectReply::Kind::malformed;       // until proven otherwise
  std::string_view head = received.substr(0, end + 2);  // every line ends with CRLF
  const auto first_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, first_end);
  head.remove_prefix(first_end + 2);

  // status-line = HTTP-version SP status-code SP [ reason-phrase ]   (RFC 9112 §4)
  if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.") || status_line[8] != ' ') return reply;
  if (status_line[7] != '0' && status_line[7] != '1') return reply;
  const std::string_view code = status_line.substr(9, 3);
  if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) return reply;
  if (status_line.size() > 12 && status_line[12] != ' ') return reply;
  const std::string_view reason = status_line.size() > 13 ? status_line.substr(13) : std::string_view();
  if (!printable(reason)) return reply;

  std::string authenticate;
  while (!head.empty()) {
    const auto line_end = head.find("\r\n");
    const std::string_view line = head.substr(0, line_end);
    head.remove_prefix(line_end + 2);
    const auto colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos || !printable(line)) return reply;
    const std::string_view name = line.substr(0, colon);
    if (name.find_first_of(" \t") != std::string_view::npos) return reply;
    if (iequals(name, "Proxy-Authenticate") && authenticate.empty()) {
      const std::string_view value = trim(line.substr(colon + 1));
      authenticate = std::string(value.substr(0, std::min(value.find(' '), std::size_t{32})));
    }
  }
  reply.kind = HttpConnectReply::Kind::complete;
  reply.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  reply.reason = std::string(reason.substr(0, 128));
  reply.authenticate = std::move(authenticate);
  reply.head_length = end + 4;
  return reply;
}

}  // namespace presentd::net

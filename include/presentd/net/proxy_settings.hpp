// SPDX-License-Identifier: Apache-2.0
#pragma once
// Where and how to reach a proxy (config section "proxy"). Plain data; the password is a secret
// read from its own file, never from the main configuration, and never logged.
// Thread: any (a value type).
#include <cstdint>
#include <string>

namespace presentd::net {

enum class ProxyType { none, http, socks5 };

struct ProxySettings {
  ProxyType type = ProxyType::none;
  std::string host;  // name or numeric address; a name is resolved without blocking the loop
  std::uint16_t port = 0;
  std::string username;  // empty: no authentication
  std::string password;  // secret
  bool operator==(const ProxySettings&) const = default;
};

}  // namespace presentd::net

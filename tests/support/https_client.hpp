// SPDX-License-Identifier: Apache-2.0
#pragma once
// A small blocking HTTPS client for tests. It verifies the server's certificate against the
// given PEM file (the daemon's self-signed certificate), as a careful client would.
#include <filesystem>
#include <map>
#include <string>

namespace presentd::test {

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};

// Throws on connection or TLS failure (including a certificate that does not verify).
HttpResult https_request(const std::string& method, const std::string& host, unsigned short port,
                         const std::string& target, const std::filesystem::path& trusted_certificate,
                         const std::string& body = {}, const std::map<std::string, std::string>& headers = {});

// A free TCP port on 127.0.0.1 at the time of the call.
unsigned short free_tcp_port();

}  // namespace presentd::test

// SPDX-License-Identifier: Apache-2.0
#pragma once
// One kept-alive TLS connection to the daemon for tests that need more than https_request():
// several requests on the same connection (no handshake between them), raw bytes (malformed or
// oversized requests, a header trickled byte by byte), and watching the server close it.
// Verifies the server's certificate like https_request(). Speaks TLS 1.2 (see tls_client.cpp).
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "support/https_client.hpp"

namespace presentd::test {

class TlsClient {
public:
  // Throws on connection or TLS failure. `source`: the local address to connect from (e.g.
  // "127.0.0.2", to be another client on loopback); "" lets the system choose.
  TlsClient(const std::string& host, unsigned short port, const std::filesystem::path& trusted_certificate,
            const std::string& source = {});
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  HttpResult request(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {});
  // Sends bytes as they are; throws when the server has closed the connection.
  void write_raw(const std::string& bytes);
  // Reads one response (throws on a closed connection or after `timeout`).
  HttpResult read_response(std::chrono::seconds timeout = std::chrono::seconds(10));
  // Reads only the status line and header of a response whose body does not end (an event
  // stream): the status, and the headers.
  HttpResult read_response_head(std::chrono::seconds timeout = std::chrono::seconds(10));
  // True once the server has closed the connection (EOF, reset or a TLS close) within
  // `timeout`; false when it is still open and silent. For connections the server has nothing
  // else to say on.
  bool closed_by_server(std::chrono::milliseconds timeout);

private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace presentd::test

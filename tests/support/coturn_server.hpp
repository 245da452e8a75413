// SPDX-License-Identifier: Apache-2.0
#pragma once
// coturn (Debian's turnserver) started by a test with a generated configuration: long-term
// credentials, TURN over UDP and TCP on `port`, TLS on `tls_port`, no CLI, logging to a file.
// Stopped (SIGTERM, then SIGKILL) when destroyed.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/child_process.hpp"

namespace presentd::test {

struct CoturnOptions {
  std::string listen_address;
  std::string relay_address;
  std::uint16_t port = 3478;
  std::uint16_t tls_port = 5349;
  std::filesystem::path certificate;  // PEM; with private_key, enables the TLS listener
  std::filesystem::path private_key;
  std::vector<std::pair<std::string, std::string>> users;  // name, password
  std::string realm = "presentd.test";
  // coturn refuses to relay to these peers ("10.200.0.0-10.200.0.255"), which forces both ends
  // of a test onto relayed candidates.
  std::vector<std::string> denied_peer_ranges;
  // Non-empty: the TURN REST API (use-auth-secret): credentials are HMACs of this shared secret
  // (what Prosody's mod_external_services hands out). coturn then refuses the static `users`.
  std::string auth_secret;
};

// Credentials as the TURN REST API makes them (draft-uberti-behave-turn-rest-00 §2.2, as coturn
// and Prosody do): username "<unix expiry>:<name>" (just the expiry when `name` is empty), password
// base64(HMAC-SHA1(secret, username)).
std::pair<std::string, std::string> turn_rest_credentials(const std::string& secret, const std::string& name,
                                                          std::chrono::seconds lifetime);

class CoturnServer {
public:
  CoturnServer(const std::filesystem::path& directory, const CoturnOptions& options);
  ~CoturnServer();
  CoturnServer(const CoturnServer&) = delete;
  CoturnServer& operator=(const CoturnServer&) = delete;

  // True once the TCP (and, with a certificate, TLS) listeners accept connections.
  bool ready() const { return ready_; }
  std::string log() const;

private:
  std::filesystem::path log_;
  std::unique_ptr<ChildProcess> process_;
  bool ready_ = false;
};

}  // namespace presentd::test

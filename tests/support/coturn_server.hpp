#pragma once
// coturn (Debian's turnserver) started by a test with a generated configuration: long-term
// credentials, TURN over UDP and TCP on `port`, TLS on `tls_port`, no CLI, logging to a file.
// Stopped (SIGTERM, then SIGKILL) when destroyed.
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
};

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

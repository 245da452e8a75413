// SPDX-License-Identifier: Apache-2.0
#pragma once
// A real Prosody 0.12 for the cloud tests, on 127.0.0.1 ports of its own, started and stopped
// by the test: a generated config, a test CA (openssl) that signed a certificate for
// "localhost", accounts registered with prosodyctl. Prosody runs as `nobody` in the foreground
// (the way /work/shared/environment.md found works without root-owned state).
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace presentd::test {

// Makes a CA (ca.pem/ca.key) and, signed by it, a certificate for `name` in `dir`.
void make_test_pki(const std::filesystem::path& dir, const std::string& name);

struct ProsodyExtras {
  std::vector<std::string> modules;                  // enabled besides the standard set, e.g. "external_services"
  std::string global_config;                         // Lua lines in the global section, e.g. external_services = {…}
  std::vector<std::string> interfaces{"127.0.0.1"};  // where it listens (127.0.0.1 must stay: start() waits there)
  std::string host_config{};                         // Lua lines after VirtualHost "localhost": its options, more hosts
};

class ProsodyServer {
public:
  static constexpr const char* kDomain = "localhost";

  // `dir` must be empty and will hold config, certificates, data and the log.
  explicit ProsodyServer(const std::filesystem::path& dir, const ProsodyExtras& extras = {});
  ~ProsodyServer();

  void add_user(const std::string& local, const std::string& password);
  // Starts and waits until both client ports accept connections.
  void start();
  // SIGTERM, then waits for the process to exit.
  void stop();

  unsigned short starttls_port() const { return starttls_port_; }
  unsigned short direct_tls_port() const { return direct_tls_port_; }
  std::filesystem::path ca_file() const { return dir_ / "pki" / "ca.pem"; }
  std::filesystem::path log_file() const { return dir_ / "prosody.log"; }

private:
  std::filesystem::path dir_;
  std::filesystem::path config_;
  unsigned short starttls_port_ = 0;
  unsigned short direct_tls_port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

// A free TCP port on 127.0.0.1 (bound and released).
unsigned short free_loopback_port();
// True once 127.0.0.1:port accepts a connection, polling until `timeout`.
bool wait_for_port(unsigned short port, std::chrono::milliseconds timeout);

}  // namespace presentd::test

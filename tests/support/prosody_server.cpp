// SPDX-License-Identifier: Apache-2.0
#include "support/prosody_server.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <thread>

namespace presentd::test {
namespace {

void run_or_throw(const std::vector<std::string>& argv) {
  const auto [code, output] = run_command(argv);
  if (code != 0) throw std::runtime_error(argv[0] + " failed: " + output);
}

void make_readable_by_all(const std::filesystem::path& path) {
  std::filesystem::permissions(path, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                         std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                         std::filesystem::perms::others_exec);
}

}  // namespace

unsigned short free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool wait_for_port(unsigned short port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void make_test_pki(const std::filesystem::path& dir, const std::string& name) {
  std::filesystem::create_directories(dir);
  const auto p = [&](const char* file) { return (dir / file).string(); };
  run_or_throw({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                p("ca.key"), "-out", p("ca.pem"), "-days", "2", "-subj", "/CN=presentd test CA " + name});
  run_or_throw({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                p("server.key"), "-out", p("server.csr"), "-subj", "/CN=" + name});
  std::ofstream(dir / "ext.cnf") << "subjectAltName=DNS:" << name << "\n";
  run_or_throw({"openssl", "x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
                "-CAcreateserial", "-out", p("server.pem"), "-days", "2", "-extfile", p("ext.cnf")});
  for (const auto& entry : std::filesystem::directory_iterator(dir)) make_readable_by_all(entry.path());
  make_readable_by_all(dir);
}

ProsodyServer::ProsodyServer(const std::filesystem::path& dir, const ProsodyExtras& extras)
    : dir_(dir), config_(dir / "prosody.cfg.lua") {
  make_readable_by_all(dir_);
  // Prosody runs as nobody: the directories above ours must be searchable.
  for (auto parent = dir_.parent_path(); parent != parent.root_path(); parent = parent.parent_path()) {
    if ((std::filesystem::status(parent).permissions() & std::filesystem::perms::others_exec) ==
        std::filesystem::perms::none) {
      throw std::runtime_error(parent.string() + " is not searchable by nobody");
    }
  }
  make_test_pki(dir_ / "pki", kDomain);
  std::filesystem::create_directories(dir_ / "data");
  run_or_throw({"chown", "nobody", (dir_ / "data").string()});
  starttls_port_ = free_loopback_port();
  direct_tls_port_ = free_loopback_port();
  const std::string pki = (dir_ / "pki").string();
  std::string modules = "\"roster\", \"saslauth\", \"tls\", \"disco\", \"ping\", \"smacks\"";
  for (const auto& module : extras.modules) modules += ", \"" + module + "\"";
  std::string interfaces;
  for (const auto& address : extras.interfaces) interfaces += (interfaces.empty() ? "\"" : ", \"") + address + "\"";
  std::ofstream(config_) << "pidfile = \"" << (dir_ / "data" / "prosody.pid").string() << "\"\n"
                         << "data_path = \"" << (dir_ / "data").string() << "\"\n"
                         << "certificates = \"" << pki << "\"\n"
                         << "log = { { levels = { min = \"debug\" }, to = \"console\" } }\n"
                         << "interfaces = { " << interfaces << " }\n"
                         << "c2s_ports = { " << starttls_port_ << " }\n"
                         << "c2s_direct_tls_ports = { " << direct_tls_port_ << " }\n"
                         << "s2s_ports = { }\nhttp_ports = { }\nhttps_ports = { }\n"
                         << "modules_enabled = { " << modules << " }\n"
                         << "modules_disabled = { \"s2s\", \"offline\" }\n"
                         << "authentication = \"internal_hashed\"\n"
                         << "password_hash = \"SHA-256\"\n"
                         << "c2s_require_encryption = true\n"
                         << "smacks_hibernation_time = 60\n"
                         << "ssl = { certificate = \"" << pki << "/server.pem\", key = \"" << pki << "/server.key\" }\n"
                         << extras.global_config << "\n"
                         << "VirtualHost \"" << kDomain << "\"\n"
                         << extras.host_config << "\n";
  make_readable_by_all(config_);
}

ProsodyServer::~ProsodyServer() { stop(); }

void ProsodyServer::add_user(const std::string& local, const std::string& password) {
  run_or_throw({"/usr/sbin/runuser", "-u", "nobody", "--", "/usr/bin/prosodyctl", "--config", config_.string(),
                "register", local, kDomain, password});
}

void ProsodyServer::start() {
  process_ =
      std::make_unique<ChildProcess>(std::vector<std::string>{"/usr/sbin/runuser", "-u", "nobody", "--",
                                                              "/usr/bin/prosody", "--config", config_.string(), "-F"},
                                     std::map<std::string, std::string>{}, log_file());
  if (!wait_for_port(starttls_port_, std::chrono::seconds(20)) ||
      !wait_for_port(direct_tls_port_, std::chrono::seconds(5))) {
    throw std::runtime_error("prosody did not start listening");
  }
}

void ProsodyServer::stop() {
  if (!process_) return;
  process_->signal(SIGTERM);
  if (!process_->wait_for_exit(std::chrono::seconds(10))) process_->signal(SIGKILL);
  process_.reset();
}

}  // namespace presentd::test

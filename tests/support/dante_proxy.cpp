// SPDX-License-Identifier: Apache-2.0
#include "support/dante_proxy.hpp"

#include <signal.h>

#include <fstream>
#include <stdexcept>

#include "support/temp_dir.hpp"
#include "support/wait_for_port.hpp"

namespace presentd::test {

DanteProxy::DanteProxy(const std::filesystem::path& directory, const std::string& address, std::uint16_t port,
                       const std::string& username, const std::string& password)
    : directory_(directory / "dante") {
  std::filesystem::create_directories(directory_);
  const auto [code, hash] = run_command({"/usr/bin/openssl", "passwd", "-6", password});
  if (code != 0) throw std::runtime_error("openssl passwd failed: " + hash);
  const auto passwd = directory_ / "passwd";
  const auto shadow = directory_ / "shadow";
  std::ofstream(passwd) << read_file("/etc/passwd") << username << ":x:4242:4242::/nonexistent:/usr/sbin/nologin\n";
  std::ofstream(shadow) << read_file("/etc/shadow") << username << ":" << hash.substr(0, hash.find('\n'))
                        << ":19000:0:99999:7:::\n";
  const auto config = directory_ / "danted.conf";
  std::ofstream(config) << "logoutput: " << (directory_ / "danted.log").string() << "\n"
                        << "internal: " << address << " port = " << port << "\n"
                        << "external: " << address << "\n"
                        << "socksmethod: username\n"
                        << "user.privileged: root\nuser.unprivileged: nobody\n"
                        << "client pass {\n  from: 0.0.0.0/0 to: 0.0.0.0/0\n}\n"
                        << "socks pass {\n  from: 0.0.0.0/0 to: 0.0.0.0/0\n  command: connect\n  socksmethod: "
                           "username\n  log: connect disconnect error\n}\n";
  // unshare(1) makes the new mount namespace's mounts private, so nothing leaks to the host.
  const std::string script = "mount --bind " + passwd.string() + " /etc/passwd && mount --bind " + shadow.string() +
                             " /etc/shadow && exec /usr/sbin/danted -N 1 -f " + config.string();
  process_ = std::make_unique<ChildProcess>(std::vector<std::string>{"/usr/bin/unshare", "-m", "/bin/sh", "-c", script},
                                            std::map<std::string, std::string>{}, directory_ / "stderr.log");
  ready_ = wait_for_tcp_listener(address, port, std::chrono::seconds(15));
}

DanteProxy::~DanteProxy() {
  if (process_ && process_->running()) {
    process_->signal(SIGTERM);
    process_->wait_for_exit(std::chrono::seconds(5));
  }
}

std::string DanteProxy::log() const {
  return read_file(directory_ / "danted.log") + read_file(directory_ / "stderr.log");
}

}  // namespace presentd::test

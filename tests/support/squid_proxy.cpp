// SPDX-License-Identifier: Apache-2.0
#include "support/squid_proxy.hpp"

#include <signal.h>

#include <fstream>
#include <stdexcept>

#include "support/temp_dir.hpp"
#include "support/wait_for_port.hpp"

namespace presentd::test {

SquidProxy::SquidProxy(const std::filesystem::path& directory, const std::string& address, std::uint16_t port,
                       const std::string& username, const std::string& password)
    : logs_(directory / "squid") {
  // squid drops root for its cache_effective_user ("proxy"), which must write the logs and read
  // the password file.
  namespace fs = std::filesystem;
  fs::create_directories(logs_);
  fs::permissions(logs_, fs::perms::all);
  fs::permissions(directory, fs::perms::others_exec | fs::perms::group_exec, fs::perm_options::add);
  const auto [code, hash] = run_command({"/usr/bin/openssl", "passwd", "-apr1", password});
  if (code != 0) throw std::runtime_error("openssl passwd failed: " + hash);
  const auto htpasswd = logs_ / "htpasswd";
  std::ofstream(htpasswd) << username << ":" << hash;
  fs::permissions(htpasswd, fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
  const auto config = logs_ / "squid.conf";
  std::ofstream(config) << "http_port " << address << ":" << port << "\n"
                        << "auth_param basic program /usr/lib/squid/basic_ncsa_auth " << htpasswd.string() << "\n"
                        << "auth_param basic realm presentd-test\n"
                        << "acl authenticated proxy_auth REQUIRED\n"
                        << "http_access allow authenticated\n"
                        << "http_access deny all\n"
                        << "cache deny all\ncache_mem 0 MB\n"
                        << "access_log stdio:" << (logs_ / "access.log").string() << "\n"
                        << "cache_log " << (logs_ / "cache.log").string() << "\n"
                        << "pid_filename " << (logs_ / "squid.pid").string() << "\n"
                        << "coredump_dir " << logs_.string() << "\n"
                        << "shutdown_lifetime 0 seconds\n";
  process_ = std::make_unique<ChildProcess>(std::vector<std::string>{"/usr/sbin/squid", "-N", "-f", config.string()},
                                            std::map<std::string, std::string>{}, logs_ / "stderr.log");
  ready_ = wait_for_tcp_listener(address, port, std::chrono::seconds(20));
}

SquidProxy::~SquidProxy() {
  if (process_ && process_->running()) {
    process_->signal(SIGTERM);
    process_->wait_for_exit(std::chrono::seconds(5));
  }
}

std::string SquidProxy::access_log() const { return read_file(logs_ / "access.log"); }
std::string SquidProxy::cache_log() const { return read_file(logs_ / "cache.log"); }

}  // namespace presentd::test

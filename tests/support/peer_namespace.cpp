// SPDX-License-Identifier: Apache-2.0
#include "support/peer_namespace.hpp"

#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace presentd::test {

PeerNamespace::PeerNamespace(std::unique_ptr<ChildProcess> holder, std::string peer_address)
    : holder_(std::move(holder)), peer_address_(std::move(peer_address)) {}

PeerNamespace::~PeerNamespace() {
  if (!holder_) return;
  holder_->signal(SIGKILL);
  holder_->wait_for_exit(std::chrono::seconds(5));
}

std::vector<std::string> PeerNamespace::inside(const std::vector<std::string>& argv) const {
  std::vector<std::string> wrapped{"/usr/bin/nsenter", "-t", std::to_string(holder_->pid()), "-n", "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

std::unique_ptr<PeerNamespace> PeerNamespace::create(const TempDir& dir, const std::string& name,
                                                     const std::string& server_address, const std::string& peer_address,
                                                     std::string& why) {
  auto holder =
      std::make_unique<ChildProcess>(std::vector<std::string>{"/usr/bin/unshare", "-n", "--", "sleep", "100000"},
                                     std::map<std::string, std::string>{}, dir.path() / ("netns-" + name + ".log"));
  const auto pid = std::to_string(holder->pid());
  // unshare(1) execs sleep once the namespace exists: wait until the holder's namespace differs.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::filesystem::read_symlink("/proc/" + pid + "/ns/net") ==
         std::filesystem::read_symlink("/proc/self/ns/net")) {
    if (std::chrono::steady_clock::now() > deadline) {
      why = "unshare -n did not make a namespace";
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::unique_ptr<PeerNamespace> peer(new PeerNamespace(std::move(holder), peer_address));
  const auto server_end = name + "s";
  const auto peer_end = name + "p";
  const auto in = [&](std::vector<std::string> argv) { return peer->inside(argv); };
  // No IPv6 inside (as in enter_private_network): late link-local addresses make Chromium abort
  // page loads with ERR_NETWORK_CHANGED.
  const std::vector<std::vector<std::string>> commands{
      {"ip", "link", "add", server_end, "type", "veth", "peer", "name", peer_end, "netns", pid},
      {"ip", "addr", "add", server_address + "/30", "dev", server_end},
      {"ip", "link", "set", server_end, "up"},
      in({"sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"}),
      in({"ip", "link", "set", "lo", "up"}),
      in({"ip", "addr", "add", peer_address + "/30", "dev", peer_end}),
      in({"ip", "link", "set", peer_end, "up"}),
      in({"ip", "route", "add", "default", "via", server_address}),
  };
  for (const auto& command : commands) {
    const auto [code, output] = run_command(command);
    if (code != 0) {
      why = "\"" + command[0] + " " + command[1] + " " + command[2] + " …\" failed: " + output;
      return nullptr;
    }
  }
  return peer;
}

}  // namespace presentd::test

// SPDX-License-Identifier: Apache-2.0
#include "support/network_namespace.hpp"

#include <sched.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "support/child_process.hpp"

namespace presentd::test {

std::optional<PrivateNetwork> enter_private_network(std::string& why) {
  if (unshare(CLONE_NEWNET) != 0) {
    why = std::string("unshare(CLONE_NEWNET) failed: ") + std::strerror(errno);
    return std::nullopt;
  }
  // No IPv6 in the namespace: IPv6 link-local addresses would appear a second or two after the
  // links come up (duplicate address detection), and Chromium aborts a page load in flight with
  // ERR_NETWORK_CHANGED when the set of addresses changes. These sysctls are per namespace.
  for (const char* knob :
       {"/proc/sys/net/ipv6/conf/all/disable_ipv6", "/proc/sys/net/ipv6/conf/default/disable_ipv6"}) {
    std::ofstream(knob) << "1\n";
  }
  PrivateNetwork network;
  const std::vector<std::vector<std::string>> commands{
      {"ip", "link", "set", "lo", "up"},
      {"ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1"},
      {"ip", "addr", "add", network.box_address + "/24", "dev", "v0"},
      {"ip", "addr", "add", network.sender_address + "/24", "dev", "v1"},
      {"ip", "link", "set", "v0", "up"},
      {"ip", "link", "set", "v1", "up"},
  };
  for (const auto& command : commands) {
    const auto [code, output] = run_command(command);
    if (code != 0) {
      why = "\"" + command[0] + " " + command[1] + " " + command[2] + "...\" failed: " + output;
      return std::nullopt;
    }
  }
  // Hand over a network that has stopped changing: both veth ends report carrier.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto [code, output] = run_command({"ip", "-o", "link", "show", "up"});
    if (code == 0 && output.find("v0@v1") != std::string::npos && output.find("v1@v0") != std::string::npos &&
        output.find("NO-CARRIER") == std::string::npos) {
      return network;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  why = "the veth pair did not come up within 5 s";
  return std::nullopt;
}

}  // namespace presentd::test

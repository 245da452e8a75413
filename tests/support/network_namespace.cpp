#include "support/network_namespace.hpp"

#include <sched.h>

#include <cerrno>
#include <cstring>

#include "support/child_process.hpp"

namespace presentd::test {

std::optional<PrivateNetwork> enter_private_network(std::string& why) {
  if (unshare(CLONE_NEWNET) != 0) {
    why = std::string("unshare(CLONE_NEWNET) failed: ") + std::strerror(errno);
    return std::nullopt;
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
  return network;
}

}  // namespace presentd::test

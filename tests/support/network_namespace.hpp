// SPDX-License-Identifier: Apache-2.0
#pragma once
// Puts the calling test process into a network namespace of its own with a veth pair, so ICE
// stacks (which ignore loopback) see ordinary addresses and nothing can leave the machine.
// ctest runs each test case as its own process, so the namespace ends with the test.
// Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN).
#include <optional>
#include <string>

namespace presentd::test {

struct PrivateNetwork {
  std::string box_address = "10.200.0.1";     // on veth end v0
  std::string sender_address = "10.200.0.2";  // on veth end v1
};

// nullopt with the reason in `why` when the namespace cannot be made (not root, no iproute2).
std::optional<PrivateNetwork> enter_private_network(std::string& why);

}  // namespace presentd::test

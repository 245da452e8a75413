// SPDX-License-Identifier: Apache-2.0
#pragma once
// A network namespace of its own for one party of a multi-namespace test (the room, a remote
// person), joined to the test's own namespace (the "server") by a veth pair and routed only
// through it. The test's namespace does not forward (a new namespace's default), so two peers
// reach the server's addresses and never each other.
//
//   peer namespace            test's namespace (server)
//   <name>p: peer_address ─── <name>s: server_address ── lo: the server's public addresses
//   default route via server_address
//
// A holder process (`unshare -n sleep`) keeps the namespace alive; programs run inside it through
// nsenter (inside()). Destroying the object kills the holder, which removes the namespace and its
// veth pair: nothing outlives the test. Needs root.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace presentd::test {

class PeerNamespace {
public:
  // nullopt with the reason in `why` when it cannot be made. `name`: a few letters, unique per test.
  static std::unique_ptr<PeerNamespace> create(const TempDir& dir, const std::string& name,
                                               const std::string& server_address, const std::string& peer_address,
                                               std::string& why);
  ~PeerNamespace();
  PeerNamespace(const PeerNamespace&) = delete;
  PeerNamespace& operator=(const PeerNamespace&) = delete;

  // `argv` run inside the namespace.
  std::vector<std::string> inside(const std::vector<std::string>& argv) const;
  const std::string& address() const { return peer_address_; }

private:
  PeerNamespace(std::unique_ptr<ChildProcess> holder, std::string peer_address);

  std::unique_ptr<ChildProcess> holder_;
  std::string peer_address_;
};

}  // namespace presentd::test

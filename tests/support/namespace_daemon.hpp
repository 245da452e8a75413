// SPDX-License-Identifier: Apache-2.0
#pragma once
// The real presentd binary inside a test's private network namespace, for end-to-end tests with
// real senders: listening on the box end of the veth pair, fixed PIN, no display, no DNS-SD,
// the presenter page from this source tree's web/.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/network_namespace.hpp"
#include "support/notify_socket.hpp"
#include "support/temp_dir.hpp"

namespace presentd::test {

struct NamespaceDaemonOptions {
  unsigned short port = 8443;
  std::string pin = "2468";
  // Extra top-level configuration sections, each followed by a comma, e.g.
  // R"("admission": {"max_presenters": 1},)".
  std::string extra_sections;
};

// Where the daemon shows its screen: no display by default.
struct NamespaceDaemonScreen {
  std::string display_section = R"({"driver": "dummy"})";  // the "display" configuration section
  std::map<std::string, std::string> environment;          // e.g. DISPLAY
};

// The admin token every namespace daemon is given (unless extra_sections has an "admin"
// section): GET /api/v1/admin/status is where the presenters' addresses and ICE pairs are.
inline constexpr const char* kNamespaceAdminToken = "namespace-admin-token-0123456789abcdef";

// GET /api/v1/admin/status of such a daemon (null JSON when it does not answer with JSON).
nlohmann::json admin_status(const TempDir& dir, const PrivateNetwork& network, unsigned short port = 8443);

// Writes (or rewrites, before a SIGHUP reload) `dir`/presentd.json for these options.
std::filesystem::path write_namespace_daemon_config(const TempDir& dir, const PrivateNetwork& network,
                                                    const NamespaceDaemonOptions& options,
                                                    const NamespaceDaemonScreen& screen = {});

// Writes `dir`/presentd.json, starts presentd (its log in `dir`/presentd.log) and waits for
// READY=1 on `notify`; null when it did not get ready within 20 s (the log says why).
std::unique_ptr<ChildProcess> start_namespace_daemon(const TempDir& dir, NotifySocket& notify,
                                                     const PrivateNetwork& network,
                                                     const NamespaceDaemonOptions& options = {},
                                                     const NamespaceDaemonScreen& screen = {});

// A fixture for such tests: start_daemon() enters the namespace and starts presentd (fatal
// failure if either fails); TearDown stops it with SIGTERM, expects a clean exit, and prints
// its log when the test failed.
class NamespaceDaemonTest : public ::testing::Test {
protected:
  void start_daemon(const NamespaceDaemonOptions& options, const NamespaceDaemonScreen& screen = {});
  void TearDown() override;

  TempDir dir_;
  NotifySocket notify_{dir_.path() / "notify.sock"};
  std::optional<PrivateNetwork> network_;
  std::unique_ptr<ChildProcess> daemon_;
};

}  // namespace presentd::test

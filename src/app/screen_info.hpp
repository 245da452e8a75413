// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the daemon tells the screen: renderer options from the configuration, and the idle
// screen's connection details (URLs, PIN, meeting ID, status line).
//
// Thread: event loop.
#include <optional>
#include <string>
#include <vector>

#include "presentd/config/config.hpp"
#include "presentd/render/renderer.hpp"

namespace presentd::app {

// "https://<address>[:port]/" for every address a presenter can reach: the bind address itself,
// or each non-loopback interface address when bound to the wildcard. `interface_addresses` is
// injected so tests do not depend on the machine's network.
[[nodiscard]] std::vector<std::string> connection_urls(const config::NetworkConfig& network,
                                                       const std::vector<std::string>& interface_addresses);
// "https://<host>[:port]/" for the box's mDNS name ("box.local") while discovery publishes it;
// nullopt without a name, with discovery off, or when the listener is bound to loopback (the
// name resolves to the box's network addresses, which would not answer).
[[nodiscard]] std::optional<std::string> mdns_url(const config::Config& config, const std::string& host_name);
// Non-loopback IPv4 addresses of the box's interfaces, in interface order.
[[nodiscard]] std::vector<std::string> local_ipv4_addresses();

[[nodiscard]] render::RendererOptions renderer_options(const config::Config& config);
[[nodiscard]] render::DisplaySettings display_settings(const config::DisplayConfig& display);
[[nodiscard]] render::AudioSettings audio_settings(const config::AudioConfig& audio);

struct ScreenState {
  std::optional<std::string> pin;  // the current PIN, when one is required and known
  std::string meeting_id;
  std::string cloud_meeting_id;
  bool cloud_connected = false;
  std::string mdns_host_name;  // Avahi's "<host>.local", "" while avahi-daemon is not running
};

[[nodiscard]] render::IdleInfo make_idle_info(const config::Config& config, const ScreenState& state,
                                              const std::vector<std::string>& interface_addresses);

}  // namespace presentd::app

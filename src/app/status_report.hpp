// SPDX-License-Identifier: Apache-2.0
#pragma once
// The JSON of GET /api/v1/status (docs/protocol.md, "Status and metrics"): the room, the box's
// addresses and meeting ID for the screen and the page, the PIN policy (never the PIN), the
// admission settings, and the presenters. Nothing in it is secret: it is served without a token.
//
// Thread: event loop.
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "presentd/config/config.hpp"

namespace presentd::app {

struct StatusFacts {
  std::chrono::seconds uptime{0};
  std::vector<std::string> addresses;  // the box's IPv4 addresses now
  std::string meeting_id;              // "" when the box has no IPv4 address
  nlohmann::json sessions;             // sessions_status() (app/session_status.hpp); null when not running
  std::string mdns_host_name;          // "<host>.local" while avahi-daemon publishes the box
  nlohmann::json screen;               // {"up", "driver", "renderer"}; null: running headless
};

[[nodiscard]] nlohmann::json make_status(const config::Config& config, const StatusFacts& facts);

}  // namespace presentd::app

// SPDX-License-Identifier: Apache-2.0
#pragma once
// Discovery rules that need more than one key or the TXT limits: run by --check-config, at
// start and on reload (app/config_check.cpp), so a name or value DNS-SD cannot carry is a
// configuration error rather than a silent failure at publishing time.
// Thread: any.
#include <string>
#include <vector>

#include "presentd/config/config.hpp"
#include "presentd/config/config_loader.hpp"

namespace presentd::discovery {

// Problems with the JSON pointer of the key to change. `cloud_id` is the cloud meeting ID the
// box publishes as `cid` when /cloud/enabled ("" = none).
[[nodiscard]] std::vector<config::Problem> check_discovery_config(const config::Config& config,
                                                                  const std::string& cloud_id = {});

}  // namespace presentd::discovery

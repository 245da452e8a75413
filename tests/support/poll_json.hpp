// SPDX-License-Identifier: Apache-2.0
#pragma once
// Polls a JSON source (usually the daemon's status API) every 200 ms until `done` holds or
// `limit` passes; returns the last document seen either way, so a failed wait can print it.
#include <chrono>
#include <functional>

#include <nlohmann/json.hpp>

namespace presentd::test {

nlohmann::json poll_json(const std::function<nlohmann::json()>& fetch,
                         const std::function<bool(const nlohmann::json&)>& done, std::chrono::seconds limit);

}  // namespace presentd::test

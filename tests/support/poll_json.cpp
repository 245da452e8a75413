// SPDX-License-Identifier: Apache-2.0
#include "support/poll_json.hpp"

#include <thread>

namespace presentd::test {

nlohmann::json poll_json(const std::function<nlohmann::json()>& fetch,
                         const std::function<bool(const nlohmann::json&)>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  nlohmann::json last;
  while (std::chrono::steady_clock::now() < deadline) {
    last = fetch();
    if (done(last)) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return last;
}

}  // namespace presentd::test

// SPDX-License-Identifier: Apache-2.0
#include "presentd/common/loop_affinity.hpp"

#include <cstdlib>

#include "presentd/common/log.hpp"

namespace presentd {

void LoopAffinity::fail(std::string_view call) {
  PD_LOG(error, "thread") << call << " was called off the event loop (a bug: its class is loop-only)";
  std::abort();
}

}  // namespace presentd

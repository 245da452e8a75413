// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/forward/keyframe_gate.hpp"

namespace presentd::media {

bool KeyframeGate::admit(rtp::PayloadFormat format, std::span<const std::uint8_t> payload) {
  if (open_) return true;
  if (!rtp::starts_keyframe(format, payload)) {
    ++stats_.packets_held;
    return false;
  }
  open_ = true;
  ++stats_.openings;
  return true;
}

}  // namespace presentd::media

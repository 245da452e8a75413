// SPDX-License-Identifier: Apache-2.0
#pragma once
// KeyframeGate: holds a viewer's video back until a keyframe, on join and on every presenter
// switch (issue 15). A decoder that starts mid-GOP, or that is handed another presenter's
// inter frames, can only show garbage or stall, so nothing passes between close() and the first
// packet that starts a keyframe (rtp::starts_keyframe: the receive path's own per-format parser).
//
// Rules:
//  - the gate starts closed (a viewer that joins has nothing to decode from);
//  - close() on every switch of the m-line's source, and when the viewer's video is resumed;
//  - while closed, every packet is held (counted) until one starts a keyframe; that packet and all
//    after it pass until the next close(). Whoever closes the gate asks the presenter for a
//    keyframe (through KeyframeRequestLimiter), and keeps asking while closed() stays true.
// Audio needs no gate (every Opus packet starts a frame), so the caller keeps one per video m-line.
//
// Thread: event loop (one per viewer video stream, no locks).
#include <cstdint>
#include <span>

#include "presentd/rtp/depacketizer/depacketizer.hpp"

namespace presentd::media {

struct KeyframeGateStats {
  std::uint64_t packets_held = 0;  // dropped while waiting for a keyframe
  std::uint64_t openings = 0;      // keyframes that opened the gate
};

class KeyframeGate {
public:
  // Nothing passes until the next keyframe starts.
  void close() { open_ = false; }

  // true: forward this packet. `format`: the source's codec for the packet's payload type.
  [[nodiscard]] bool admit(rtp::PayloadFormat format, std::span<const std::uint8_t> payload);

  bool is_open() const { return open_; }
  const KeyframeGateStats& stats() const { return stats_; }

private:
  KeyframeGateStats stats_;
  bool open_ = false;
};

}  // namespace presentd::media

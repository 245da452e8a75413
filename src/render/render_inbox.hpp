// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the Renderer facade and the render thread share: the command queue, the per-presenter
// frame mailboxes, the wake-up event and the counters.
//
// Thread: any; every member is guarded by `mutex` or atomic.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "presentd/render/renderer.hpp"

namespace presentd::render {

struct Renderer::Inbox {
  std::mutex mutex;
  std::condition_variable woken;  // signalled with every wake-up event (see RenderLoop::wait_for_display)
  std::vector<std::function<void(RenderLoop&)>> commands;
  std::map<PresenterId, std::shared_ptr<FrameMailbox>> mailboxes;
  bool accepting = false;  // the render thread is up and has registered wake_event
  Uint32 wake_event = 0;
  // Set when a wake-up event is in SDL's queue, so a burst of frames pushes one event, not many.
  std::atomic<bool> wake_pending{false};
  std::atomic<std::uint64_t> frames_presented{0};
  std::atomic<std::uint64_t> frames_dropped{0};
  std::atomic<std::uint64_t> redraws{0};
  ScreenStatus screen;  // guarded by mutex; written by the render thread
};

}  // namespace presentd::render

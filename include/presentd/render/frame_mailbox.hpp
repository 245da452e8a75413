// SPDX-License-Identifier: Apache-2.0
#pragma once
// "Latest frame wins": one slot per presenter between its decode worker and the render thread.
//
// A new picture replaces one the renderer has not taken yet (that one is counted as dropped), so
// when drawing falls behind the screen skips frames instead of showing them late. There is no
// queue to build latency in.
//
// Thread: post() from the decode worker, take() from the render thread.
#include <cstdint>
#include <mutex>

#include "presentd/media/picture.hpp"

namespace presentd::render {

class FrameMailbox {
public:
  struct PostResult {
    bool was_empty = false;  // the render thread must be woken (it was not already due to look)
    bool replaced = false;   // an undrawn picture was dropped
  };

  PostResult post(media::PicturePtr picture);
  // The newest picture, or null when nothing arrived since the last take().
  [[nodiscard]] media::PicturePtr take();

  std::uint64_t posted() const;
  std::uint64_t dropped() const;

private:
  mutable std::mutex mutex_;
  media::PicturePtr pending_;
  std::uint64_t posted_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace presentd::render

// SPDX-License-Identifier: Apache-2.0
#include "presentd/render/frame_mailbox.hpp"

#include <utility>

namespace presentd::render {

FrameMailbox::PostResult FrameMailbox::post(media::PicturePtr picture) {
  media::PicturePtr replaced;  // released outside the lock: the last reference frees decoder memory
  PostResult result;
  {
    std::lock_guard lock(mutex_);
    ++posted_;
    result.was_empty = pending_ == nullptr;
    result.replaced = !result.was_empty;
    if (result.replaced) ++dropped_;
    replaced = std::exchange(pending_, std::move(picture));
  }
  return result;
}

media::PicturePtr FrameMailbox::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(pending_, nullptr);
}

std::uint64_t FrameMailbox::posted() const {
  std::lock_guard lock(mutex_);
  return posted_;
}

std::uint64_t FrameMailbox::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace presentd::render

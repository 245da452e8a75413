// SPDX-License-Identifier: Apache-2.0
#include "media/decode/buffer_pool.hpp"

#include <utility>

namespace presentd::media {

std::shared_ptr<BufferPool> BufferPool::create(std::size_t max_free) {
  return std::shared_ptr<BufferPool>(new BufferPool(max_free));
}

std::shared_ptr<PooledBuffer> BufferPool::acquire(std::size_t size) {
  std::unique_ptr<PooledBuffer> buffer;
  {
    std::lock_guard lock(mutex_);
    for (auto it = free_.begin(); it != free_.end(); ++it) {
      if ((*it)->size >= size) {
        buffer = std::move(*it);
        free_.erase(it);
        break;
      }
    }
    if (!buffer) ++allocations_;
  }
  if (!buffer) {
    buffer = std::make_unique<PooledBuffer>();
    buffer->data = std::make_unique<std::uint8_t[]>(size);  // value-initialised: zero-filled
    buffer->size = size;
  }
  std::weak_ptr<BufferPool> pool = weak_from_this();
  return {buffer.release(), [pool](PooledBuffer* returned) {
            std::unique_ptr<PooledBuffer> owned(returned);
            if (auto alive = pool.lock()) alive->give_back(std::move(owned));
          }};
}

void BufferPool::give_back(std::unique_ptr<PooledBuffer> buffer) {
  std::lock_guard lock(mutex_);
  if (free_.size() < max_free_) free_.push_back(std::move(buffer));
}

std::size_t BufferPool::allocations() const {
  std::lock_guard lock(mutex_);
  return allocations_;
}

std::size_t BufferPool::idle() const {
  std::lock_guard lock(mutex_);
  return free_.size();
}

}  // namespace presentd::media

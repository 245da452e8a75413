// SPDX-License-Identifier: Apache-2.0
#pragma once
// BufferPool: recycles the large pixel buffers libvpx decodes into, so a 1080p stream does not
// allocate 3 MB per frame.
//
// A buffer handed out is a shared_ptr; whoever drops the last reference (the decoder when a frame
// is no longer a reference, or the render thread when it has shown the picture) returns it to the
// pool. Buffers may come back after the pool is gone (a picture outliving its stream): they are
// then simply freed.
//
// Thread: acquire() on the decode worker; buffers return from any thread, so the free list is
// under a mutex (held for a vector push/pop only).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace presentd::media {

struct PooledBuffer {
  std::unique_ptr<std::uint8_t[]> data;
  std::size_t size = 0;
};

class BufferPool : public std::enable_shared_from_this<BufferPool> {
public:
  // At most `max_free` idle buffers are kept; more are freed as they return.
  static std::shared_ptr<BufferPool> create(std::size_t max_free = 12);

  // A buffer of at least `size` bytes. A fresh buffer is zero-filled; a recycled one holds the
  // bytes of an earlier frame (initialised memory either way).
  std::shared_ptr<PooledBuffer> acquire(std::size_t size);

  std::size_t allocations() const;
  std::size_t idle() const;

private:
  explicit BufferPool(std::size_t max_free) : max_free_(max_free) {}
  void give_back(std::unique_ptr<PooledBuffer> buffer);

  const std::size_t max_free_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<PooledBuffer>> free_;
  std::size_t allocations_ = 0;
};

}  // namespace presentd::media

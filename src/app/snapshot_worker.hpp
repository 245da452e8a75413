// SPDX-License-Identifier: Apache-2.0
#pragma once
// GET /api/v1/snapshot.png without blocking the event loop: the render thread reads the screen
// back after its next redraw, a worker thread of this class waits for that and encodes the PNG
// (≈ 50 ms for 1080p), and the bytes come back to the event loop by asio::post. One snapshot
// at a time; a second request while one is in flight is refused (the caller answers 503).
//
// Thread: take() and the callbacks on the event loop; the waiting and encoding on its own
// worker thread, joined by the destructor.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "presentd/common/liveness.hpp"

namespace presentd::render {
class Renderer;
}

namespace presentd::app {

class SnapshotWorker {
public:
  explicit SnapshotWorker(boost::asio::io_context& io);
  ~SnapshotWorker();
  SnapshotWorker(const SnapshotWorker&) = delete;
  SnapshotWorker& operator=(const SnapshotWorker&) = delete;

  // False when a snapshot is already in flight. Otherwise `done` is called later on the event
  // loop with the PNG bytes, or nullopt when the screen could not be read.
  bool take(render::Renderer& renderer, std::function<void(std::optional<std::string>)> done);

private:
  boost::asio::io_context& io_;
  boost::asio::thread_pool pool_{1};
  bool busy_ = false;
  Liveness liveness_;  // tokens in deferred handlers: liveness.hpp
};

}  // namespace presentd::app

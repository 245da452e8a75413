// SPDX-License-Identifier: Apache-2.0
#include "app/snapshot_worker.hpp"

#include <chrono>

#include <boost/asio/post.hpp>

#include "presentd/common/internal_errors.hpp"
#include "presentd/common/log.hpp"
#include "presentd/render/renderer.hpp"

namespace presentd::app {
namespace {
// The render thread answers within one redraw; a stuck one must not hold the request forever.
constexpr std::chrono::seconds kSnapshotTimeout{5};
}  // namespace

SnapshotWorker::SnapshotWorker(boost::asio::io_context& io) : io_(io) {}

SnapshotWorker::~SnapshotWorker() {
  liveness_.end();
  pool_.join();
}

bool SnapshotWorker::take(render::Renderer& renderer, std::function<void(std::optional<std::string>)> done) {
  if (busy_) return false;
  busy_ = true;
  auto shot = std::make_shared<std::future<std::optional<render::Snapshot>>>(renderer.request_snapshot());
  boost::asio::post(pool_, [this, shot, done = std::move(done), alive = liveness_.token()]() mutable {
    std::optional<std::string> png;
    try {
      if (shot->wait_for(kSnapshotTimeout) == std::future_status::ready) {
        if (const auto snapshot = shot->get()) {
          if (auto bytes = render::encode_png(*snapshot)) png.emplace(bytes->begin(), bytes->end());
        }
      }
    } catch (...) {
      // The snapshot thread's error boundary: this snapshot fails (the admin gets an error),
      // the worker stays ready for the next one.
      report_current_exception(ErrorSite::snapshot, "render", "a screen snapshot");
      png.reset();
    }
    boost::asio::post(io_, [this, png = std::move(png), done = std::move(done), alive]() mutable {
      if (!alive) return;  // the worker is gone (shutdown); so is whoever asked
      busy_ = false;
      if (!png) PD_LOG(warning, "render") << "a snapshot of the screen failed";
      done(std::move(png));
    });
  });
  return true;
}

}  // namespace presentd::app

// SPDX-License-Identifier: Apache-2.0
#include "presentd/ice/glib_context_pump.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include <boost/asio/post.hpp>

#include "presentd/common/errno_text.hpp"
#include "presentd/common/log.hpp"

namespace presentd::ice {

GlibContextPump::GlibContextPump(boost::asio::io_context& io, GMainContext* context)
    : io_(io), context_(g_main_context_ref(context)), timer_(io) {}

GlibContextPump::~GlibContextPump() {
  stop();
  descriptors_.clear();  // closes the duplicates; GLib's own fds stay open
  if (acquired_) g_main_context_release(context_);
  g_main_context_unref(context_);
}

void GlibContextPump::start() {
  loop_.check("GlibContextPump::start");
  if (running_) return;
  if (!acquired_) {
    acquired_ = g_main_context_acquire(context_) != FALSE;
    if (!acquired_) PD_LOG(error, "ice") << "the GLib main context is owned by another thread";
  }
  running_ = true;
  begin_iteration();
}

void GlibContextPump::stop() {
  loop_.check("GlibContextPump::stop");
  running_ = false;
  ++generation_;  // every pending completion is now stale
  cancel_waits();
}

void GlibContextPump::forget_descriptors() {
  ++generation_;  // the waits of the current iteration are stale
  cancel_waits();
  descriptors_.clear();
  if (!running_) return;
  const auto generation = generation_;
  boost::asio::post(io_, [this, generation, alive = liveness_.token()] {
    if (alive && running_ && generation == generation_) begin_iteration();
  });
}

void GlibContextPump::cancel_waits() {
  timer_.cancel();
  for (auto& [fd, owned] : descriptors_) {
    boost::system::error_code ignored;
    owned.descriptor->cancel(ignored);
  }
}

void GlibContextPump::kick() {
  loop_.check("GlibContextPump::kick");
  if (!running_ || kick_pending_) return;
  kick_pending_ = true;
  const auto generation = generation_;
  boost::asio::post(io_, [this, generation, alive = liveness_.token()] {
    if (!alive) return;
    kick_pending_ = false;
    finish_iteration(generation);
  });
}

boost::asio::posix::stream_descriptor* GlibContextPump::descriptor_for(int fd) {
  struct stat now {};
  if (::fstat(fd, &now) != 0) {
    descriptors_.erase(fd);  // closed under GLib's poll: the zero-timeout poll() reports it
    return nullptr;
  }
  auto& owned = descriptors_[fd];
  // The number may name another file than when it was duplicated: closed and reused since.
  if (owned.descriptor && owned.device == now.st_dev && owned.inode == now.st_ino) return owned.descriptor.get();
  owned = {};
  const int duplicate = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (duplicate < 0) {
    descriptors_.erase(fd);
    PD_LOG(warning, "ice") << "cannot watch a libnice socket: " << errno_text(errno);
    return nullptr;
  }
  owned.descriptor = std::make_unique<boost::asio::posix::stream_descriptor>(io_, duplicate);
  owned.device = now.st_dev;
  owned.inode = now.st_ino;
  return owned.descriptor.get();
}

void GlibContextPump::forget_unused_descriptors() {
  // A duplicate of an fd GLib no longer polls would keep its socket open: close it now.
  std::erase_if(descriptors_, [&](const auto& item) {
    return std::none_of(poll_fds_.begin(), poll_fds_.end(), [&](const GPollFD& p) { return p.fd == item.first; });
  });
}

void GlibContextPump::begin_iteration() {
  if (!running_) return;
  const auto generation = ++generation_;
  g_main_context_prepare(context_, &max_priority_);
  gint timeout_ms = -1;
  poll_fds_.resize(std::max<std::size_t>(poll_fds_.size(), 8));
  while (true) {
    const gint needed = g_main_context_query(context_, max_priority_, &timeout_ms, poll_fds_.data(),
                                             static_cast<gint>(poll_fds_.size()));
    if (static_cast<std::size_t>(needed) <= poll_fds_.size()) {
      poll_fds_.resize(static_cast<std::size_t>(needed));
      break;
    }
    poll_fds_.resize(static_cast<std::size_t>(needed));
  }
  forget_unused_descriptors();

  if (timeout_ms == 0) {
    boost::asio::post(io_, [this, generation, alive = liveness_.token()] {
      if (alive) finish_iteration(generation);
    });
    return;
  }
  if (timeout_ms > 0) {
    timer_.expires_after(std::chrono::milliseconds(timeout_ms));
    timer_.async_wait([this, generation, alive = liveness_.token()](boost::system::error_code ec) {
      if (!ec && alive) finish_iteration(generation);
    });
  }
  for (const auto& poll_fd : poll_fds_) {
    auto* descriptor = descriptor_for(poll_fd.fd);
    if (descriptor == nullptr) {
      // Not open (GLib will learn it from poll()'s POLLNVAL) or not watchable: look at once.
      boost::asio::post(io_, [this, generation, alive = liveness_.token()] {
        if (alive) finish_iteration(generation);
      });
      continue;
    }
    const auto on_ready = [this, generation, alive = liveness_.token()](boost::system::error_code ec) {
      if (!ec && alive) finish_iteration(generation);
    };
    if (poll_fd.events & (G_IO_IN | G_IO_PRI | G_IO_HUP | G_IO_ERR)) {
      descriptor->async_wait(boost::asio::posix::stream_descriptor::wait_read, on_ready);
    }
    if (poll_fd.events & G_IO_OUT) {
      descriptor->async_wait(boost::asio::posix::stream_descriptor::wait_write, on_ready);
    }
  }
}

void GlibContextPump::finish_iteration(std::uint64_t generation) {
  if (!running_ || generation != generation_) return;
  ++generation_;  // the other waits of this iteration are stale from here on
  cancel_waits();
  // The authoritative readiness check (see the header on edge-triggered registrations).
  for (auto& poll_fd : poll_fds_) poll_fd.revents = 0;
  if (!poll_fds_.empty()) {
    std::vector<pollfd> fds(poll_fds_.size());
    for (std::size_t i = 0; i < fds.size(); ++i) {
      fds[i] = pollfd{poll_fds_[i].fd, static_cast<short>(poll_fds_[i].events), 0};
    }
    if (::poll(fds.data(), fds.size(), 0) > 0) {
      for (std::size_t i = 0; i < fds.size(); ++i) poll_fds_[i].revents = static_cast<gushort>(fds[i].revents);
    }
  }
  ++iterations_;
  if (g_main_context_check(context_, max_priority_, poll_fds_.data(), static_cast<gint>(poll_fds_.size()))) {
    g_main_context_dispatch(context_);
  }
  begin_iteration();
}

}  // namespace presentd::ice

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
  stop();  // closes the duplicates; GLib's own fds stay open
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
  recheck_ = true;
  begin_iteration();
}

void GlibContextPump::stop() {
  loop_.check("GlibContextPump::stop");
  running_ = false;
  timer_.cancel();
  // Closing the duplicates cancels their waits; their completions find no matching serial.
  descriptors_.clear();
}

void GlibContextPump::forget_descriptors() {
  descriptors_.clear();
  recheck_ = true;
  if (running_) request_iteration();
}

void GlibContextPump::kick() {
  loop_.check("GlibContextPump::kick");
  recheck_ = true;  // a source added from here may poll a number that now names another file
  if (running_) request_iteration();
}

void GlibContextPump::request_iteration() {
  if (iteration_queued_) return;
  iteration_queued_ = true;
  boost::asio::post(io_, [this, alive = liveness_.token()] {
    if (alive) finish_iteration();
  });
}

GlibContextPump::OwnedDescriptor* GlibContextPump::descriptor_for(int fd, bool recheck) {
  auto found = descriptors_.find(fd);
  if (found != descriptors_.end() && !recheck) return &found->second;
  struct stat now {};
  if (::fstat(fd, &now) != 0) {
    descriptors_.erase(fd);  // closed under GLib's poll: the zero-timeout poll() reports it
    return nullptr;
  }
  auto& owned = descriptors_[fd];
  // The number may name another file than when it was duplicated: closed and reused since.
  if (owned.descriptor && owned.device == now.st_dev && owned.inode == now.st_ino) return &owned;
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
  owned.serial = ++next_serial_;
  return &owned;
}

void GlibContextPump::wait_on(int fd, OwnedDescriptor& owned, bool write) {
  bool& pending = write ? owned.write_pending : owned.read_pending;
  if (pending) return;
  pending = true;
  owned.descriptor->async_wait(
      write ? boost::asio::posix::stream_descriptor::wait_write : boost::asio::posix::stream_descriptor::wait_read,
      [this, fd, write, serial = owned.serial, alive = liveness_.token()](boost::system::error_code ec) {
        if (!alive) return;
        const auto found = descriptors_.find(fd);
        if (found == descriptors_.end() || found->second.serial != serial) return;  // a closed duplicate's
        (write ? found->second.write_pending : found->second.read_pending) = false;
        if (!ec) request_iteration();
      });
}

void GlibContextPump::forget_unused_descriptors() {
  // A duplicate of an fd GLib no longer polls would keep its socket open: close it now.
  std::erase_if(descriptors_, [&](const auto& item) {
    return std::none_of(poll_fds_.begin(), poll_fds_.end(), [&](const GPollFD& p) { return p.fd == item.first; });
  });
}

void GlibContextPump::begin_iteration() {
  if (!running_) return;
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

  const bool same_set = std::equal(poll_fds_.begin(), poll_fds_.end(), last_polled_.begin(), last_polled_.end(),
                                   [](const GPollFD& p, int fd) { return p.fd == fd; });
  if (!same_set) {
    forget_unused_descriptors();
    last_polled_.clear();
    for (const auto& poll_fd : poll_fds_) last_polled_.push_back(poll_fd.fd);
  }
  const auto now = std::chrono::steady_clock::now();
  const bool recheck = recheck_ || !same_set || now - last_recheck_ >= kRecheckInterval;
  if (recheck) {
    recheck_ = false;
    last_recheck_ = now;
  }

  // While fds are polled, an iteration comes at least every kRecheckInterval (see the header).
  if (!poll_fds_.empty()) {
    const auto recheck_ms = static_cast<gint>(kRecheckInterval.count());
    timeout_ms = timeout_ms < 0 ? recheck_ms : std::min(timeout_ms, recheck_ms);
  }
  if (timeout_ms == 0) {
    request_iteration();
  } else if (timeout_ms > 0) {
    timer_.expires_after(std::chrono::milliseconds(timeout_ms));
    timer_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
      if (!ec && alive) request_iteration();
    });
  }
  for (const auto& poll_fd : poll_fds_) {
    auto* owned = descriptor_for(poll_fd.fd, recheck);
    if (owned == nullptr) {
      // Not open (GLib will learn it from poll()'s POLLNVAL) or not watchable: look at once.
      request_iteration();
      continue;
    }
    if (poll_fd.events & (G_IO_IN | G_IO_PRI | G_IO_HUP | G_IO_ERR)) wait_on(poll_fd.fd, *owned, false);
    if (poll_fd.events & G_IO_OUT) wait_on(poll_fd.fd, *owned, true);
  }
}

void GlibContextPump::finish_iteration() {
  iteration_queued_ = false;
  if (!running_) return;
  // The authoritative readiness check (see the header on edge-triggered registrations).
  for (auto& poll_fd : poll_fds_) poll_fd.revents = 0;
  if (!poll_fds_.empty()) {
    ready_.resize(poll_fds_.size());
    for (std::size_t i = 0; i < ready_.size(); ++i) {
      ready_[i] = pollfd{poll_fds_[i].fd, static_cast<short>(poll_fds_[i].events), 0};
    }
    if (::poll(ready_.data(), ready_.size(), 0) > 0) {
      for (std::size_t i = 0; i < ready_.size(); ++i) poll_fds_[i].revents = static_cast<gushort>(ready_[i].revents);
    }
  }
  ++iterations_;
  if (g_main_context_check(context_, max_priority_, poll_fds_.data(), static_cast<gint>(poll_fds_.size()))) {
    g_main_context_dispatch(context_);
  }
  begin_iteration();
}

}  // namespace presentd::ice

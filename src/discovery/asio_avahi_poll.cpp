// SPDX-License-Identifier: Apache-2.0
#include "discovery/asio_avahi_poll.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

// Avahi declares these structs opaque and leaves their definition to each poll implementation.
struct AvahiWatch : std::enable_shared_from_this<AvahiWatch> {
  // `own_copy` is a dup() of Avahi's descriptor: see watch_new.
  AvahiWatch(boost::asio::io_context& io, int own_copy, int descriptor_fd, AvahiWatchEvent events,
             AvahiWatchCallback cb, void* data)
      : descriptor(io, own_copy), fd(descriptor_fd), wanted(events), callback(cb), userdata(data) {}

  void arm();
  void dispatch();
  AvahiWatchEvent ready_events() const;

  boost::asio::posix::stream_descriptor descriptor;
  int fd;  // Avahi's descriptor, handed back in callbacks
  AvahiWatchEvent wanted;
  AvahiWatchEvent happened = static_cast<AvahiWatchEvent>(0);
  AvahiWatchCallback callback;
  void* userdata;
  presentd::discovery::AsioAvahiPoll* owner = nullptr;
  bool dead = false;
  // Bumped on every re-arm so completions of superseded waits are ignored.
  unsigned generation = 0;
};

struct AvahiTimeout : std::enable_shared_from_this<AvahiTimeout> {
  AvahiTimeout(boost::asio::io_context& io, AvahiTimeoutCallback cb, void* data)
      : timer(io), callback(cb), userdata(data) {}

  void arm(const struct timeval* when);

  boost::asio::steady_timer timer;
  AvahiTimeoutCallback callback;
  void* userdata;
  presentd::discovery::AsioAvahiPoll* owner = nullptr;
  bool dead = false;
  unsigned generation = 0;
};

namespace {

short poll_events_of(AvahiWatchEvent events) {
  short out = 0;
  if ((events & AVAHI_WATCH_IN) != 0) out |= POLLIN;
  if ((events & AVAHI_WATCH_OUT) != 0) out |= POLLOUT;
  return out;
}

AvahiWatchEvent avahi_events_of(short revents) {
  int out = 0;
  if ((revents & POLLIN) != 0) out |= AVAHI_WATCH_IN;
  if ((revents & POLLOUT) != 0) out |= AVAHI_WATCH_OUT;
  if ((revents & POLLERR) != 0) out |= AVAHI_WATCH_ERR;
  if ((revents & POLLHUP) != 0) out |= AVAHI_WATCH_HUP;
  return static_cast<AvahiWatchEvent>(out);
}

}  // namespace

AvahiWatchEvent AvahiWatch::ready_events() const {
  pollfd entry{fd, poll_events_of(wanted), 0};
  if (::poll(&entry, 1, 0) <= 0) return static_cast<AvahiWatchEvent>(0);
  // ERR and HUP are reported whatever was asked for, as poll() does.
  return static_cast<AvahiWatchEvent>(avahi_events_of(entry.revents) & (wanted | AVAHI_WATCH_ERR | AVAHI_WATCH_HUP));
}

void AvahiWatch::arm() {
  ++generation;
  descriptor.cancel();
  if (dead || wanted == 0) return;
  const unsigned armed = generation;
  auto self = shared_from_this();
  if (ready_events() != 0) {
    boost::asio::post(descriptor.get_executor(), [self, armed] {
      if (!self->dead && self->generation == armed) self->dispatch();
    });
    return;
  }
  const auto on_ready = [self, armed](const boost::system::error_code& ec) {
    if (ec || self->dead || self->generation != armed) return;
    self->dispatch();
  };
  if ((wanted & AVAHI_WATCH_IN) != 0) descriptor.async_wait(boost::asio::posix::descriptor_base::wait_read, on_ready);
  if ((wanted & AVAHI_WATCH_OUT) != 0) {
    descriptor.async_wait(boost::asio::posix::descriptor_base::wait_write, on_ready);
  }
}

void AvahiWatch::dispatch() {
  // Keeps this object alive should Avahi free the watch from inside the callback.
  const auto self = shared_from_this();
  ++generation;
  happened = ready_events();
  if (happened != 0) callback(this, fd, happened, userdata);
  happened = static_cast<AvahiWatchEvent>(0);
  if (!dead) arm();
}

void AvahiTimeout::arm(const struct timeval* when) {
  ++generation;
  timer.cancel();
  if (dead || when == nullptr) return;
  // Avahi passes an absolute gettimeofday() time; the steady timer gets the distance to it.
  timeval now{};
  gettimeofday(&now, nullptr);
  const auto delay =
      std::chrono::seconds(when->tv_sec - now.tv_sec) + std::chrono::microseconds(when->tv_usec - now.tv_usec);
  timer.expires_after(std::max<std::chrono::microseconds>(delay, std::chrono::microseconds(0)));
  const unsigned armed = generation;
  timer.async_wait([self = shared_from_this(), armed](const boost::system::error_code& ec) {
    if (ec || self->dead || self->generation != armed) return;
    // One-shot: Avahi re-arms it with timeout_update if it wants another.
    ++self->generation;
    self->callback(self.get(), self->userdata);
  });
}

namespace presentd::discovery {

AsioAvahiPoll::AsioAvahiPoll(boost::asio::io_context& io) : io_(io) {
  api_.userdata = this;
  api_.watch_new = &AsioAvahiPoll::watch_new;
  api_.watch_update = &AsioAvahiPoll::watch_update;
  api_.watch_get_events = &AsioAvahiPoll::watch_get_events;
  api_.watch_free = &AsioAvahiPoll::watch_free;
  api_.timeout_new = &AsioAvahiPoll::timeout_new;
  api_.timeout_update = &AsioAvahiPoll::timeout_update;
  api_.timeout_free = &AsioAvahiPoll::timeout_free;
}

AsioAvahiPoll::~AsioAvahiPoll() {
  // Normally empty (the client was freed first); anything left is disowned, never closed.
  while (!watches_.empty()) watch_free(watches_.begin()->first);
  while (!timeouts_.empty()) timeout_free(timeouts_.begin()->first);
}

AvahiWatch* AsioAvahiPoll::watch_new(const AvahiPoll* api, int fd, AvahiWatchEvent event, AvahiWatchCallback callback,
                                     void* userdata) {
  auto& poll = self(api);
  // D-Bus keeps a read and a write watch on the same socket, and epoll refuses to register one
  // descriptor twice (EEXIST). Each watch therefore waits on its own dup() of the descriptor:
  // same socket, same readiness, and Avahi's descriptor is never closed or registered by us.
  const int own_copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own_copy < 0) return nullptr;  // Avahi treats a null watch as a failure
  std::shared_ptr<AvahiWatch> watch;
  try {
    watch = std::make_shared<AvahiWatch>(poll.io_, own_copy, fd, event, callback, userdata);
  } catch (const std::exception&) {
    ::close(own_copy);  // no exception may cross back into Avahi's C code
    return nullptr;
  }
  watch->owner = &poll;
  AvahiWatch* handle = watch.get();
  poll.watches_.emplace(handle, std::move(watch));
  handle->arm();
  return handle;
}

void AsioAvahiPoll::watch_update(AvahiWatch* watch, AvahiWatchEvent event) {
  watch->wanted = event;
  watch->arm();
}

AvahiWatchEvent AsioAvahiPoll::watch_get_events(AvahiWatch* watch) { return watch->happened; }

void AsioAvahiPoll::watch_free(AvahiWatch* watch) {
  watch->dead = true;
  ++watch->generation;
  // Closes only our dup(); Avahi's descriptor stays open. Pending waits end as aborted and
  // their handlers hold the last references, so a watch freed from inside its callback stays
  // valid until that callback has returned.
  boost::system::error_code ignored;
  watch->descriptor.close(ignored);
  watch->owner->watches_.erase(watch);
}

AvahiTimeout* AsioAvahiPoll::timeout_new(const AvahiPoll* api, const struct timeval* tv, AvahiTimeoutCallback callback,
                                         void* userdata) {
  auto& poll = self(api);
  auto timeout = std::make_shared<AvahiTimeout>(poll.io_, callback, userdata);
  timeout->owner = &poll;
  AvahiTimeout* handle = timeout.get();
  poll.timeouts_.emplace(handle, std::move(timeout));
  handle->arm(tv);
  return handle;
}

void AsioAvahiPoll::timeout_update(AvahiTimeout* timeout, const struct timeval* tv) { timeout->arm(tv); }

void AsioAvahiPoll::timeout_free(AvahiTimeout* timeout) {
  timeout->dead = true;
  ++timeout->generation;
  timeout->timer.cancel();
  timeout->owner->timeouts_.erase(timeout);
}

}  // namespace presentd::discovery

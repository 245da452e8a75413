// SPDX-License-Identifier: Apache-2.0
#pragma once
// Avahi's main-loop abstraction (AvahiPoll) implemented on the daemon's io_context, so the
// Avahi client runs on the event loop with no thread of its own (no avahi_threaded_poll), the
// way PulseAudio drives Avahi from its own loop.
//
// Watches are posix::stream_descriptor waits on a dup() of the descriptor Avahi (D-Bus) owns:
// D-Bus watches one socket twice (read and write) and epoll registers a descriptor only once;
// Avahi's own descriptor is never closed by us. Asio's epoll reactor is edge-triggered, so
// each arming first checks the descriptor with a zero-timeout poll() and, when it is already
// ready, dispatches at once instead of waiting for an edge that already passed. Timeouts are
// steady_timers. Avahi may free a watch or timeout from inside its own callback: the object
// is then only marked dead and destroyed when the last handler referring to it has run.
//
// Thread: event loop. Free every Avahi object that uses the poll (the AvahiClient) before
// destroying it.
#include <map>
#include <memory>

#include <avahi-common/watch.h>
#include <boost/asio/io_context.hpp>

namespace presentd::discovery {

class AsioAvahiPoll {
public:
  explicit AsioAvahiPoll(boost::asio::io_context& io);
  ~AsioAvahiPoll();
  AsioAvahiPoll(const AsioAvahiPoll&) = delete;
  AsioAvahiPoll& operator=(const AsioAvahiPoll&) = delete;

  // What avahi_client_new() takes.
  const AvahiPoll* get() const { return &api_; }

  boost::asio::io_context& io() { return io_; }

  // Live watches and timeouts, for tests and leak checks.
  std::size_t watch_count() const { return watches_.size(); }
  std::size_t timeout_count() const { return timeouts_.size(); }

private:
  static AsioAvahiPoll& self(const AvahiPoll* api) { return *static_cast<AsioAvahiPoll*>(api->userdata); }
  static AvahiWatch* watch_new(const AvahiPoll* api, int fd, AvahiWatchEvent event, AvahiWatchCallback callback,
                               void* userdata);
  static void watch_update(AvahiWatch* watch, AvahiWatchEvent event);
  static AvahiWatchEvent watch_get_events(AvahiWatch* watch);
  static void watch_free(AvahiWatch* watch);
  static AvahiTimeout* timeout_new(const AvahiPoll* api, const struct timeval* tv, AvahiTimeoutCallback callback,
                                   void* userdata);
  static void timeout_update(AvahiTimeout* timeout, const struct timeval* tv);
  static void timeout_free(AvahiTimeout* timeout);

  boost::asio::io_context& io_;
  AvahiPoll api_{};
  // Owning references; handlers in flight hold their own, so a freed object outlives them.
  std::map<AvahiWatch*, std::shared_ptr<AvahiWatch>> watches_;
  std::map<AvahiTimeout*, std::shared_ptr<AvahiTimeout>> timeouts_;
};

}  // namespace presentd::discovery

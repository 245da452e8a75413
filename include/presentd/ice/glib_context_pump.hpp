// SPDX-License-Identifier: Apache-2.0
#pragma once
// Runs a GLib GMainContext (libnice's) inside the Asio event loop, on the same thread, so ICE
// needs no loop thread of its own.
//
// One iteration is GLib's own poll cycle split into asynchronous steps:
//   prepare → query (fds + timeout) → wait on each fd with posix::stream_descriptor::async_wait
//   and on a steady_timer for the timeout → the first to fire ends the wait → a zero-timeout
//   poll() fills in the real revents → check → dispatch → next iteration.
// Asio's reactor is edge-triggered, so an fd that was already readable when a registration is
// reused may never be reported: the zero-timeout poll() is what decides readiness, and a
// registration that is new for the iteration is harmless. Cancelled waits of an old iteration
// complete later with operation_aborted and are ignored by generation number.
//
// The fds belong to GLib (libnice's sockets): GLib closes them whenever it likes, inside or
// outside an iteration, and the kernel hands a closed number to the next socket anyone opens.
// So the pump never registers GLib's numbers with Asio: it registers a duplicate of each
// (dup), a number of its own that stays valid until the pump closes it. Every epoll_ctl then
// goes to a number nobody else can hold; a closed GLib fd whose number was reused (by GLib or by
// an HTTPS connection) disturbs nothing. Each iteration checks that a polled number still names
// the file its duplicate names (device and inode) and duplicates it afresh when not.
//
// GLib does not wake its own loop for sources added from the owning thread, so callers that
// call into libnice (add candidates, send, gather) call kick() afterwards.
//
// Thread: event loop. The pump acquires the context for this thread for its whole life.
#include <glib.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "presentd/common/liveness.hpp"
#include "presentd/common/loop_affinity.hpp"

namespace presentd::ice {

class GlibContextPump {
public:
  // `context` stays owned by the caller (a reference is kept while the pump lives).
  GlibContextPump(boost::asio::io_context& io, GMainContext* context);
  ~GlibContextPump();
  GlibContextPump(const GlibContextPump&) = delete;
  GlibContextPump& operator=(const GlibContextPump&) = delete;

  void start();
  // Re-runs prepare/query soon: GLib's state changed from this thread (new source, new fd).
  void kick();
  // Stops waiting; GLib sources stay attached to the context.
  void stop();
  // Closes the pump's duplicates at once and starts a fresh iteration soon. Not needed for
  // safety (see above); callers that close many of GLib's sockets (a NiceAgent going away) call
  // it so that no duplicate keeps such a socket (its port, a TCP connection) open until the
  // next iteration.
  void forget_descriptors();

  GMainContext* context() const { return context_; }
  std::uint64_t iterations() const { return iterations_; }

private:
  LoopAffinity loop_;  // checks "Thread: event loop" in debug builds
  void begin_iteration();
  void finish_iteration(std::uint64_t generation);
  void cancel_waits();
  // The registration for GLib's fd `fd` (a duplicate of it); null when `fd` is not open.
  boost::asio::posix::stream_descriptor* descriptor_for(int fd);
  void forget_unused_descriptors();

  // A duplicate of one of GLib's fds, and the file both named when it was made.
  struct OwnedDescriptor {
    std::unique_ptr<boost::asio::posix::stream_descriptor> descriptor;  // owns the duplicate
    dev_t device = 0;
    ino_t inode = 0;
  };

  boost::asio::io_context& io_;
  GMainContext* context_;
  bool acquired_ = false;
  bool running_ = false;
  bool kick_pending_ = false;
  std::uint64_t generation_ = 0;
  std::uint64_t iterations_ = 0;
  gint max_priority_ = 0;
  std::vector<GPollFD> poll_fds_;
  std::map<int, OwnedDescriptor> descriptors_;  // by GLib's fd number
  boost::asio::steady_timer timer_;
  // Every handler checks it: one queued with success in the turn the pump was destroyed would
  // otherwise run on a destroyed pump (cancelling cannot take back a completed wait).
  Liveness liveness_;  // tokens in deferred handlers: liveness.hpp
};

}  // namespace presentd::ice

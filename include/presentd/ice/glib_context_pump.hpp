// SPDX-License-Identifier: Apache-2.0
#pragma once
// Runs a GLib GMainContext (libnice's) inside the Asio event loop, on the same thread, so ICE
// needs no loop thread of its own.
//
// One iteration is GLib's own poll cycle split into asynchronous steps:
//   prepare → query (fds + timeout) → make sure each fd has a wait pending with
//   posix::stream_descriptor::async_wait, and arm a steady_timer for the timeout → the first to
//   fire queues the rest of the iteration → a zero-timeout poll() fills in the real revents →
//   check → dispatch → next iteration.
// Asio's reactor is edge-triggered, so an fd that was already readable when a registration is
// reused may never be reported: the zero-timeout poll() is what decides readiness. A wait that
// fires only asks for an iteration; one that fires after its data was read is one spare
// iteration, nothing more.
//
// The cost of an iteration must not grow with every other agent's sockets: one shared context
// carries every presenter's and every viewer's agent (25 viewers are a hundred fds or more), and
// each datagram from any of them is an iteration. So a wait stays pending across iterations
// until its fd fires (only that fd is waited on again), and the timer is the one thing re-armed
// every time. Nothing is cancelled per iteration.
//
// The fds belong to GLib (libnice's sockets): GLib closes them whenever it likes, inside or
// outside an iteration, and the kernel hands a closed number to the next socket anyone opens.
// So the pump never registers GLib's numbers with Asio: it registers a duplicate of each
// (dup), a number of its own that stays valid until the pump closes it. Every epoll_ctl then
// goes to a number nobody else can hold; a closed GLib fd whose number was reused (by GLib or by
// an HTTPS connection) disturbs nothing. Whether a polled number still names the file its
// duplicate names (device and inode) is checked when the polled set changes, after kick() and
// forget_descriptors(), and otherwise at least every kRecheckInterval (an iteration is made for
// it while fds are polled): GLib can close a socket and open another on the same number inside
// one dispatch (libnice replacing an ICE-TCP connection), which leaves the set looking the same.
//
// GLib does not wake its own loop for sources added from the owning thread, so callers that
// call into libnice (add candidates, send, gather) call kick() afterwards.
//
// Thread: event loop. The pump acquires the context for this thread for its whole life.
#include <glib.h>
#include <sys/types.h>

#include <chrono>
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

  // See the header comment: the longest a socket that took a polled number inside one dispatch
  // may go unheard.
  static constexpr std::chrono::milliseconds kRecheckInterval{100};

  GMainContext* context() const { return context_; }
  std::uint64_t iterations() const { return iterations_; }

private:
  LoopAffinity loop_;  // checks "Thread: event loop" in debug builds
  // A duplicate of one of GLib's fds, the file both named when it was made, and its waits.
  struct OwnedDescriptor {
    std::unique_ptr<boost::asio::posix::stream_descriptor> descriptor;  // owns the duplicate
    dev_t device = 0;
    ino_t inode = 0;
    std::uint64_t serial = 0;  // tells this duplicate's completions from an earlier one's
    bool read_pending = false;
    bool write_pending = false;
  };

  void begin_iteration();
  void finish_iteration();
  // Queues finish_iteration() once, however many waits fire before it runs.
  void request_iteration();
  // The registration for GLib's fd `fd` (a duplicate of it); null when `fd` is not open.
  // `recheck`: confirm that `fd` still names the duplicate's file (one fstat).
  OwnedDescriptor* descriptor_for(int fd, bool recheck);
  void wait_on(int fd, OwnedDescriptor& owned, bool write);
  void forget_unused_descriptors();

  boost::asio::io_context& io_;
  GMainContext* context_;
  bool acquired_ = false;
  bool running_ = false;
  bool iteration_queued_ = false;
  bool recheck_ = true;  // the next iteration confirms every duplicate (see above)
  std::chrono::steady_clock::time_point last_recheck_{};
  std::uint64_t next_serial_ = 0;
  std::uint64_t iterations_ = 0;
  gint max_priority_ = 0;
  std::vector<GPollFD> poll_fds_;
  std::vector<int> last_polled_;                // the fd numbers the previous iteration polled, in order
  std::vector<pollfd> ready_;                   // reused by finish_iteration's poll()
  std::map<int, OwnedDescriptor> descriptors_;  // by GLib's fd number
  boost::asio::steady_timer timer_;
  // Every handler checks it: one queued with success in the turn the pump was destroyed would
  // otherwise run on a destroyed pump (cancelling cannot take back a completed wait).
  Liveness liveness_;  // tokens in deferred handlers: liveness.hpp
};

}  // namespace presentd::ice

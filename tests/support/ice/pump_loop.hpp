// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test helpers for code under the GLib pump: driving the Asio loop from the test's thread, and
// giving a new socket a chosen (just closed) fd number, as the kernel does with the lowest one.
#include <fcntl.h>
#include <glib.h>
#include <unistd.h>

#include <chrono>

#include <boost/asio/io_context.hpp>

#include "presentd/ice/glib_context_pump.hpp"

namespace presentd::ice {

template <class Predicate>
bool run_until(boost::asio::io_context& io, Predicate done,
               std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.run_for(std::chrono::milliseconds(5));
    io.restart();
  }
  return true;
}

// Returns once the pump has run a whole iteration (prepare, query, check, dispatch) that began
// after this call: a one-shot idle source is dispatched only by such an iteration.
inline bool run_one_pump_iteration(boost::asio::io_context& io, GlibContextPump& pump) {
  bool dispatched = false;
  GSource* idle = g_idle_source_new();
  g_source_set_callback(
      idle,
      [](gpointer flag) -> gboolean {
        *static_cast<bool*>(flag) = true;
        return G_SOURCE_REMOVE;
      },
      &dispatched, nullptr);
  g_source_attach(idle, pump.context());
  pump.kick();
  const bool ran = run_until(io, [&] { return dispatched; });
  g_source_destroy(idle);
  g_source_unref(idle);
  return ran;
}

// Moves `fd` onto `number`, which must be free, and returns `number`; `fd` is closed if moved.
inline int take_number(int fd, int number) {
  if (fd == number) return number;
  const int moved = ::dup3(fd, number, O_CLOEXEC);
  ::close(fd);
  return moved;
}

}  // namespace presentd::ice

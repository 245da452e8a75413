// SPDX-License-Identifier: Apache-2.0
#pragma once
// Runs a test's io_context in short slices until `done()` holds or `timeout` passes; true when
// it holds. For unit tests that drive the event loop from the test thread (the loop's thread).
#include <chrono>

#include <boost/asio/io_context.hpp>

namespace presentd::testing {

template <class Predicate>
bool run_until(boost::asio::io_context& io, Predicate done,
               std::chrono::steady_clock::duration timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(5));
    io.restart();
  }
  return done();
}

}  // namespace presentd::testing

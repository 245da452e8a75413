// SPDX-License-Identifier: Apache-2.0
#pragma once
// Checks the "// Thread: event loop." of a class: a member that says it runs on the loop asserts
// so, and a call from any other thread (a decoder worker, the render thread, a test that drives
// the loop from a second thread) stops the process with a line naming the class and the call.
// The loop is the thread that constructed the object: the daemon builds everything on the thread
// that then runs io_context::run(), and so do the tests.
//
// The check costs one thread-id compare; it is compiled in where PRESENTD_THREAD_CHECKS is
// defined (Debug builds and the sanitized test tree, cmake/PresentdWarnings.cmake) and is
// nothing in the release build.
//
//   class SessionManager { ... LoopAffinity loop_; };
//   void SessionManager::create_session(...) { loop_.check("SessionManager::create_session"); ... }
//
// Thread: any (that is what it checks).
#include <string_view>
#include <thread>

namespace presentd {

class LoopAffinity {
public:
  LoopAffinity() = default;

#ifdef PRESENTD_THREAD_CHECKS
  void check(std::string_view call) const {
    if (std::this_thread::get_id() != owner_) fail(call);
  }
#else
  void check(std::string_view /*call*/) const {}
#endif

private:
  [[noreturn]] static void fail(std::string_view call);
  // Read only with thread checks on (clang warns of an unused field otherwise).
  [[maybe_unused]] std::thread::id owner_ = std::this_thread::get_id();
};

}  // namespace presentd

// SPDX-License-Identifier: Apache-2.0
#pragma once
// Whether an object a deferred handler points at still exists. A timer that expires in the loop
// turn its owner is destroyed in has its handler queued with success already, and destroying the
// timer cannot take it back; a post from a decoder thread can land after its session is gone. So
// every handler that captures `this` also captures a token and checks it first:
//
//   timer_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
//     if (ec || !alive) return;
//     ...
//   });
//
// The owner holds one Liveness as its last member (destroyed first) or calls end() first thing
// in its destructor. A token is a weak reference: checking it is safe from any thread, but a
// token that says "alive" only means the owner exists while the owner's own thread (the event
// loop) runs the check; handlers run there.
//
// Thread: any (the counted reference is atomic); see above for what a check means.
#include <memory>

namespace presentd {

class LivenessToken {
public:
  LivenessToken() = default;
  bool alive() const { return !flag_.expired(); }
  explicit operator bool() const { return alive(); }

private:
  friend class Liveness;
  explicit LivenessToken(std::weak_ptr<const int> flag) : flag_(std::move(flag)) {}
  std::weak_ptr<const int> flag_;
};

class Liveness {
public:
  Liveness() = default;
  ~Liveness() = default;
  Liveness(const Liveness&) = delete;
  Liveness& operator=(const Liveness&) = delete;

  LivenessToken token() const { return LivenessToken(flag_); }
  // Every token says "gone" from now on: for a destructor that must silence its handlers before
  // it tears down the members they use.
  void end() { flag_.reset(); }

private:
  std::shared_ptr<const int> flag_ = std::make_shared<const int>(0);
};

}  // namespace presentd

// SPDX-License-Identifier: Apache-2.0
// AvahiPoll on Asio, driven the way Avahi's D-Bus glue drives it: watches on descriptors Avahi
// owns, one-shot absolute timeouts, and objects freed from inside their own callbacks.
#include "discovery/asio_avahi_poll.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <functional>

namespace presentd::discovery {
namespace {

using namespace std::chrono_literals;

class AsioAvahiPollTest : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_EQ(pipe(fds_), 0); }
  void TearDown() override {
    close(fds_[0]);
    close(fds_[1]);
  }

  // Runs the loop until `done` holds (handlers only; nothing here waits on wall time except
  // the kernel making a pipe readable), at most 2 s so a bug fails instead of hanging.
  void run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(10ms);
    }
  }
  void write_byte() { ASSERT_EQ(write(fds_[1], "x", 1), 1); }
  bool descriptor_open(int fd) const { return fcntl(fd, F_GETFD) != -1; }

  struct Calls {
    int count = 0;
    AvahiWatchEvent last = static_cast<AvahiWatchEvent>(0);
    AvahiWatchEvent seen_through_get_events = static_cast<AvahiWatchEvent>(0);
    const AvahiPoll* api = nullptr;
    bool drain = true;
    bool free_in_callback = false;
  };
  static void on_watch(AvahiWatch* watch, int fd, AvahiWatchEvent event, void* userdata) {
    auto& calls = *static_cast<Calls*>(userdata);
    ++calls.count;
    calls.last = event;
    calls.seen_through_get_events = calls.api->watch_get_events(watch);
    char byte = 0;
    if (calls.drain && (event & AVAHI_WATCH_IN) != 0) {
      EXPECT_EQ(read(fd, &byte, 1), 1);
    }
    if (calls.free_in_callback) calls.api->watch_free(watch);
  }

  boost::asio::io_context io_;
  AsioAvahiPoll poll_{io_};
  const AvahiPoll* api_ = poll_.get();
  int fds_[2] = {-1, -1};
};

TEST_F(AsioAvahiPollTest, ReadableDescriptorCallsBackWithInAndKeepsWatching) {
  Calls calls{.api = api_};
  AvahiWatch* watch = api_->watch_new(api_, fds_[0], AVAHI_WATCH_IN, &on_watch, &calls);
  io_.poll();
  EXPECT_EQ(calls.count, 0) << "nothing to read yet";
  write_byte();
  run_until([&] { return calls.count == 1; });
  EXPECT_EQ(calls.last, AVAHI_WATCH_IN);
  EXPECT_EQ(calls.seen_through_get_events, AVAHI_WATCH_IN);
  EXPECT_EQ(api_->watch_get_events(watch), 0) << "events are only reported inside the callback";
  write_byte();  // re-armed after the callback
  run_until([&] { return calls.count == 2; });
  EXPECT_EQ(calls.count, 2);
  api_->watch_free(watch);
  EXPECT_EQ(poll_.watch_count(), 0u);
  EXPECT_TRUE(descriptor_open(fds_[0])) << "Avahi owns the descriptor: freeing the watch must not close it";
}

TEST_F(AsioAvahiPollTest, AnAlreadyReadableDescriptorIsNotMissedByTheEdgeTriggeredReactor) {
  write_byte();
  write_byte();
  Calls calls{.api = api_};
  AvahiWatch* watch = api_->watch_new(api_, fds_[0], AVAHI_WATCH_IN, &on_watch, &calls);
  run_until([&] { return calls.count == 2; });
  EXPECT_EQ(calls.count, 2) << "one callback per byte still buffered, no new edge needed";
  api_->watch_free(watch);
}

TEST_F(AsioAvahiPollTest, UndrainedDataKeepsCallingBackLikeLevelTriggeredPoll) {
  write_byte();
  Calls calls{.api = api_, .drain = false};
  AvahiWatch* watch = api_->watch_new(api_, fds_[0], AVAHI_WATCH_IN, &on_watch, &calls);
  run_until([&] { return calls.count >= 3; });
  EXPECT_GE(calls.count, 3);
  api_->watch_free(watch);
}

TEST_F(AsioAvahiPollTest, TwoWatchesOnOneDescriptorBothWork) {
  // D-Bus keeps a read and a write watch on its one socket.
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  Calls reads{.api = api_};
  Calls writes{.api = api_, .drain = false};
  AvahiWatch* read_watch = api_->watch_new(api_, pair[0], AVAHI_WATCH_IN, &on_watch, &reads);
  AvahiWatch* write_watch = api_->watch_new(api_, pair[0], AVAHI_WATCH_OUT, &on_watch, &writes);
  ASSERT_NE(read_watch, nullptr);
  ASSERT_NE(write_watch, nullptr);
  ASSERT_EQ(write(pair[1], "x", 1), 1);
  run_until([&] { return reads.count == 1 && writes.count >= 1; });
  EXPECT_EQ(reads.last, AVAHI_WATCH_IN);
  EXPECT_EQ(writes.last, AVAHI_WATCH_OUT);
  api_->watch_free(write_watch);
  api_->watch_free(read_watch);
  EXPECT_TRUE(descriptor_open(pair[0]));
  close(pair[0]);
  close(pair[1]);
}

TEST_F(AsioAvahiPollTest, UpdateChangesTheEventsWatched) {
  Calls calls{.api = api_};
  AvahiWatch* watch = api_->watch_new(api_, fds_[1], static_cast<AvahiWatchEvent>(0), &on_watch, &calls);
  io_.poll();
  EXPECT_EQ(calls.count, 0) << "no events asked for";
  api_->watch_update(watch, AVAHI_WATCH_OUT);
  run_until([&] { return calls.count >= 1; });
  EXPECT_EQ(calls.last, AVAHI_WATCH_OUT);
  api_->watch_update(watch, static_cast<AvahiWatchEvent>(0));
  const int before = calls.count;
  io_.restart();
  io_.run_for(20ms);
  EXPECT_EQ(calls.count, before);
  api_->watch_free(watch);
}

TEST_F(AsioAvahiPollTest, HangUpIsReportedEvenWhenOnlyInWasAsked) {
  close(fds_[1]);
  fds_[1] = open("/dev/null", O_WRONLY);  // keep TearDown's close harmless
  Calls calls{.api = api_, .drain = false, .free_in_callback = true};
  api_->watch_new(api_, fds_[0], AVAHI_WATCH_IN, &on_watch, &calls);
  run_until([&] { return calls.count == 1; });
  EXPECT_NE(calls.last & AVAHI_WATCH_HUP, 0);
}

TEST_F(AsioAvahiPollTest, FreeingAWatchInsideItsCallbackIsSafe) {
  write_byte();
  Calls calls{.api = api_, .free_in_callback = true};
  api_->watch_new(api_, fds_[0], AVAHI_WATCH_IN, &on_watch, &calls);
  run_until([&] { return calls.count == 1; });
  write_byte();
  io_.restart();
  io_.run_for(20ms);
  EXPECT_EQ(calls.count, 1) << "a freed watch never calls back again";
  EXPECT_EQ(poll_.watch_count(), 0u);
  EXPECT_TRUE(descriptor_open(fds_[0]));
}

struct TimeoutCalls {
  int count = 0;
  const AvahiPoll* api = nullptr;
  bool free_in_callback = false;
  bool rearm_once = false;
};

void on_timeout(AvahiTimeout* timeout, void* userdata) {
  auto& calls = *static_cast<TimeoutCalls*>(userdata);
  ++calls.count;
  if (calls.rearm_once && calls.count == 1) {
    timeval now{};
    gettimeofday(&now, nullptr);
    calls.api->timeout_update(timeout, &now);
  }
  if (calls.free_in_callback) calls.api->timeout_free(timeout);
}

timeval wall_clock_in(std::chrono::milliseconds delay) {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  const auto usec = tv.tv_usec + delay.count() * 1000;
  tv.tv_sec += usec / 1000000;
  tv.tv_usec = usec % 1000000;
  return tv;
}

TEST_F(AsioAvahiPollTest, TimeoutsAreOneShotAtAnAbsoluteTime) {
  TimeoutCalls calls{.api = api_};
  const timeval past = wall_clock_in(-5ms);  // already due: fires at once
  AvahiTimeout* due = api_->timeout_new(api_, &past, &on_timeout, &calls);
  run_until([&] { return calls.count == 1; });
  io_.restart();
  io_.run_for(20ms);
  EXPECT_EQ(calls.count, 1) << "one-shot until updated";
  const timeval far = wall_clock_in(60s);
  api_->timeout_update(due, &far);
  io_.restart();
  io_.run_for(20ms);
  EXPECT_EQ(calls.count, 1);
  api_->timeout_update(due, nullptr);  // disarmed
  api_->timeout_free(due);
  EXPECT_EQ(poll_.timeout_count(), 0u);
}

TEST_F(AsioAvahiPollTest, ADisarmedTimeoutNeverFires) {
  TimeoutCalls calls{.api = api_};
  AvahiTimeout* idle = api_->timeout_new(api_, nullptr, &on_timeout, &calls);
  io_.run_for(20ms);
  EXPECT_EQ(calls.count, 0);
  api_->timeout_free(idle);
}

TEST_F(AsioAvahiPollTest, TimeoutsCanBeReArmedOrFreedFromTheirCallback) {
  TimeoutCalls calls{.api = api_, .free_in_callback = false, .rearm_once = true};
  const timeval now = wall_clock_in(0ms);
  AvahiTimeout* timeout = api_->timeout_new(api_, &now, &on_timeout, &calls);
  run_until([&] { return calls.count == 2; });
  EXPECT_EQ(calls.count, 2);
  api_->timeout_free(timeout);

  TimeoutCalls freeing{.api = api_, .free_in_callback = true};
  api_->timeout_new(api_, &now, &on_timeout, &freeing);
  run_until([&] { return freeing.count == 1; });
  EXPECT_EQ(poll_.timeout_count(), 0u);
}

}  // namespace
}  // namespace presentd::discovery

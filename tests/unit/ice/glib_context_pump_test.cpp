// SPDX-License-Identifier: Apache-2.0
// The pump's fd-reuse hazards, reproduced without libnice: a GLib source polls fd N, then N is
// closed and a new socket takes the number. When the pump registered N itself with Asio,
// epoll_ctl(EPOLL_CTL_DEL) went by number, so a late release of the old registration took the
// new socket out of epoll and it was never heard from again (the hostile WHIP suite's HTTPS
// connection that hung until its handshake deadline); and a new GLib socket on N was never
// added to epoll at all. The pump now registers duplicates of its own (glib_context_pump.hpp).
#include "presentd/ice/glib_context_pump.hpp"

#include <glib-unix.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "support/ice/pump_loop.hpp"

namespace presentd::ice {
namespace {

using namespace std::chrono_literals;

// Owns one end of a socketpair until handed to Asio or closed on purpose.
class Fd {
public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    reset();
    fd_ = std::exchange(other.fd_, -1);
    return *this;
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }

private:
  int fd_;
};

std::pair<Fd, Fd> socket_pair() {
  int fds[2] = {-1, -1};
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
  return {Fd(fds[0]), Fd(fds[1])};
}

// A socketpair whose first end has the number `number` (free when called): the ends are
// symmetric, so whichever end the kernel gave that number is taken; otherwise it is moved there.
std::pair<Fd, Fd> socket_pair_at(int number) {
  auto [a, b] = socket_pair();
  if (b.get() == number) return {std::move(b), std::move(a)};
  return {Fd(take_number(a.release(), number)), std::move(b)};
}

void write_byte(const Fd& fd) { ASSERT_EQ(::write(fd.get(), "x", 1), 1); }

// A GLib source reading fd N on the pump's context, as libnice's socket sources do.
class FdWatch {
public:
  FdWatch(GMainContext* context, int fd) : source_(g_unix_fd_source_new(fd, G_IO_IN)) {
    g_source_set_callback(source_, G_SOURCE_FUNC(&FdWatch::on_readable), this, nullptr);
    g_source_attach(source_, context);
  }
  ~FdWatch() { destroy(); }
  FdWatch(const FdWatch&) = delete;
  FdWatch& operator=(const FdWatch&) = delete;

  void destroy() {
    if (source_ == nullptr) return;
    g_source_destroy(source_);
    g_source_unref(std::exchange(source_, nullptr));
  }
  int reads() const { return reads_; }

private:
  static gboolean on_readable(gint fd, GIOCondition, gpointer self) {
    char byte = 0;
    if (::read(fd, &byte, 1) == 1) ++static_cast<FdWatch*>(self)->reads_;
    return G_SOURCE_CONTINUE;
  }

  GSource* source_;
  int reads_ = 0;
};

class GlibContextPumpTest : public ::testing::Test {
protected:
  // Runs the hazard's sequence and returns once the socket that took over the GLib source's fd
  // number has had a byte written to it, after the pump iterated past the close.
  void reuse_the_number_of_a_polled_fd(bool forget_first) {
    auto [glib_end, glib_peer] = socket_pair();
    FdWatch watch(context_, glib_end.get());
    pump_.kick();
    // The pump waits on N through Asio: a byte on the peer is dispatched to the GLib source.
    write_byte(glib_peer);
    ASSERT_TRUE(run_until(io_, [&] { return watch.reads() == 1; }));

    // Outside an iteration (as ~IceAgent removes libnice's stream): the source goes, N closes.
    const int number = glib_end.get();
    if (forget_first) pump_.forget_descriptors();
    watch.destroy();
    glib_end.reset();

    // A new connection gets number N and is registered with the same io_context.
    auto [reused, peer] = socket_pair_at(number);
    ASSERT_EQ(reused.get(), number);
    connection_.emplace(io_, boost::asio::local::stream_protocol(), reused.release());
    connection_->async_wait(boost::asio::socket_base::wait_read,
                            [this](boost::system::error_code ec) { heard_ = !ec; });

    // The pump's next iteration, where an old registration of N would be released.
    ASSERT_TRUE(run_one_pump_iteration(io_, pump_));
    write_byte(peer);
    peer_ = std::move(peer);
  }

  boost::asio::io_context io_;
  GMainContext* context_ = g_main_context_new();
  GlibContextPump pump_{io_, context_};
  std::optional<boost::asio::local::stream_protocol::socket> connection_;
  Fd peer_;
  bool heard_ = false;
  void SetUp() override { pump_.start(); }
  void TearDown() override { g_main_context_unref(context_); }
};

TEST_F(GlibContextPumpTest, ASocketThatReusesTheNumberOfAForgottenFdIsStillHeard) {
  ASSERT_NO_FATAL_FAILURE(reuse_the_number_of_a_polled_fd(/*forget_first=*/true));
  EXPECT_TRUE(run_until(io_, [&] { return heard_; }));
}

TEST_F(GlibContextPumpTest, WithoutForgettingFirstASocketThatReusesTheNumberIsStillHeard) {
  // Before the pump registered duplicates, this sequence deleted N from epoll and no readiness
  // was ever reported for the new socket (the test was kept as "…IsTakenOutOfEpoll", expecting
  // silence); forget_descriptors() was the only guard, and every caller had to remember it.
  ASSERT_NO_FATAL_FAILURE(reuse_the_number_of_a_polled_fd(/*forget_first=*/false));
  EXPECT_TRUE(run_until(io_, [&] { return heard_; }));
}

TEST_F(GlibContextPumpTest, AGlibSocketThatTakesTheNumberOfAnotherWithinOneDispatchIsHeard) {
  // GLib closes fd N and opens a new socket that gets N between two iterations (libnice does,
  // e.g. an ICE-TCP connection replaced by the next): the polled set looks the same, but N now
  // names another file. Registered by number, the kernel had dropped the old file from epoll and
  // the new one was never added: its data waited for some other fd or timeout to wake the pump.
  auto [first, first_peer] = socket_pair();
  auto watch = std::make_unique<FdWatch>(context_, first.get());
  pump_.kick();
  write_byte(first_peer);
  ASSERT_TRUE(run_until(io_, [&] { return watch->reads() == 1; }));

  const int number = first.get();
  watch.reset();
  first.reset();
  auto [second, second_peer] = socket_pair_at(number);
  ASSERT_EQ(second.get(), number);
  watch = std::make_unique<FdWatch>(context_, second.get());
  pump_.kick();
  ASSERT_TRUE(run_one_pump_iteration(io_, pump_));  // waiting on N again, no timeout pending
  write_byte(second_peer);
  EXPECT_TRUE(run_until(
      io_, [&] { return watch->reads() == 1; }, 2s));
}

}  // namespace
}  // namespace presentd::ice

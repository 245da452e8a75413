// SPDX-License-Identifier: Apache-2.0
#include "support/xvfb_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <thread>

namespace presentd::test {
namespace {

using namespace std::chrono_literals;

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

}  // namespace

std::array<int, 3> Screenshot::at(int x, int y) const {
  const auto i = static_cast<std::size_t>((y * width + x) * 3);
  return {rgb[i], rgb[i + 1], rgb[i + 2]};
}

int Screenshot::differing_pixels(const Screenshot& other, int x0, int y0, int x1, int y1, int tolerance) const {
  if (other.width != width || other.height != height) return (x1 - x0) * (y1 - y0);
  int count = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const auto a = at(x, y);
      const auto b = other.at(x, y);
      for (int c = 0; c < 3; ++c) {
        if (std::abs(a[c] - b[c]) > tolerance) {
          ++count;
          break;
        }
      }
    }
  }
  return count;
}

XvfbServer::XvfbServer(const std::filesystem::path& log, int width, int height)
    : log_(log), size_(std::to_string(width) + "x" + std::to_string(height) + "x24") {
  for (int n = 91; n < 200; ++n) {
    if (!reserve(n)) continue;
    if (std::filesystem::exists("/tmp/.X" + std::to_string(n) + "-lock") ||
        std::filesystem::exists("/tmp/.X11-unix/X" + std::to_string(n))) {
      release();
      continue;
    }
    number_ = n;
    if (start()) display_ = ":" + std::to_string(n);
    return;
  }
}

XvfbServer::~XvfbServer() {
  stop();
  release();
}

// Xvfb's own lock file goes with the server, so a stopped server's number looked free to a test
// running beside it, whose Xvfb then took it: the first test's daemon found a screen that was not
// its own and the second lost its screen at the first one's restart(). The reservation is an
// flock held by this object for its whole life, stopped or not; the kernel drops it if the test
// dies.
bool XvfbServer::reserve(int number) {
  const std::string path = "/tmp/presentd-test-display-" + std::to_string(number) + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  reservation_fd_ = fd;
  return true;
}

void XvfbServer::release() {
  if (reservation_fd_ < 0) return;
  ::close(reservation_fd_);
  reservation_fd_ = -1;
}

std::filesystem::path XvfbServer::socket() const { return "/tmp/.X11-unix/X" + std::to_string(number_); }

bool XvfbServer::start() {
  server_ = std::make_unique<ChildProcess>(std::vector<std::string>{"/usr/bin/Xvfb", ":" + std::to_string(number_),
                                                                    "-screen", "0", size_, "-nolisten", "tcp"},
                                           std::map<std::string, std::string>{}, log_);
  return wait_until([this] { return std::filesystem::exists(socket()); }, 10s);
}

void XvfbServer::stop() {
  if (!server_) return;
  server_->signal(SIGTERM);
  (void)server_->wait_for_exit(5s);
  server_.reset();
  (void)wait_until([this] { return !std::filesystem::exists(socket()); }, 5s);
}

bool XvfbServer::restart() {
  stop();
  return start();
}

std::pair<int, std::string> XvfbServer::run(std::vector<std::string> argv) const {
  argv.insert(argv.begin(), {"/usr/bin/env", "DISPLAY=" + display_});
  return run_command(argv);
}

std::optional<Screenshot> XvfbServer::screenshot(const std::filesystem::path& path) const {
  if (run({"/usr/bin/import", "-window", "root", "-depth", "8", path.string()}).first != 0) return std::nullopt;
  // Binary PPM (P6, maxval 255).
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  int maxval = 0;
  Screenshot shot;
  in >> magic >> shot.width >> shot.height >> maxval;
  in.get();
  if (magic != "P6" || maxval != 255 || shot.width <= 0 || shot.height <= 0) return std::nullopt;
  shot.rgb.resize(static_cast<std::size_t>(shot.width * shot.height * 3));
  in.read(reinterpret_cast<char*>(shot.rgb.data()), static_cast<std::streamsize>(shot.rgb.size()));
  if (!in) return std::nullopt;
  return shot;
}

std::string XvfbServer::read_qr_code(const std::filesystem::path& path) {
  // zbarimg prints the decoded text last; ImageMagick may print a D-Bus complaint before it.
  std::string text = run_command({"/usr/bin/zbarimg", "--raw", "-q", path.string()}).second;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const auto newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

bool XvfbServer::press_key(const std::string& keysym) const {
  return run({"/usr/bin/xdotool", "key", keysym}).first == 0;
}

}  // namespace presentd::test

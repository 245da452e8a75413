// SPDX-License-Identifier: Apache-2.0
#pragma once
// A real X server (Xvfb) for the screen's tests, on a display number of its own, with the tools
// that look at it: screenshots (ImageMagick's import), QR codes (zbarimg), key presses (xdotool).
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace presentd::test {

// What a screenshot shows: 8-bit RGB, rows top to bottom.
struct Screenshot {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;
  std::array<int, 3> at(int x, int y) const;
  // Pixels whose colour differs (any channel by more than `tolerance`) within [x0,x1)x[y0,y1).
  int differing_pixels(const Screenshot& other, int x0, int y0, int x1, int y1, int tolerance) const;
};

class XvfbServer {
public:
  // Starts Xvfb (width x height x 24) on the first free display number from 91, reserved for
  // this object's life (other tests' servers never take it, even while this one is stopped);
  // display() is empty when none could be started. The log goes to `log`.
  XvfbServer(const std::filesystem::path& log, int width, int height);
  ~XvfbServer();  // SIGTERM, so Xvfb removes its lock file and socket
  XvfbServer(const XvfbServer&) = delete;
  XvfbServer& operator=(const XvfbServer&) = delete;

  const std::string& display() const { return display_; }
  // Stops the server (as if it crashed or was restarted) and, with restart(), brings a new one
  // up on the same display number. Both wait until the socket is gone / present.
  void stop();
  bool restart();

  // A screenshot of the root window through `path` (PPM); nullopt if import failed.
  std::optional<Screenshot> screenshot(const std::filesystem::path& path) const;
  // The text of the QR code in the image at `path`, or "" (zbarimg).
  static std::string read_qr_code(const std::filesystem::path& path);
  // Presses and releases a key by its X keysym name ("Escape", "Delete", "F1") with XTEST.
  bool press_key(const std::string& keysym) const;
  // Runs a program with DISPLAY set to this server: {exit code, output}.
  std::pair<int, std::string> run(std::vector<std::string> argv) const;

private:
  bool start();
  bool reserve(int number);
  void release();
  std::filesystem::path socket() const;

  std::filesystem::path log_;
  std::string size_;
  int number_ = 0;
  std::string display_;
  std::unique_ptr<ChildProcess> server_;
  int reservation_fd_ = -1;
};

}  // namespace presentd::test

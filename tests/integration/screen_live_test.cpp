// SPDX-License-Identifier: Apache-2.0
// The screen with a live presentation: the real daemon shows a real GStreamer WHIP sender on a
// real X server (Xvfb) inside a network namespace of the test's own. Keys are pressed through
// XTEST (xdotool), the screen is read back with ImageMagick, the screensaver state is asked from
// the X server (MIT-SCREEN-SAVER), and the X server is killed and restarted under the daemon.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "support/https_client.hpp"
#include "support/namespace_daemon.hpp"
#include "support/poll_json.hpp"
#include "support/xvfb_server.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;
constexpr unsigned short kPort = 8443;
constexpr int kWidth = 1280;
constexpr int kHeight = 720;
const std::string kSender = std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/webrtc/gst_whip_sender.py";
const std::string kScreensaverState = std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/x11_screensaver_state.py";

bool is_red(const std::array<int, 3>& rgb) { return rgb[0] > 200 && rgb[1] < 60 && rgb[2] < 60; }

class ScreenLive : public NamespaceDaemonTest {
protected:
  void SetUp() override {
    ASSERT_FALSE(xvfb_.display().empty()) << read_file(dir_.path() / "xvfb.log");
    NamespaceDaemonOptions options;
    options.port = kPort;
    NamespaceDaemonScreen screen;
    screen.display_section = R"({"driver": "x11", "vsync": false})";
    screen.environment = {{"DISPLAY", xvfb_.display()}};
    ASSERT_NO_FATAL_FAILURE(start_daemon(options, screen));
    url_ = "https://" + network_->box_address + ":" + std::to_string(kPort) + "/";
    ASSERT_TRUE(wait_for_screen([this](const Screenshot&) { return qr_code() == url_; }, 20s)) << "no idle screen";
    idle_ = *shot();
  }

  std::optional<Screenshot> shot() const { return xvfb_.screenshot(dir_.path() / "shot.ppm"); }
  std::string qr_code() const { return XvfbServer::read_qr_code(dir_.path() / "shot.ppm"); }

  // Takes screenshots until `done` holds for one (true) or `limit` passes (false).
  template <class Predicate>
  bool wait_for_screen(Predicate done, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto screen = shot();
      if (screen && done(*screen)) return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  bool shows_the_idle_screen(const Screenshot& screen) const {
    return screen.differing_pixels(idle_, 0, 0, kWidth, kHeight, 8) == 0;
  }

  nlohmann::json status() {
    const auto certificate = dir_.path() / "state/tls/https-certificate.pem";
    return nlohmann::json::parse(
        https_request("GET", network_->box_address, kPort, "/api/v1/status", certificate).body);
  }

  int active_sessions() { return status()["sessions"].value("active", -1); }

  std::unique_ptr<ChildProcess> start_sender() {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"/usr/bin/python3", kSender, "--url", url_ + "whip", "--ca",
                                 (dir_.path() / "state/tls/https-certificate.pem").string(), "--token", "2468",
                                 "--pattern", "red", "--duration", "60"},
        std::map<std::string, std::string>{}, dir_.path() / "sender.log");
  }

  // The red sender is on screen (the picture fills the 16:9 screen, so the centre is red).
  void wait_for_red(const char* why) {
    EXPECT_TRUE(wait_for_screen([](const Screenshot& s) { return is_red(s.at(kWidth / 2, kHeight / 2)); }, 60s))
        << why << "\n"
        << status().dump() << "\n"
        << read_file(dir_.path() / "sender.log");
  }

  // "on", "off" or "disabled": the X server's screensaver state.
  std::string screensaver_state() const {
    auto [code, output] = xvfb_.run({"/usr/bin/python3", kScreensaverState});
    while (!output.empty() && output.back() == '\n') output.pop_back();
    return code == 0 ? output : "error: " + output;
  }

  template <class Predicate>
  nlohmann::json wait_for_status(Predicate done, std::chrono::seconds limit) {
    return poll_json([this] { return status(); }, done, limit);
  }

  // Constructed before SetUp enters the namespace; the daemon reaches it through its
  // filesystem socket.
  XvfbServer xvfb_{dir_.path() / "xvfb.log", kWidth, kHeight};
  std::string url_;
  Screenshot idle_;
};

TEST_F(ScreenLive, F1ShowsTheHelpOverAPresentationAndEscEndsIt) {
  auto sender = start_sender();
  wait_for_red("the presentation never reached the screen");

  // F1: the connection help (the idle page with its QR code, plus the keyboard hint) covers
  // the presentation; it is not the plain idle page.
  ASSERT_TRUE(xvfb_.press_key("F1"));
  EXPECT_TRUE(wait_for_screen([this](const Screenshot&) { return qr_code() == url_; }, 10s)) << "no help after F1";
  const auto help = shot();
  ASSERT_TRUE(help);
  EXPECT_GT(help->differing_pixels(idle_, 0, 0, kWidth, kHeight, 8), 500) << "the help adds the keyboard hint";
  EXPECT_EQ(active_sessions(), 1) << "F1 ends nothing";

  ASSERT_TRUE(xvfb_.press_key("F1"));
  wait_for_red("F1 again hides the help");

  ASSERT_TRUE(xvfb_.press_key("Escape"));
  const auto after = wait_for_status([](const nlohmann::json& s) { return s["sessions"]["active"] == 0; }, 15s);
  EXPECT_EQ(after["sessions"]["active"], 0) << after.dump();
  EXPECT_TRUE(wait_for_screen([this](const Screenshot& s) { return shows_the_idle_screen(s); }, 10s))
      << "the idle screen is back, unchanged";
  EXPECT_NE(read_file(dir_.path() / "presentd.log").find("ended from the box's keyboard"), std::string::npos);
}

TEST_F(ScreenLive, TheScreensaverIsHeldOffOnlyWhilePresentingAndDelEndsThePresentation) {
  // A one-second screensaver: idle, the box lets the display sleep.
  ASSERT_EQ(xvfb_.run({"/usr/bin/xset", "s", "1", "1"}).first, 0);
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (screensaver_state() != "on" && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(200ms);
  ASSERT_EQ(screensaver_state(), "on") << "idle: the screensaver starts";

  auto sender = start_sender();
  wait_for_red("the presentation never reached the screen");
  // Presenting: the screensaver is suspended. Nothing signals "it did not start", so watch it
  // for three of its timeouts.
  for (int i = 0; i < 15; ++i) {
    ASSERT_NE(screensaver_state(), "on") << "presenting, after " << i * 200 << " ms";
    std::this_thread::sleep_for(200ms);
  }

  ASSERT_TRUE(xvfb_.press_key("Delete"));
  const auto after = wait_for_status([](const nlohmann::json& s) { return s["sessions"]["active"] == 0; }, 15s);
  EXPECT_EQ(after["sessions"]["active"], 0) << after.dump();
  const auto again = std::chrono::steady_clock::now() + 15s;
  while (screensaver_state() != "on" && std::chrono::steady_clock::now() < again) std::this_thread::sleep_for(200ms);
  EXPECT_EQ(screensaver_state(), "on") << "idle again: the display may sleep";
}

TEST_F(ScreenLive, TheDaemonOutlivesItsXServerAndReturnsToTheNewOne) {
  auto sender = start_sender();
  wait_for_red("the presentation never reached the screen");

  xvfb_.stop();  // the X server crashes (or is restarted) under the daemon
  const auto lost = wait_for_status([](const nlohmann::json& s) { return s["sessions"]["active"] == 1; }, 5s);
  EXPECT_EQ(lost["sessions"]["active"], 1) << "the presentation goes on";
  ASSERT_TRUE(daemon_->running());

  ASSERT_TRUE(xvfb_.restart());
  // Within the reconnect interval the window is back, showing the presentation again.
  wait_for_red("the new X server shows the presentation");
  EXPECT_NE(read_file(dir_.path() / "presentd.log").find("display back on x11"), std::string::npos);

  sender->signal(SIGTERM);
  (void)sender->wait_for_exit(10s);
  ASSERT_TRUE(xvfb_.press_key("Escape"));
  EXPECT_TRUE(wait_for_screen([this](const Screenshot&) { return qr_code() == url_; }, 15s))
      << "the idle screen on the new server";
}

}  // namespace
}  // namespace presentd::test

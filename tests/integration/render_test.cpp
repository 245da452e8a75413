// SPDX-License-Identifier: Apache-2.0
// The screen end to end: the real daemon under Xvfb (a real X server, screenshots with
// ImageMagick, the QR code read back by zbarimg), and audio through SDL's disk driver.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>
#include <thread>

#include "presentd/render/renderer.hpp"
#include "support/child_process.hpp"
#include "support/https_client.hpp"
#include "support/notify_socket.hpp"
#include "support/poll_json.hpp"
#include "support/temp_dir.hpp"
#include "support/xvfb_server.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;

constexpr int kScreenWidth = 1280;
constexpr int kScreenHeight = 720;

int occurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

// The daemon's status API over HTTPS, its own certificate verified.
nlohmann::json fetch_status(const TempDir& dir, unsigned short port) {
  const auto result =
      https_request("GET", "127.0.0.1", port, "/api/v1/status", dir.path() / "state/tls/https-certificate.pem");
  return result.status == 200 ? nlohmann::json::parse(result.body) : nlohmann::json();
}

// Waits until the screenshot's QR code decodes to `url` (the idle page is on screen).
bool wait_for_idle_page(const XvfbServer& xvfb, const std::filesystem::path& shot, const std::string& url) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (xvfb.screenshot(shot) && XvfbServer::read_qr_code(shot) == url) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

TEST(ScreenUnderXvfb, IdleScreenShowsTheRoomNameAndAQrCodeOfTheUrl) {
  TempDir dir;
  XvfbServer xvfb(dir.path() / "xvfb.log", kScreenWidth, kScreenHeight);
  ASSERT_FALSE(xvfb.display().empty());
  const unsigned short port = free_tcp_port();
  const auto config = dir.write("presentd.json", R"({
  "room": {"name": "Aula Magna"},
  "network": {"bind_address": "127.0.0.1", "https_port": )" +
                                                     std::to_string(port) + R"(},
  "pin": {"policy": "fixed", "length": 4, "fixed": "9753"},
  "display": {"driver": "x11", "vsync": false},
  "daemon": {"state_directory": ")" + (dir.path() / "state").string() +
                                                     R"("}
})");
  NotifySocket notify(dir.path() / "notify.sock");
  const auto log = dir.path() / "presentd.log";
  ChildProcess daemon({PRESENTD_BINARY, "--config", config.string()},
                      {{"DISPLAY", xvfb.display()}, {"NOTIFY_SOCKET", notify.path().string()}}, log);
  ASSERT_TRUE(notify.wait_for("READY=1", 15s)) << read_file(log);

  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/";
  const auto shot = dir.path() / "shot.ppm";
  std::string decoded;
  std::optional<Screenshot> image;
  // The first frame follows READY within milliseconds; retry briefly rather than race it.
  for (int attempt = 0; attempt < 40 && decoded != url; ++attempt) {
    image = xvfb.screenshot(shot);
    ASSERT_TRUE(image);
    decoded = XvfbServer::read_qr_code(shot);
    if (decoded != url) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(decoded, url) << read_file(log);
  ASSERT_EQ(image->width, kScreenWidth);
  ASSERT_EQ(image->height, kScreenHeight);
  // Fullscreen really covers the root window (no window manager: the classic pitfall).
  const std::array<int, 3> background{render::kIdleBackground.r, render::kIdleBackground.g, render::kIdleBackground.b};
  for (const auto& [x, y] :
       std::vector<std::pair<int, int>>{{0, 0}, {kScreenWidth - 1, 0}, {kScreenWidth - 1, kScreenHeight - 1}}) {
    EXPECT_EQ(image->at(x, y), background) << x << "," << y;
  }
  // The room name is drawn in the title band (margin W/16, top H/10, height H/11): bright ink
  // there, spanning roughly the width of "Aula Magna" at that size.
  int ink_left = kScreenWidth;
  int ink_right = -1;
  for (int y = kScreenHeight / 10; y < kScreenHeight / 10 + kScreenHeight / 11; ++y) {
    for (int x = 0; x < kScreenWidth / 2; ++x) {
      if (image->at(x, y)[0] > 200) {
        ink_left = std::min(ink_left, x);
        ink_right = std::max(ink_right, x);
      }
    }
  }
  EXPECT_NEAR(ink_left, kScreenWidth / 16, 8);
  EXPECT_GT(ink_right - ink_left, 250) << "ten bold characters at 65 px";

  // An idle box redraws nothing: the render thread sleeps in SDL_WaitEvent.
  const auto cpu_ticks = [&daemon] {
    std::istringstream stat(read_file("/proc/" + std::to_string(daemon.pid()) + "/stat"));
    std::string field;
    long ticks = 0;
    // utime and stime are fields 14 and 15; the command name (field 2) has no spaces here.
    for (int i = 1; i <= 15 && stat >> field; ++i) {
      if (i >= 14) ticks += std::stol(field);
    }
    return ticks;
  };
  const long before = cpu_ticks();
  std::this_thread::sleep_for(2s);
  EXPECT_LE(cpu_ticks() - before, 2) << "at most 1 % of a core while idle";

  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_for_exit(5s), std::optional<int>(0)) << read_file(log);
}

TEST(ScreenUnderXvfb, AReloadAppliesTheDisplaySettingsToTheRunningScreen) {
  // A screen larger than the 1280x720 window, so fullscreen and windowed differ.
  constexpr int kWide = 1600;
  constexpr int kTall = 900;
  TempDir dir;
  XvfbServer xvfb(dir.path() / "xvfb.log", kWide, kTall);
  ASSERT_FALSE(xvfb.display().empty());
  const unsigned short port = free_tcp_port();
  const auto write_config = [&](bool fullscreen) {
    return dir.write("presentd.json", R"({
  "network": {"bind_address": "127.0.0.1", "https_port": )" +
                                          std::to_string(port) + R"(},
  "display": {"driver": "x11", "vsync": false, "fullscreen": )" +
                                          (fullscreen ? "true" : "false") + R"(},
  "daemon": {"state_directory": ")" + (dir.path() / "state").string() +
                                          R"("}
})");
  };
  const auto config = write_config(true);
  NotifySocket notify(dir.path() / "notify.sock");
  const auto log = dir.path() / "presentd.log";
  ChildProcess daemon({PRESENTD_BINARY, "--config", config.string()},
                      {{"DISPLAY", xvfb.display()}, {"NOTIFY_SOCKET", notify.path().string()}}, log);
  ASSERT_TRUE(notify.wait_for("READY=1", 15s)) << read_file(log);

  const std::array<int, 3> background{render::kIdleBackground.r, render::kIdleBackground.g, render::kIdleBackground.b};
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/";
  const auto shot = dir.path() / "shot.ppm";
  // Waits until the idle page (its QR code) is up and the screen's top-left corner is (or is
  // not) covered by it.
  const auto wait_for_window = [&](bool covers_corner) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      const auto image = xvfb.screenshot(shot);
      if (image && (image->at(0, 0) == background) == covers_corner && XvfbServer::read_qr_code(shot) == url) {
        return true;
      }
      std::this_thread::sleep_for(100ms);
    }
    return false;
  };
  EXPECT_TRUE(wait_for_window(true)) << "fullscreen at start";

  write_config(false);
  daemon.signal(SIGHUP);
  EXPECT_TRUE(wait_for_window(false)) << "a window after the reload\n" << read_file(log);
  const auto windowed = xvfb.screenshot(shot);
  ASSERT_TRUE(windowed);
  // 1280x720 centred on the screen.
  EXPECT_EQ(windowed->at((kWide - 1280) / 2, (kTall - 720) / 2), background);
  EXPECT_NE(windowed->at((kWide - 1280) / 2 - 1, (kTall - 720) / 2 - 1), background);

  write_config(true);
  daemon.signal(SIGHUP);
  EXPECT_TRUE(wait_for_window(true)) << "fullscreen again\n" << read_file(log);
  EXPECT_NE(read_file(log).find("display settings changed: re-creating the window"), std::string::npos);

  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_for_exit(5s), std::optional<int>(0)) << read_file(log);
}

// Boot order: presentd.service may start before the display manager's X server. The daemon is
// given DISPLAY=:N while nothing listens there, serves HTTPS meanwhile, and shows its idle page
// as soon as an X server appears on :N.
TEST(ScreenUnderXvfb, ADaemonStartedBeforeItsXServerShowsTheIdlePageWhenTheServerAppears) {
  TempDir dir;
  XvfbServer xvfb(dir.path() / "xvfb.log", kScreenWidth, kScreenHeight);
  ASSERT_FALSE(xvfb.display().empty());
  xvfb.stop();  // keeps the display number; nothing answers on it now
  const unsigned short port = free_tcp_port();
  // No driver configured: SDL's choice, as on a real box; DISPLAY says a server is expected.
  const auto config = dir.write("presentd.json", R"({
  "room": {"name": "Late Xorg"},
  "network": {"bind_address": "127.0.0.1", "https_port": )" +
                                                     std::to_string(port) + R"(},
  "display": {"vsync": false},
  "daemon": {"state_directory": ")" + (dir.path() / "state").string() +
                                                     R"("}
})");
  NotifySocket notify(dir.path() / "notify.sock");
  const auto log = dir.path() / "presentd.log";
  ChildProcess daemon({PRESENTD_BINARY, "--config", config.string()},
                      {{"DISPLAY", xvfb.display()}, {"NOTIFY_SOCKET", notify.path().string()}}, log);
  ASSERT_TRUE(notify.wait_for("READY=1", 15s)) << read_file(log);

  // Without a screen, HTTPS answers, over several of the render thread's 2-second retries.
  const auto waiting_since = std::chrono::steady_clock::now();
  int answers = 0;
  while (std::chrono::steady_clock::now() - waiting_since < 5s) {
    const auto status = fetch_status(dir, port);
    ASSERT_TRUE(status.is_object()) << read_file(log);
    EXPECT_EQ(status["screen"]["up"], false) << status.dump();
    ++answers;
    std::this_thread::sleep_for(250ms);
  }
  EXPECT_GE(answers, 10);

  ASSERT_TRUE(xvfb.restart());
  const auto status =
      poll_json([&] { return fetch_status(dir, port); },
                [](const nlohmann::json& s) { return s.is_object() && s["screen"]["up"] == true; }, 15s);
  EXPECT_EQ(status["screen"]["up"], true) << status.dump() << "\n" << read_file(log);
  EXPECT_EQ(status["screen"]["driver"], "x11") << status.dump();
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/";
  EXPECT_TRUE(wait_for_idle_page(xvfb, dir.path() / "shot.ppm", url)) << read_file(log);

  const std::string text = read_file(log);
  EXPECT_EQ(occurrences(text, "the display is not there yet"), 1) << "logged once, not at every retry\n" << text;
  EXPECT_EQ(occurrences(text, "screen on x11"), 1) << text;
  EXPECT_EQ(occurrences(text, "running without a screen"), 0) << text;
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_for_exit(5s), std::optional<int>(0)) << read_file(log);
}

// A display box configured for KMS/DRM whose DRM device is missing (no GPU driver, or not there
// yet at boot): HTTPS works, the render thread keeps waiting, and the journal gets one line that
// names the missing device rather than only SDL's "kmsdrm not available".
TEST(ScreenWithoutDrmDevice, KmsdrmWaitsForTheDeviceAndSaysOnceThatNoneIsThere) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/dev/dri", error)) {
    if (entry.path().filename().string().starts_with("card")) GTEST_SKIP() << "this machine has " << entry.path();
  }
  TempDir dir;
  const unsigned short port = free_tcp_port();
  const auto config = dir.write("presentd.json", R"({
  "network": {"bind_address": "127.0.0.1", "https_port": )" +
                                                     std::to_string(port) + R"(},
  "display": {"driver": "kmsdrm"},
  "daemon": {"state_directory": ")" + (dir.path() / "state").string() +
                                                     R"("}
})");
  NotifySocket notify(dir.path() / "notify.sock");
  const auto log = dir.path() / "presentd.log";
  ChildProcess daemon({PRESENTD_BINARY, "--config", config.string()}, {{"NOTIFY_SOCKET", notify.path().string()}}, log);
  ASSERT_TRUE(notify.wait_for("READY=1", 15s)) << read_file(log);
  // Over more than one of the render thread's 2-second retries.
  const auto waiting_since = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - waiting_since < 5s) {
    const auto status = fetch_status(dir, port);
    ASSERT_TRUE(status.is_object()) << read_file(log);
    EXPECT_EQ(status["screen"]["up"], false) << status.dump();
    std::this_thread::sleep_for(250ms);
  }
  const std::string text = read_file(log);
  EXPECT_EQ(occurrences(text, "the display is not there yet (kmsdrm not available: no DRM device in /dev/dri)"), 1)
      << text;
  EXPECT_EQ(occurrences(text, "running without a screen"), 0) << text;
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_for_exit(5s), std::optional<int>(0)) << read_file(log);
}

// Xvfb's only OpenGL is Mesa's llvmpipe: "auto" must leave it for SDL's software renderer,
// "gpu" must keep it (and a reload switches between them).
TEST(ScreenUnderXvfb, AutoPrefersTheSoftwareRendererToOpenGlOnLlvmpipeAndGpuKeepsOpenGl) {
  TempDir dir;
  XvfbServer xvfb(dir.path() / "xvfb.log", kScreenWidth, kScreenHeight);
  ASSERT_FALSE(xvfb.display().empty());
  const unsigned short port = free_tcp_port();
  const auto write_config = [&](const std::string& renderer) {
    return dir.write("presentd.json", R"({
  "network": {"bind_address": "127.0.0.1", "https_port": )" +
                                          std::to_string(port) + R"(},
  "display": {"driver": "x11", "vsync": false, "renderer": ")" +
                                          renderer + R"("},
  "daemon": {"state_directory": ")" + (dir.path() / "state").string() +
                                          R"("}
})");
  };
  const auto config = write_config("auto");
  NotifySocket notify(dir.path() / "notify.sock");
  const auto log = dir.path() / "presentd.log";
  ChildProcess daemon({PRESENTD_BINARY, "--config", config.string()},
                      {{"DISPLAY", xvfb.display()}, {"NOTIFY_SOCKET", notify.path().string()}}, log);
  ASSERT_TRUE(notify.wait_for("READY=1", 15s)) << read_file(log);
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/";
  const auto shot = dir.path() / "shot.ppm";
  const auto renderer_is = [&](const std::string& name) {
    return poll_json([&] { return fetch_status(dir, port); },
                     [&](const nlohmann::json& s) { return s.is_object() && s["screen"]["renderer"] == name; }, 15s);
  };

  auto status = renderer_is("software");
  EXPECT_EQ(status["screen"]["renderer"], "software") << status.dump() << "\n" << read_file(log);
  EXPECT_EQ(occurrences(read_file(log), "OpenGL here is a software rasteriser (llvmpipe"), 1) << read_file(log);
  EXPECT_TRUE(wait_for_idle_page(xvfb, shot, url)) << "drawn by the software renderer\n" << read_file(log);

  write_config("gpu");
  daemon.signal(SIGHUP);
  status = renderer_is("opengl");
  EXPECT_EQ(status["screen"]["renderer"], "opengl") << status.dump() << "\n" << read_file(log);
  EXPECT_TRUE(wait_for_idle_page(xvfb, shot, url)) << "drawn by OpenGL\n" << read_file(log);

  write_config("software");
  daemon.signal(SIGHUP);
  status = renderer_is("software");
  EXPECT_EQ(status["screen"]["renderer"], "software") << status.dump();
  EXPECT_EQ(occurrences(read_file(log), "software rasteriser"), 1) << "forced: no OpenGL probe\n" << read_file(log);

  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_for_exit(5s), std::optional<int>(0)) << read_file(log);
}

// Zero crossings (rising, linearly interpolated) of one channel: the tone's frequency.
double measured_frequency(const std::vector<std::int16_t>& left) {
  std::vector<double> crossings;
  for (std::size_t i = 1; i < left.size(); ++i) {
    if (left[i - 1] < 0 && left[i] >= 0) {
      crossings.push_back(static_cast<double>(i - 1) + static_cast<double>(-left[i - 1]) / (left[i] - left[i - 1]));
    }
  }
  if (crossings.size() < 3) return 0;
  return (static_cast<double>(crossings.size()) - 1) * render::AudioMixer::kSampleRate /
         (crossings.back() - crossings.front());
}

TEST(ScreenAudio, A440HzTonePlaysAtFourHundredFortyHertzThroughTheDiskDriver) {
  TempDir dir;
  const auto output = dir.path() / "audio.raw";
  setenv("SDL_AUDIODRIVER", "disk", 1);
  setenv("SDL_DISKAUDIOFILE", output.c_str(), 1);
  render::RendererOptions options;
  options.video_driver = "offscreen";
  options.render_driver = "software";
  options.fullscreen = false;
  options.window_width = 64;
  options.window_height = 36;
  options.audio_settings.volume_percent = 50;
  render::Renderer renderer(options);
  ASSERT_TRUE(renderer.start());
  renderer.presenter_joined(1, "Ada");
  // A snapshot is answered after the join was handled, i.e. once the device is unpaused.
  ASSERT_EQ(renderer.request_snapshot().wait_for(10s), std::future_status::ready);
  // 180 ms of a full-scale 440 Hz tone (within the mixer's 200 ms bound), as the Opus decoder
  // hands it over: 20 ms blocks of interleaved stereo float.
  constexpr int kFrames = render::AudioMixer::kSampleRate * 180 / 1000;
  std::vector<float> tone;
  for (int i = 0; i < kFrames; ++i) {
    const auto s = static_cast<float>(std::sin(2 * std::numbers::pi * 440.0 * i / render::AudioMixer::kSampleRate));
    tone.push_back(s);
    tone.push_back(s);
  }
  // The paused device already writes silence to the file; count from here.
  const auto file_size = [&output] { return std::filesystem::exists(output) ? std::filesystem::file_size(output) : 0; };
  const std::uintmax_t before = file_size();
  for (std::size_t at = 0; at < tone.size(); at += 960 * 2) {
    renderer.play_audio(1, std::span<const float>(tone).subspan(at, std::min<std::size_t>(960 * 2, tone.size() - at)));
  }
  // The disk driver writes in real time: wait for the tone plus a few device buffers.
  const auto enough = before + static_cast<std::uintmax_t>(kFrames) * 4 + 16 * 512 * 4;
  for (int i = 0; i < 100 && file_size() < enough; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  renderer.stop();
  unsetenv("SDL_AUDIODRIVER");
  unsetenv("SDL_DISKAUDIOFILE");

  const std::string raw = read_file(output);
  ASSERT_GE(raw.size(), enough);
  std::vector<std::int16_t> left;
  int peak = 0;
  for (std::size_t i = 0; i + 4 <= raw.size(); i += 4) {
    std::int16_t sample = 0;
    std::memcpy(&sample, raw.data() + i, sizeof(sample));
    left.push_back(sample);
    peak = std::max(peak, std::abs(static_cast<int>(sample)));
  }
  // Only the tone: from the first to the last loud sample.
  const auto loud = [](std::int16_t s) { return std::abs(static_cast<int>(s)) > 2000; };
  const auto first = std::find_if(left.begin(), left.end(), loud);
  const auto last = std::find_if(left.rbegin(), left.rend(), loud).base();
  ASSERT_LT(first, last);
  const std::vector<std::int16_t> played(first, last);
  EXPECT_NEAR(measured_frequency(played), 440.0, 1.0);
  EXPECT_NEAR(static_cast<double>(played.size()), kFrames, 48) << "the whole tone, nothing repeated or lost";
  EXPECT_NEAR(peak, 16384, 200) << "volume 50 % halves a full-scale tone";
}

}  // namespace
}  // namespace presentd::test

// SPDX-License-Identifier: Apache-2.0
#pragma once
// The screen: the public face of the render thread.
//
// Every method may be called from any thread; each one only posts work to the render thread (a
// small command queue, plus one "latest frame wins" FrameMailbox per presenter for pictures) and
// wakes it with SDL_PushEvent. The render thread owns every SDL call: window, renderer, textures,
// events and the audio device (render_loop.hpp). It sleeps in SDL_WaitEvent and draws only when
// something changed, so an idle box costs no CPU.
//
// Thread: any (the object itself is created and destroyed by the daemon on the event loop).
#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/media/picture.hpp"
#include "presentd/render/audio_mixer.hpp"
#include "presentd/render/frame_mailbox.hpp"
#include "presentd/render/idle_screen.hpp"
#include "presentd/render/png_writer.hpp"
#include "presentd/render/text_painter.hpp"

namespace presentd::render {

class RenderLoop;

// Which SDL renderer draws. `automatic` takes SDL's choice, except OpenGL on a software
// rasteriser (Mesa's llvmpipe, softpipe, swrast): that costs many times the CPU of SDL's own
// software renderer, which is used instead (docs/screen.md).
enum class RendererChoice { automatic, gpu, software };

// The display settings a reload may change on a running screen (a new window is created); the
// video driver is chosen once, when SDL starts.
struct DisplaySettings {
  bool fullscreen = true;
  int screen = 0;
  bool vsync = true;
  RendererChoice renderer = RendererChoice::automatic;
  bool operator==(const DisplaySettings&) const = default;
};

struct RendererOptions {
  std::string video_driver;   // empty: SDL's choice (x11, wayland, kmsdrm...); "offscreen" in tests
  std::string render_driver;  // empty: SDL's choice; "software" gives bit-exact pixels in tests
  bool fullscreen = true;
  int screen = 0;
  bool vsync = true;
  RendererChoice renderer = RendererChoice::automatic;
  int window_width = 1280;  // when not fullscreen
  int window_height = 720;
  FontFiles fonts;
  bool audio = true;
  AudioSettings audio_settings;
  // Called on the render thread when someone presses Esc or Del on the box: end every session.
  std::function<void()> on_end_all;
  // Called on the render thread after a picture reached the screen, with its decoded->presented time.
  std::function<void(PresenterId, Clock::Duration)> on_presented;

  DisplaySettings display() const { return {fullscreen, screen, vsync, renderer}; }
  void set_display(const DisplaySettings& settings) {
    fullscreen = settings.fullscreen;
    screen = settings.screen;
    vsync = settings.vsync;
    renderer = settings.renderer;
  }
};

// What is on the box's screen right now (status API).
struct ScreenStatus {
  bool up = false;           // a window is showing; false while waiting for the display server
  std::string video_driver;  // "x11", "wayland", "kmsdrm"...; empty while down
  std::string renderer;      // SDL's renderer name: "software", "opengl", "opengles2"...
  bool operator==(const ScreenStatus&) const = default;
};

struct RendererStats {
  std::uint64_t frames_presented = 0;
  std::uint64_t frames_dropped = 0;  // replaced in a mailbox before the render thread took them
  std::uint64_t redraws = 0;
};

class Renderer {
public:
  explicit Renderer(RendererOptions options);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Starts the render thread and waits until it has a window, or knows that the display it
  // expects (a configured video driver, or DISPLAY / WAYLAND_DISPLAY in the environment) is not
  // there yet: then it keeps looking every 2 s and comes up when it appears. False: no display
  // expected or usable; the caller runs headless and the other methods do nothing.
  [[nodiscard]] bool start();
  // Tells the render thread to stop and joins it. Idempotent.
  void stop();
  bool running() const { return thread_.joinable(); }

  void presenter_joined(PresenterId id, std::string name);
  void presenter_left(PresenterId id);
  // Latest frame wins: an undrawn older picture of the same presenter is dropped.
  void present(PresenterId id, media::PicturePtr picture);
  void set_reconnecting(PresenterId id, bool reconnecting);
  void set_idle_info(IdleInfo info);
  void set_audio_settings(const AudioSettings& settings);
  // Re-creates the window when the settings differ from the current ones (reload).
  void apply_display(const DisplaySettings& settings);
  // 48 kHz interleaved stereo float PCM of one presenter (media::AudioBlock::samples).
  void play_audio(PresenterId id, std::span<const float> interleaved_stereo);
  // How long sound handed to play_audio now waits before it is heard; nullopt without an audio
  // device (any thread).
  std::optional<Clock::Duration> audio_output_delay(PresenterId id) const { return mixer_.output_delay(id); }
  // What is on screen after the next redraw; nullopt when the renderer is not running.
  [[nodiscard]] std::future<std::optional<Snapshot>> request_snapshot();

  RendererStats stats() const;
  ScreenStatus screen_status() const;

  // Internal: the render thread's side of the inbox (render_loop.cpp).
  struct Inbox;

private:
  void post(std::function<void(RenderLoop&)> command);
  void wake();

  RendererOptions options_;
  std::shared_ptr<Inbox> inbox_;
  AudioMixer mixer_;
  std::thread thread_;
};

}  // namespace presentd::render

// SPDX-License-Identifier: Apache-2.0
#pragma once
// The render thread's body: owns the SDL window, renderer, textures, fonts and audio device.
//
// It sleeps in SDL_WaitEvent. A wake-up (Renderer::Inbox) makes it run the posted commands and
// take the newest picture of every presenter; it redraws only when something changed. Window,
// display and render-device events re-create what the display took away (monitor unplugged and
// plugged back, GPU reset), so losing the screen is never fatal. When the X server itself goes
// away (X11Connection), the loop closes SDL's video subsystem, keeps answering commands (sessions
// go on, with sound) and tries every two seconds to open the display again; the same wait covers
// a display server that is expected but not up yet when the daemon starts (boot order).
//
// Thread: render (created, used and destroyed there).
#include <future>
#include <memory>
#include <optional>
#include <vector>

#include "presentd/render/idle_screen.hpp"
#include "presentd/render/renderer.hpp"
#include "render/presentation_view.hpp"
#include "render/render_inbox.hpp"
#include "render/x11_connection.hpp"

namespace presentd::render {

class RenderLoop {
public:
  using SnapshotPromise = std::shared_ptr<std::promise<std::optional<Snapshot>>>;

  RenderLoop(const RendererOptions& options, Renderer::Inbox& inbox, AudioMixer& mixer);
  ~RenderLoop();
  RenderLoop(const RenderLoop&) = delete;
  RenderLoop& operator=(const RenderLoop&) = delete;

  enum class Opened {
    up,        // window and renderer up
    waiting,   // the expected display server is not there yet: call await_display()
    headless,  // no display expected or usable (logged): nothing else to do
  };
  [[nodiscard]] Opened open();
  // Serves commands until a display can be opened (or the loop is stopped).
  void await_display();
  void run();

  // Commands, run on the render thread.
  void request_stop() { running_ = false; }
  void join(PresenterId id, const std::string& name);
  void leave(PresenterId id);
  void set_reconnecting(PresenterId id, bool reconnecting);
  void set_idle_info(const IdleInfo& info);
  void add_snapshot(SnapshotPromise promise);
  // A reload changed the display settings: re-create the window with them.
  void apply_display(const DisplaySettings& settings);

private:
  // Window + renderer + hidden cursor, replacing any earlier ones.
  bool open_window();
  void close_window();
  bool create_window();
  bool create_renderer();
  // Drops a renderer that is OpenGL on a software rasteriser (RendererChoice::automatic).
  void avoid_software_opengl();
  // The X server went away: close the video subsystem and wait (still serving commands) until
  // a display can be opened again or the loop is stopped.
  void wait_for_display();
  bool reopen_video();
  bool video_driver_usable() const;
  // A display server should be there (driver configured, or named by the environment), so its
  // absence at start means "not yet" rather than "no screen".
  bool display_expected() const;
  void publish_screen_status();
  void apply_screensaver();
  void open_audio();
  void handle(const SDL_Event& event);
  void drain_inbox();
  void draw();
  std::optional<Snapshot> read_screen();
  void end_all_presentations();
  void presenters_changed();

  RendererOptions options_;  // a copy: apply_display() changes it on this thread
  Renderer::Inbox& inbox_;
  AudioMixer& mixer_;
  bool sdl_up_ = false;
  bool ttf_up_ = false;
  bool running_ = true;
  bool shown_once_ = false;       // a window was up before (the logs say "back")
  bool screen_up_ = false;        // as last published in the inbox's ScreenStatus
  bool software_opengl_ = false;  // OpenGL here is a software rasteriser: use SDL's software renderer
  WindowPtr window_;
  SdlRendererPtr renderer_;
  SDL_AudioDeviceID audio_ = 0;
  X11Connection x11_;
  TextPainter painter_;
  IdleScreen idle_;
  IdleInfo idle_info_;
  PresentationView view_;
  bool dirty_ = true;
  bool idle_stale_ = true;  // idle textures need rebuilding (info, size or device changed)
  bool help_ = false;
  int built_width_ = 0;
  int built_height_ = 0;
  std::vector<SnapshotPromise> snapshots_;
  std::vector<std::pair<PresenterId, media::PicturePtr>> uploaded_;  // drawn in the next present
};

}  // namespace presentd::render

// SPDX-License-Identifier: Apache-2.0
#include "render/render_loop.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "presentd/common/internal_errors.hpp"
#include "presentd/common/log.hpp"

namespace presentd::render {
namespace {

constexpr std::string_view kTag = "render";
// 512 frames at 48 kHz = 10.7 ms per device buffer: well under the 40 ms budget, and large
// enough that a busy box does not underrun.
constexpr Uint16 kAudioBufferFrames = 512;
// How often a lost display server is looked for again.
constexpr auto kReconnectInterval = std::chrono::seconds(2);

bool named_in_environment(const char* variable) {
  // Nothing in the daemon sets its environment, so getenv cannot race with a writer.
  const char* value = std::getenv(variable);  // NOLINT(concurrency-mt-unsafe)
  return value != nullptr && *value != '\0';
}

// SDL's kmsdrm driver says only "kmsdrm not available". On a box without a desktop the cause is
// nearly always a missing DRM device (no GPU driver loaded, or no display hardware), so the one
// line the journal gets names it.
std::string missing_drm_device(const std::string& driver) {
  if (driver != "kmsdrm") return {};
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/dev/dri", error)) {
    if (entry.path().filename().string().starts_with("card")) return {};
  }
  return ": no DRM device in /dev/dri";
}

void audio_callback(void* user, Uint8* stream, int length) {
  auto* mixer = static_cast<AudioMixer*>(user);
  mixer->mix(std::span<std::int16_t>(reinterpret_cast<std::int16_t*>(stream),
                                     static_cast<std::size_t>(length) / sizeof(std::int16_t)));
}

}  // namespace

RenderLoop::RenderLoop(const RendererOptions& options, Renderer::Inbox& inbox, AudioMixer& mixer)
    : options_(options), inbox_(inbox), mixer_(mixer), painter_(options.fonts) {}

RenderLoop::~RenderLoop() {
  std::vector<std::function<void(RenderLoop&)>> late;
  {
    // Stop accepting first: after this no other thread pushes SDL events or commands.
    std::lock_guard lock(inbox_.mutex);
    inbox_.accepting = false;
    late.swap(inbox_.commands);
  }
  // Commands that raced with stop only change state; running them answers late snapshot
  // requests (with nullopt, below) instead of breaking their promises.
  for (auto& command : late) command(*this);
  for (auto& promise : snapshots_) promise->set_value(std::nullopt);
  if (audio_ != 0) {
    mixer_.set_output(std::nullopt);
    SDL_CloseAudioDevice(audio_);
  }
  close_window();                          // safe on a lost X server too
  painter_ = TextPainter(options_.fonts);  // fonts close before TTF_Quit
  if (ttf_up_) TTF_Quit();
  if (sdl_up_) SDL_Quit();
}

RenderLoop::Opened RenderLoop::open() {
  // The daemon handles SIGTERM/SIGINT through Asio; SDL must not turn them into SDL_QUIT.
  SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
  if (!options_.video_driver.empty()) SDL_SetHint(SDL_HINT_VIDEODRIVER, options_.video_driver.c_str());
  if (!options_.render_driver.empty()) SDL_SetHint(SDL_HINT_RENDER_DRIVER, options_.render_driver.c_str());
  // When the renderer is SDL's software one, let it draw straight into the window's X shared
  // memory image: by default SDL puts an OpenGL texture under it, which on a box without a GPU
  // is Mesa's llvmpipe (7x the CPU per 1080p frame and ~100 MB more resident memory, measured
  // in docs/performance.md). No effect on GPU renderers; the environment variable still wins.
  SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  // Events first, video separately: without a display server yet, the event queue still carries
  // the facade's wake-ups and the render thread can wait for the display (await_display).
  if (SDL_Init(SDL_INIT_EVENTS) != 0) {
    PD_LOG(warning, kTag) << "SDL: " << SDL_GetError() << ": running without a screen";
    return Opened::headless;
  }
  sdl_up_ = true;
  if (TTF_Init() != 0) {
    PD_LOG(warning, kTag) << "SDL_ttf: " << TTF_GetError();
  } else {
    ttf_up_ = true;
  }
  // WebRTC decoders output BT.601 limited range; SDL's automatic choice would switch to BT.709
  // above 576 lines and shift the colours of every HD presentation.
  SDL_SetYUVConversionMode(SDL_YUV_CONVERSION_BT601);
  {
    std::lock_guard lock(inbox_.mutex);
    inbox_.wake_event = SDL_RegisterEvents(1);
  }
  if (inbox_.wake_event == static_cast<Uint32>(-1)) return Opened::headless;
  const bool video = SDL_InitSubSystem(SDL_INIT_VIDEO) == 0;
  const char* chosen = video ? SDL_GetCurrentVideoDriver() : nullptr;
  const std::string why = !video ? std::string(SDL_GetError()) + missing_drm_device(options_.video_driver)
                                 : "SDL found only its " + std::string(chosen ? chosen : "?") + " driver";
  if (!video || !video_driver_usable()) {
    if (video) SDL_QuitSubSystem(SDL_INIT_VIDEO);
    if (!display_expected()) {
      PD_LOG(warning, kTag) << "no display (" << why << "): running without a screen";
      return Opened::headless;
    }
    // Boot order: presentd may start before the display manager has its X server up.
    PD_LOG(notice, kTag) << "the display is not there yet (" << why << "): waiting for it, trying every "
                         << std::chrono::duration_cast<std::chrono::seconds>(kReconnectInterval).count() << " s";
  } else if (!open_window()) {
    return Opened::headless;
  }
  apply_screensaver();
  if (options_.audio) open_audio();
  {
    std::lock_guard lock(inbox_.mutex);
    inbox_.accepting = true;
  }
  if (!window_) return Opened::waiting;
  publish_screen_status();
  return Opened::up;
}

bool RenderLoop::display_expected() const {
  if (!options_.video_driver.empty()) return options_.video_driver != "offscreen" && options_.video_driver != "dummy";
  return named_in_environment("DISPLAY") || named_in_environment("WAYLAND_DISPLAY");
}

void RenderLoop::publish_screen_status() {
  ScreenStatus status;
  if (renderer_) {
    SDL_RendererInfo info{};
    SDL_GetRendererInfo(renderer_.get(), &info);
    status.up = true;
    status.video_driver = SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "";
    status.renderer = info.name ? info.name : "";
  }
  if (status.up && !shown_once_) {
    PD_LOG(info, kTag) << "screen on " << status.video_driver << " (" << status.renderer << " renderer), "
                       << built_width_ << "x" << built_height_;
  } else if (status.up && !screen_up_) {
    PD_LOG(notice, kTag) << "display back on " << status.video_driver << " (" << status.renderer << " renderer), "
                         << built_width_ << "x" << built_height_;
  }
  shown_once_ = shown_once_ || status.up;
  screen_up_ = status.up;
  std::lock_guard lock(inbox_.mutex);
  inbox_.screen = std::move(status);
}

bool RenderLoop::video_driver_usable() const {
  // Left to choose, SDL falls back to its offscreen driver when no display is reachable: that is
  // "no screen" for the daemon (and would cost CPU, as it has no blocking event wait).
  const std::string chosen = SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "";
  return !options_.video_driver.empty() || (chosen != "offscreen" && chosen != "dummy");
}

void RenderLoop::close_window() {
  // Textures before their renderer, the renderer before its window.
  view_.drop_textures();
  idle_.clear();
  renderer_.reset();
  x11_.release_window(window_.get());
  window_.reset();
}

bool RenderLoop::open_window() {
  close_window();
  if (!create_window() || !create_renderer()) return false;
  SDL_ShowCursor(SDL_DISABLE);
  x11_.watch(window_.get(), inbox_.wake_event);
  return true;
}

bool RenderLoop::create_window() {
  Uint32 flags = SDL_WINDOW_SHOWN;
  int screen = options_.screen < SDL_GetNumVideoDisplays() ? options_.screen : 0;
  // SDL's position macro is unsigned; clang refuses to narrow it in braces (GCC lets it pass).
  const auto centered = static_cast<int>(SDL_WINDOWPOS_CENTERED_DISPLAY(screen));
  SDL_Rect bounds{centered, centered, options_.window_width, options_.window_height};
  if (options_.fullscreen && SDL_GetDisplayBounds(screen, &bounds) == 0) {
    // Real fullscreen of a borderless window placed on the display: FULLSCREEN_DESKTOP without a
    // window manager (a kiosk X server) leaves a smaller window.
    flags |= SDL_WINDOW_FULLSCREEN | SDL_WINDOW_BORDERLESS;
  }
  window_.reset(SDL_CreateWindow("presentd", bounds.x, bounds.y, bounds.w, bounds.h, flags));
  if (!window_) PD_LOG(warning, kTag) << "cannot create the window: " << SDL_GetError();
  return window_ != nullptr;
}

bool RenderLoop::create_renderer() {
  view_.drop_textures();
  idle_.clear();
  renderer_.reset();
  const bool software = options_.renderer == RendererChoice::software ||
                        (options_.renderer == RendererChoice::automatic && software_opengl_);
  if (!software) {
    renderer_.reset(SDL_CreateRenderer(window_.get(), -1, options_.vsync ? SDL_RENDERER_PRESENTVSYNC : 0));
    if (renderer_ && options_.renderer == RendererChoice::automatic) avoid_software_opengl();
  }
  if (!renderer_) renderer_.reset(SDL_CreateRenderer(window_.get(), -1, SDL_RENDERER_SOFTWARE));
  if (!renderer_) {
    PD_LOG(warning, kTag) << "cannot create a renderer: " << SDL_GetError();
    return false;
  }
  SDL_GetRendererOutputSize(renderer_.get(), &built_width_, &built_height_);
  idle_stale_ = true;
  dirty_ = true;
  return true;
}

void RenderLoop::avoid_software_opengl() {
  SDL_RendererInfo info{};
  if (SDL_GetRendererInfo(renderer_.get(), &info) != 0 || info.name == nullptr) return;
  if (!std::string_view(info.name).starts_with("opengl")) return;
  // SDL's OpenGL renderers leave their context current on this thread: ask it who rasterises.
  constexpr unsigned kGlRenderer = 0x1F01;  // GL_RENDERER
  using GetString = const unsigned char* (*)(unsigned);
  const auto get_string = reinterpret_cast<GetString>(SDL_GL_GetProcAddress("glGetString"));
  const unsigned char* name = get_string ? get_string(kGlRenderer) : nullptr;
  if (name == nullptr) return;
  std::string gl(reinterpret_cast<const char*>(name));
  std::string lower = gl;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool rasteriser = lower.find("llvmpipe") != std::string::npos || lower.find("softpipe") != std::string::npos ||
                          lower.find("swrast") != std::string::npos;
  if (!rasteriser) return;
  PD_LOG(notice, kTag) << "OpenGL here is a software rasteriser (" << gl
                       << "): drawing with SDL's software renderer instead, a fraction of the CPU "
                          "(display.renderer \"gpu\" keeps OpenGL)";
  software_opengl_ = true;  // remembered: a re-created window goes straight to software
  renderer_.reset();
}

void RenderLoop::open_audio() {
  if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
    PD_LOG(notice, kTag) << "no audio (" << SDL_GetError() << "): presentations play silently";
    return;
  }
  SDL_AudioSpec want{};
  want.freq = AudioMixer::kSampleRate;
  want.format = AUDIO_S16SYS;
  want.channels = AudioMixer::kChannels;
  want.samples = kAudioBufferFrames;
  want.callback = audio_callback;
  want.userdata = &mixer_;
  SDL_AudioSpec have{};
  // No allowed changes: SDL converts to the device's own format behind the callback.
  audio_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
  if (audio_ == 0) {
    PD_LOG(notice, kTag) << "no audio device (" << SDL_GetError() << "): presentations play silently";
    return;
  }
  PD_LOG(info, kTag) << "audio on " << SDL_GetCurrentAudioDriver() << ", " << have.samples << "-frame buffer";
  mixer_.set_output(have.samples);
}

void RenderLoop::run() {
  SDL_Event event;
  while (running_) {
    if (SDL_WaitEvent(&event) == 0) {
      PD_LOG(warning, kTag) << "SDL_WaitEvent: " << SDL_GetError();
      continue;
    }
    try {
      handle(event);
      while (SDL_PollEvent(&event) != 0) handle(event);
      if (x11_.lost()) {
        wait_for_display();
        continue;
      }
      drain_inbox();
      if (running_ && (dirty_ || !snapshots_.empty())) draw();
    } catch (...) {
      // The render thread's error boundary: what threw is one event, command or frame; the
      // window stays and the next event (a new picture, a command) draws again.
      report_current_exception(ErrorSite::render, kTag, "the render loop");
    }
  }
}

void RenderLoop::handle(const SDL_Event& event) {
  switch (event.type) {
    case SDL_WINDOWEVENT:
      if (event.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
        SDL_GetRendererOutputSize(renderer_.get(), &built_width_, &built_height_);
        idle_stale_ = true;
      }
      dirty_ = true;
      break;
    case SDL_DISPLAYEVENT:
      if (event.display.event == SDL_DISPLAYEVENT_CONNECTED || event.display.event == SDL_DISPLAYEVENT_DISCONNECTED) {
        PD_LOG(notice, kTag) << "display " << event.display.display
                             << (event.display.event == SDL_DISPLAYEVENT_CONNECTED ? " connected" : " disconnected")
                             << ": re-creating the window";
        if (!open_window()) PD_LOG(warning, kTag) << "no screen until a display returns";
        publish_screen_status();
      }
      break;
    case SDL_RENDER_TARGETS_RESET: dirty_ = true; break;
    case SDL_RENDER_DEVICE_RESET:
      PD_LOG(notice, kTag) << "render device reset: re-creating the renderer";
      if (!create_renderer()) PD_LOG(warning, kTag) << "no renderer after the device reset";
      publish_screen_status();
      break;
    case SDL_KEYDOWN:
      if (event.key.repeat != 0) break;  // a held key acts once
      if (event.key.keysym.sym == SDLK_ESCAPE || event.key.keysym.sym == SDLK_DELETE) {
        end_all_presentations();
      } else if (event.key.keysym.sym == SDLK_F1) {
        help_ = !help_;
        dirty_ = true;
      }
      break;
    default: break;
  }
}

void RenderLoop::drain_inbox() {
  std::vector<std::function<void(RenderLoop&)>> commands;
  std::vector<std::pair<PresenterId, std::shared_ptr<FrameMailbox>>> mailboxes;
  {
    std::lock_guard lock(inbox_.mutex);
    inbox_.wake_pending = false;
    commands.swap(inbox_.commands);
    mailboxes.assign(inbox_.mailboxes.begin(), inbox_.mailboxes.end());
  }
  for (auto& command : commands) command(*this);
  if (!renderer_) return;
  for (auto& [id, mailbox] : mailboxes) {
    auto picture = mailbox->take();
    if (!picture || !view_.upload(renderer_.get(), id, picture)) continue;
    uploaded_.emplace_back(id, std::move(picture));
    dirty_ = true;
  }
}

void RenderLoop::draw() {
  if (!renderer_) return;
  SDL_Renderer* r = renderer_.get();
  if (view_.empty() || help_) {
    if (idle_stale_) {
      idle_.build(r, painter_, built_width_, built_height_, idle_info_);
      idle_stale_ = false;
    }
    idle_.draw(r, help_);
  } else {
    view_.draw(r, painter_, built_width_, built_height_);
  }
  // Read before presenting (the back buffer's content is undefined after SDL_RenderPresent);
  // answer after the counters moved, so a caller reading stats() sees this redraw.
  std::optional<Snapshot> shot;
  if (!snapshots_.empty()) shot = read_screen();
  SDL_RenderPresent(r);
  inbox_.redraws.fetch_add(1, std::memory_order_relaxed);
  dirty_ = false;
  const auto now = SteadyClock().now();
  for (const auto& [id, picture] : uploaded_) {
    inbox_.frames_presented.fetch_add(1, std::memory_order_relaxed);
    if (options_.on_presented && picture->timing().decoded != Clock::TimePoint{}) {
      options_.on_presented(id, now - picture->timing().decoded);
    }
  }
  for (auto& promise : snapshots_) promise->set_value(shot);
  snapshots_.clear();
  uploaded_.clear();
}

std::optional<Snapshot> RenderLoop::read_screen() {
  Snapshot shot;
  shot.width = built_width_;
  shot.height = built_height_;
  shot.rgb.resize(static_cast<std::size_t>(shot.width) * static_cast<std::size_t>(shot.height) * 3);
  if (SDL_RenderReadPixels(renderer_.get(), nullptr, SDL_PIXELFORMAT_RGB24, shot.rgb.data(), shot.width * 3) != 0) {
    PD_LOG(warning, kTag) << "cannot read the screen: " << SDL_GetError();
    return std::nullopt;
  }
  return shot;
}

void RenderLoop::join(PresenterId id, const std::string& name) {
  if (view_.join(id, name)) presenters_changed();
}

void RenderLoop::leave(PresenterId id) {
  view_.leave(id);
  std::erase_if(uploaded_, [id](const auto& entry) { return entry.first == id; });
  presenters_changed();
}

void RenderLoop::set_reconnecting(PresenterId id, bool reconnecting) {
  view_.set_reconnecting(id, reconnecting);
  dirty_ = true;
}

void RenderLoop::set_idle_info(const IdleInfo& info) {
  if (info == idle_info_) return;
  idle_info_ = info;
  idle_stale_ = true;
  dirty_ = true;
}

void RenderLoop::add_snapshot(SnapshotPromise promise) { snapshots_.push_back(std::move(promise)); }

void RenderLoop::end_all_presentations() {
  PD_LOG(notice, kTag) << "Esc/Del on the box: ending all presentations";
  view_.leave_all();
  uploaded_.clear();
  presenters_changed();
  if (options_.on_end_all) options_.on_end_all();
}

void RenderLoop::presenters_changed() {
  dirty_ = true;
  mixer_.set_focus(view_.newest());
  apply_screensaver();
  // The audio callback runs only while someone presents.
  if (audio_ != 0) SDL_PauseAudioDevice(audio_, view_.empty() ? 1 : 0);
}

void RenderLoop::apply_screensaver() {
  // Keep the display awake only while someone presents; idle, let it sleep.
  // SDL covers the desktop's D-Bus inhibition and the other drivers; on X11 the connection sets
  // the server's own state (x11_connection.hpp says why SDL alone is not enough).
  if (view_.empty()) {
    SDL_EnableScreenSaver();
  } else {
    SDL_DisableScreenSaver();
  }
  x11_.suspend_screensaver(window_.get(), !view_.empty());
}

void RenderLoop::apply_display(const DisplaySettings& settings) {
  if (settings == options_.display()) return;
  options_.set_display(settings);
  if (!window_) return;  // no display right now: the settings apply when it returns
  PD_LOG(notice, kTag) << "display settings changed: re-creating the window (screen " << settings.screen
                       << (settings.fullscreen ? ", fullscreen" : ", windowed") << (settings.vsync ? ", vsync)" : ")");
  if (!open_window()) PD_LOG(warning, kTag) << "no screen with the new display settings";
  publish_screen_status();
}

void RenderLoop::wait_for_display() {
  PD_LOG(warning, kTag) << "lost the connection to the display server: presentations go on without a "
                           "picture; trying to reconnect every "
                        << std::chrono::duration_cast<std::chrono::seconds>(kReconnectInterval).count() << " s";
  close_window();
  SDL_QuitSubSystem(SDL_INIT_VIDEO);
  x11_.reset();
  publish_screen_status();
  await_display();
}

void RenderLoop::await_display() {
  auto next_try = std::chrono::steady_clock::now() + kReconnectInterval;
  while (running_) {
    {
      // SDL_WaitEvent needs a video driver to sleep; without one the facade's wake-ups arrive
      // through the inbox's condition variable.
      std::unique_lock lock(inbox_.mutex);
      inbox_.woken.wait_until(lock, next_try, [this] { return inbox_.wake_pending.load(); });
    }
    SDL_FlushEvent(inbox_.wake_event);
    drain_inbox();  // commands run; pictures wait in their mailboxes (the newest only)
    for (auto& promise : snapshots_) promise->set_value(std::nullopt);
    snapshots_.clear();
    if (!running_ || std::chrono::steady_clock::now() < next_try) continue;
    if (reopen_video()) return;
    next_try = std::chrono::steady_clock::now() + kReconnectInterval;
  }
}

bool RenderLoop::reopen_video() {
  // Left to choose, SDL would also try the drivers nobody expects here every two seconds, and
  // libwayland prints to stderr (the journal) each time it finds no compositor: while waiting,
  // try only the server the environment names.
  const bool has_x11 = named_in_environment("DISPLAY");
  const bool has_wayland = named_in_environment("WAYLAND_DISPLAY");
  const char* expected = has_x11 == has_wayland ? nullptr : has_x11 ? "x11" : "wayland";
  if (options_.video_driver.empty() && expected != nullptr) SDL_SetHint(SDL_HINT_VIDEODRIVER, expected);
  const bool video = SDL_InitSubSystem(SDL_INIT_VIDEO) == 0;
  if (options_.video_driver.empty() && expected != nullptr) SDL_ResetHint(SDL_HINT_VIDEODRIVER);
  if (!video) return false;
  if (!video_driver_usable() || !open_window()) {
    close_window();
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    x11_.reset();
    return false;
  }
  apply_screensaver();
  publish_screen_status();
  return true;
}

}  // namespace presentd::render

// SPDX-License-Identifier: Apache-2.0
#include "render/x11_connection.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <mutex>
#include <utility>
#include <vector>

// After our own headers: X11's macros (None, Status, Bool...) must not leak into them.
#include <SDL2/SDL_syswm.h>
#include <X11/extensions/scrnsaver.h>

namespace presentd::render {
namespace {

// Xlib calls the exit handler with a raw pointer, possibly again while SDL closes a dead
// connection: the State of every watched connection stays alive here until that connection's
// address is watched again.
std::mutex watched_mutex;
std::vector<std::pair<Display*, std::shared_ptr<X11Connection::State>>> watched;

// Returning (instead of Xlib's exit(1)) leaves the connection marked dead; later calls on it
// fail quietly.
void on_io_error_exit(Display*, void* user) {
  auto* state = static_cast<X11Connection::State*>(user);
  if (state == nullptr || state->lost.exchange(true)) return;
  // SDL_WaitEvent would otherwise keep polling a dead socket; our event makes it return.
  SDL_Event event{};
  event.type = state->wake_event;
  SDL_PushEvent(&event);
}

int on_io_error(Display*) {
  // Xlib's default prints a line; render_loop.cpp logs once the render thread has noticed.
  return 0;
}

}  // namespace

void on_io_error_exit_any(Display* display, void* user) { on_io_error_exit(display, user); }

void X11Connection::watch(SDL_Window* window, Uint32 wake_event) {
  SDL_SysWMinfo info;
  SDL_VERSION(&info.version);
  if (window == nullptr || SDL_GetWindowWMInfo(window, &info) != SDL_TRUE || info.subsystem != SDL_SYSWM_X11) return;
  state_->wake_event = wake_event;
  {
    std::lock_guard lock(watched_mutex);
    std::erase_if(watched, [&](const auto& w) { return w.first == info.info.x11.display; });
    watched.emplace_back(info.info.x11.display, state_);
  }
  XSetIOErrorHandler(on_io_error);
  XSetIOErrorExitHandler(info.info.x11.display, on_io_error_exit, state_.get());
}

void X11Connection::release_window(SDL_Window* window) const {
  SDL_SysWMinfo info;
  SDL_VERSION(&info.version);
  if (!lost() || window == nullptr || SDL_GetWindowWMInfo(window, &info) != SDL_TRUE ||
      info.subsystem != SDL_SYSWM_X11) {
    return;
  }
  XEvent event{};
  event.xunmap.type = UnmapNotify;
  event.xunmap.display = info.info.x11.display;
  event.xunmap.event = info.info.x11.window;
  event.xunmap.window = info.info.x11.window;
  XPutBackEvent(info.info.x11.display, &event);
}

void X11Connection::suspend_screensaver(SDL_Window* window, bool suspend) const {
  SDL_SysWMinfo info;
  SDL_VERSION(&info.version);
  if (lost() || window == nullptr || SDL_GetWindowWMInfo(window, &info) != SDL_TRUE ||
      info.subsystem != SDL_SYSWM_X11) {
    return;
  }
  Display* display = info.info.x11.display;
  int event_base = 0;
  int error_base = 0;
  int major = 0;
  int minor = 0;
  if (!XScreenSaverQueryExtension(display, &event_base, &error_base) ||
      !XScreenSaverQueryVersion(display, &major, &minor) || major < 1 || (major == 1 && minor < 1)) {
    return;  // no suspend request before 1.1
  }
  XScreenSaverSuspend(display, suspend ? True : False);
  if (suspend) XResetScreenSaver(display);  // wake a display that already blanked
  // The render thread is about to sleep and the GL renderer presents through its own path:
  // nothing else would send the request.
  XFlush(display);
}

}  // namespace presentd::render

// SDL opens more X connections than the one behind the window (a second one for requests; GLX
// may open its own), and Xlib takes a connection's exit handler before it calls the I/O error
// handler, so the handler must be in place from the moment a connection opens: every one this
// process opens gets an exit handler that returns. SDL is linked to libX11 (Debian does not
// build it to dlopen X11), so its calls bind to this definition, which forwards to libX11's.
extern "C" Display* XOpenDisplay(const char* name) {
  using Open = Display* (*)(const char*);
  static const auto real = reinterpret_cast<Open>(dlsym(RTLD_NEXT, "XOpenDisplay"));
  Display* display = real != nullptr ? real(name) : nullptr;
  if (display != nullptr) XSetIOErrorExitHandler(display, presentd::render::on_io_error_exit_any, nullptr);
  return display;
}

// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the render thread needs from its X11 connection beyond SDL: surviving the X server going
// away (restarted, crashed, killed), and holding the screensaver off while presenting.
//
// Xlib's default answer to a broken connection is exit(1): one restarted X server would take
// every running session and the HTTPS server down with it. The guard installs an Xlib I/O error
// exit handler (libX11 >= 1.7) on the display behind SDL's window that only records the loss and
// wakes the render thread with an SDL event, so SDL_WaitEvent returns. The render thread then
// tears its window down and waits for a display to come back (render_loop.cpp). Windows of
// other video drivers (wayland, kmsdrm, offscreen) are not touched.
//
// Thread: render (the handlers run on it too, inside SDL's X11 event pump).
#include <atomic>
#include <memory>

#include "presentd/render/sdl_handles.hpp"

namespace presentd::render {

class X11Connection {
public:
  // `wake_event`: the SDL event type pushed when the connection breaks.
  void watch(SDL_Window* window, Uint32 wake_event);
  // True once the X server behind the watched window has gone away.
  bool lost() const { return state_->lost.load(); }
  // Before SDL_DestroyWindow on a lost display: SDL's X11 backend waits for the server's
  // UnmapNotify when it hides a window (XIfEvent), which on a dead connection spins forever. The
  // guard queues that event locally so the wait ends at once.
  void release_window(SDL_Window* window) const;
  // Suspends (presenting) or resumes (idle) the X server's screensaver and DPMS blanking with
  // MIT-SCREEN-SAVER 1.1, and sends the request at once. SDL 2.26 cannot be trusted with this
  // on a box without a D-Bus session: its SDL_EnableScreenSaver asks D-Bus first and, finding no
  // inhibition there, returns without resuming the X screensaver it suspended.
  void suspend_screensaver(SDL_Window* window, bool suspend) const;
  // Forget the old display (before the video subsystem is re-initialised).
  void reset() { state_ = std::make_shared<State>(); }

  struct State {
    std::atomic<bool> lost{false};
    Uint32 wake_event = 0;
  };

private:
  // Shared with the handler's user data: a dead display may report again while SDL closes it.
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace presentd::render

// SPDX-License-Identifier: Apache-2.0
// Linked into the presentd executable only when it is built with the sanitizers
// (PRESENTD_SANITIZE, src/CMakeLists.txt), never into a release build. What LeakSanitizer needs
// to check the daemon when it exits, as every integration test that stops one expects (exit
// status 0, else 23 for a leak):
//
// - Libraries that are loaded and unloaded at run time stay loaded. Mesa's EGL and GL loaders
//   (SDL asks them once which renderer the screen has) dlclose their driver, and a leak report
//   can then name neither the driver nor its functions ("<unknown module>"), so no suppression
//   can match it, and the GCC 12 runtime has no rule for unknown modules. Kept loaded, the
//   driver's globals are also searched for pointers, so what it still references is no leak.
// - Leaks inside third-party libraries that presentd cannot free are suppressed by library,
//   never by a presentd function, so a leak of presentd's own still fails the run.
#include <cstddef>

extern "C" {

// Interposes on the C library's dlclose for every library (the executable exports it:
// --export-dynamic-symbol in src/CMakeLists.txt). Unloading is never required for correctness.
int dlclose(void* /*handle*/) { return 0; }

// LeakSanitizer's hook: the name is its API, reserved identifier or not.
const char* __lsan_default_suppressions() {  // NOLINT(bugprone-reserved-identifier,readability-identifier-naming)
  return
      // Mesa's DRI driver (llvmpipe under Xvfb, or any GPU's): driconf option strings, screen
      // state it keeps until the process ends.
      "leak:_dri.so\n"
      "leak:libgallium\n"
      "leak:libLLVM\n"
      "leak:libEGL_mesa.so\n"
      "leak:libGLX_mesa.so\n"
      // libdbus, which SDL opens for the screensaver and input methods on X11 and deliberately
      // never shuts down (dbus_shutdown() is unsafe while any other user may hold it).
      "leak:libdbus-1.so\n";
}

}  // extern "C"

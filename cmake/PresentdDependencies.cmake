# SPDX-License-Identifier: Apache-2.0
# Every dependency is found as an imported target. A missing one stops configure and names the
# Debian package that provides it, so the fix is one apt-get line.
find_package(PkgConfig REQUIRED)

function(presentd_require_pkg target module debian_package)
  pkg_check_modules(${target} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${target}_FOUND)
    message(FATAL_ERROR "presentd needs ${module} (pkg-config). Install it with: apt-get install ${debian_package}")
  endif()
endfunction()

macro(presentd_require_package name debian_package)
  find_package(${name} ${ARGN} QUIET)
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR "presentd needs ${name}. Install it with: apt-get install ${debian_package}")
  endif()
endmacro()

presentd_require_pkg(NICE      nice            libnice-dev)
presentd_require_pkg(SRTP2     libsrtp2        libsrtp2-dev)
presentd_require_pkg(VPX       vpx             libvpx-dev)
presentd_require_pkg(AVCODEC   libavcodec      libavcodec-dev)
presentd_require_pkg(AVUTIL    libavutil       libavutil-dev)
presentd_require_pkg(SWSCALE   libswscale      libswscale-dev)
presentd_require_pkg(SDL2      sdl2            libsdl2-dev)
presentd_require_pkg(SDL2TTF   SDL2_ttf        libsdl2-ttf-dev)
# Xlib directly only to survive a lost X server and to hold off its screensaver
# (src/render/x11_connection.cpp).
presentd_require_pkg(X11       x11             libx11-dev)
presentd_require_pkg(XSS       xscrnsaver      libxss-dev)
presentd_require_pkg(AVAHI     avahi-client    libavahi-client-dev)
presentd_require_pkg(LIBXML2   libxml-2.0      libxml2-dev)
presentd_require_pkg(SYSTEMD   libsystemd      libsystemd-dev)
presentd_require_pkg(QRENCODE  libqrencode     libqrencode-dev)
presentd_require_pkg(GSASL     libgsasl        libgsasl-dev)

presentd_require_package(OpenSSL libssl-dev 3.0)
presentd_require_package(Boost libboost1.81-dev 1.81 CONFIG)
presentd_require_package(nlohmann_json nlohmann-json3-dev 3.10)
presentd_require_package(Threads libc6-dev)

if(PRESENTD_BUILD_TESTS)
  presentd_require_package(GTest libgtest-dev)
endif()
if(PRESENTD_BUILD_BENCH)
  presentd_require_package(benchmark libbenchmark-dev)
endif()

#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Prints the X server's screensaver state ("on", "off", "cycle" or "disabled") as the
MIT-SCREEN-SAVER extension reports it (XScreenSaverQueryInfo), for the screen's tests."""
import ctypes
import sys


class ScreenSaverInfo(ctypes.Structure):
    _fields_ = [("window", ctypes.c_ulong), ("state", ctypes.c_int), ("kind", ctypes.c_int),
                ("til_or_since", ctypes.c_ulong), ("idle", ctypes.c_ulong), ("event_mask", ctypes.c_ulong)]


def main():
    xlib = ctypes.CDLL("libX11.so.6")
    xss = ctypes.CDLL("libXss.so.1")
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    xlib.XDefaultRootWindow.restype = ctypes.c_ulong
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    xss.XScreenSaverQueryInfo.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ScreenSaverInfo)]
    display = xlib.XOpenDisplay(None)
    if not display:
        sys.exit("cannot open the display")
    info = ScreenSaverInfo()
    if not xss.XScreenSaverQueryInfo(display, xlib.XDefaultRootWindow(display), ctypes.byref(info)):
        sys.exit("no MIT-SCREEN-SAVER extension")
    xlib.XCloseDisplay(display)
    print({0: "off", 1: "on", 2: "cycle", 3: "disabled"}.get(info.state, str(info.state)))


if __name__ == "__main__":
    main()

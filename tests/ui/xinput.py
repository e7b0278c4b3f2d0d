"""Real X11 input for the kiosk window under Xvfb: key presses and pointer motion and buttons
through the XTEST extension (as a keyboard or a touch screen's pointer would send them) and the
window manager's close request (WM_DELETE_WINDOW, as Alt+F4 or a title bar's close button
would). Plain ctypes over libX11/libXtst."""

from __future__ import annotations

import ctypes
import ctypes.util
import os

_x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
_xtst = ctypes.CDLL(ctypes.util.find_library("Xtst") or "libXtst.so.6")
_x11.XOpenDisplay.restype = ctypes.c_void_p
_x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
_x11.XStringToKeysym.restype = ctypes.c_ulong
_x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
_x11.XKeysymToKeycode.restype = ctypes.c_ubyte
_x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
_x11.XInternAtom.restype = ctypes.c_ulong
_x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
_x11.XFlush.argtypes = [ctypes.c_void_p]
_x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
_x11.XSetInputFocus.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_ulong]
_x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                            ctypes.c_void_p]
_x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
_x11.XDefaultRootWindow.restype = ctypes.c_ulong
_x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
_x11.XTranslateCoordinates.restype = ctypes.c_int
_x11.XTranslateCoordinates.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong,
                                       ctypes.c_int, ctypes.c_int,
                                       ctypes.POINTER(ctypes.c_int),
                                       ctypes.POINTER(ctypes.c_int),
                                       ctypes.POINTER(ctypes.c_ulong)]
_xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                    ctypes.c_ulong]
# XTestFakeMotionEvent(display, screen (-1: the pointer's), x, y, delay ms)
_xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                       ctypes.c_int, ctypes.c_ulong]
# XTestFakeButtonEvent(display, button, is_press, delay ms)
_xtst.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                       ctypes.c_ulong]


class _ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong),
                ("send_event", ctypes.c_int), ("display", ctypes.c_void_p),
                ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


CLIENT_MESSAGE = 33


class XInput:
    def __init__(self, window_id: int):
        self.dpy = _x11.XOpenDisplay(os.environ["DISPLAY"].encode())
        if not self.dpy:
            raise RuntimeError("cannot open the X display")
        self.window = window_id

    def close(self) -> None:
        _x11.XCloseDisplay(self.dpy)

    def focus(self) -> None:
        _x11.XSetInputFocus(self.dpy, self.window, 1, 0)  # RevertToPointerRoot, CurrentTime
        _x11.XSync(self.dpy, 0)

    def keys(self, *names: str) -> None:
        """Press the keys in order, release them in reverse: keys("Alt_L", "F4")."""
        codes = [_x11.XKeysymToKeycode(self.dpy, _x11.XStringToKeysym(n.encode()))
                 for n in names]
        assert all(codes), f"no keycode for one of {names}"
        for c in codes:
            _xtst.XTestFakeKeyEvent(self.dpy, c, 1, 0)
        for c in reversed(codes):
            _xtst.XTestFakeKeyEvent(self.dpy, c, 0, 0)
        _x11.XSync(self.dpy, 0)

    # --- the pointer (a touch screen's finger, as X sees it) ---------------------------------
    def root_xy(self, x: int, y: int) -> tuple[int, int]:
        """The screen position of the window's pixel (x, y), X's way: from the top left."""
        rx, ry, child = ctypes.c_int(), ctypes.c_int(), ctypes.c_ulong()
        ok = _x11.XTranslateCoordinates(self.dpy, self.window, _x11.XDefaultRootWindow(self.dpy),
                                        int(x), int(y), ctypes.byref(rx), ctypes.byref(ry),
                                        ctypes.byref(child))
        assert ok, "the window is not on the X screen"
        return rx.value, ry.value

    def move(self, x: int, y: int) -> None:
        """Move the pointer to the window's pixel (x, y), counted from the window's top left."""
        rx, ry = self.root_xy(x, y)
        _xtst.XTestFakeMotionEvent(self.dpy, -1, rx, ry, 0)
        _x11.XSync(self.dpy, 0)

    def press(self, button: int = 1) -> None:
        _xtst.XTestFakeButtonEvent(self.dpy, button, 1, 0)
        _x11.XSync(self.dpy, 0)

    def release(self, button: int = 1) -> None:
        _xtst.XTestFakeButtonEvent(self.dpy, button, 0, 0)
        _x11.XSync(self.dpy, 0)

    def click(self, x: int, y: int, button: int = 1) -> None:
        """Move to the window's pixel (x, y), press and release there."""
        self.move(x, y)
        self.press(button)
        self.release(button)

    def request_close(self) -> None:
        """What a window manager sends on Alt+F4 or the close button: WM_DELETE_WINDOW."""
        ev = _XEvent()
        m = ev.xclient
        m.type = CLIENT_MESSAGE
        m.window = self.window
        m.message_type = _x11.XInternAtom(self.dpy, b"WM_PROTOCOLS", 0)
        m.format = 32
        m.data[0] = _x11.XInternAtom(self.dpy, b"WM_DELETE_WINDOW", 0)
        _x11.XSendEvent(self.dpy, self.window, 0, 0, ctypes.byref(ev))
        _x11.XSync(self.dpy, 0)

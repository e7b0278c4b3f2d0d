"""Decode ESC/POS byte streams back into text, pictures, QR payloads and styles.

The kiosk never sees its receipts: tests and the preview tool (``escpos_render``) need to know
what a job would print. This decoder understands the subset of ESC/POS that python-escpos 3.1
emits (text through ``ESC t`` code pages, ``set()`` styles, ``GS v 0`` / ``ESC *`` /
``GS ( L`` pictures, native QR through ``GS ( k``, hardware barcodes, cuts, feeds, buzzer,
drawer kick) plus the real-time status query ``DLE EOT n``. Anything else is kept, byte for
byte, in ``Decoded.unknown``; a command cut short by the end of the data lands there too.
Garbage never raises.

Vertical distances are in printer dots with one motion unit = one dot, as on the 203 dpi
Epson TM-T20II the kiosk profile targets.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from PIL import Image

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
NUL, BEL, HT, LF, VT, FF, CR = 0x00, 0x07, 0x09, 0x0A, 0x0B, 0x0C, 0x0D
EOT, ENQ = 0x04, 0x05
DPI = 203  # converts the inch-based line spacings python-escpos can send (ESC A, ESC +)

_ALIGN = {0: "left", 1: "center", 2: "right"}
_FONT = {0: "a", 1: "b", 2: "c", 97: "a", 98: "b"}  # 97/98: "special font A/B"
_QR_LEVEL = {48: "L", 49: "M", 50: "Q", 51: "H"}
_ESC_C = {0x30: "select_paper", 0x33: "paper_sensor_signal", 0x34: "paper_sensor_stop",
          0x35: "panel_buttons"}


@dataclass(frozen=True)
class Style:
    """Print modes in force when an op was decoded (what ``ESC @`` resets)."""

    align: str = "left"  # ESC a
    font: str = "a"  # ESC M, ESC ! bit 0
    bold: bool = False  # ESC E, ESC G, ESC ! bit 3
    underline: int = 0  # ESC -, ESC ! bit 7 (dots thick)
    width: int = 1  # GS ! / ESC ! bit 5: character width multiplier
    height: int = 1  # GS ! / ESC ! bit 4: character height multiplier
    invert: bool = False  # GS B: white on black
    upside_down: bool = False  # ESC {
    line_spacing: int | None = None  # dots; None = the printer's default (ESC 2)


# --- ops, in stream order ----------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str
    raw: bytes
    style: Style


@dataclass(frozen=True)
class LineFeed:
    style: Style


@dataclass(frozen=True)
class Feed:
    """ESC d n (lines) or ESC J n (dots): print the buffer, then move the paper."""

    style: Style
    lines: int = 0
    dots: int = 0


@dataclass(frozen=True)
class Setting:
    """A mode command as sent (``name`` as in ``Style`` or ``set()``), e.g. ("bold", True)."""

    name: str
    value: object


@dataclass(frozen=True)
class CodePage:
    slot: int
    name: str


@dataclass(frozen=True)
class QrCode:
    payload: str
    size: int  # module size in dots (GS ( k fn 67)
    error_level: str  # L, M, Q, H (fn 69)
    model: int  # 1, 2, or 3 for micro QR (fn 65)
    style: Style


@dataclass(frozen=True, eq=False)
class Picture:
    """A bit image; ``image`` is mode "1" with black where the printer burns a dot."""

    image: Image.Image
    scale_x: int  # how many dots each pixel covers (density modes)
    scale_y: int
    command: str  # "GS v 0", "ESC *" or "GS ( L"
    style: Style


@dataclass(frozen=True)
class Barcode:
    system: int  # GS k m
    data: bytes
    height: int  # GS h
    module_width: int  # GS w
    hri_position: int  # GS H: 0 none, 1 above, 2 below, 3 both
    style: Style


@dataclass(frozen=True)
class Cut:
    partial: bool
    feed_dots: int  # extra feed before cutting (GS V 65/66 n), 0 otherwise
    raw: bytes


@dataclass(frozen=True)
class StatusQuery:
    n: int  # DLE EOT n


@dataclass(frozen=True)
class Control:
    """Understood, but leaves no mark: init, buzzer, beep, drawer kick, panel buttons..."""

    name: str
    args: tuple[int, ...] = ()


@dataclass(frozen=True)
class Unknown:
    raw: bytes


Op = (Text | LineFeed | Feed | Setting | CodePage | QrCode | Picture | Barcode | Cut
      | StatusQuery | Control | Unknown)


@dataclass
class Decoded:
    """What a job prints. ``text`` holds every printed character with "\\n" for line ends
    (pictures, codes, feeds and cuts end a line but add no text); ``lines`` is ``text`` split
    and right-stripped; ``images`` are the pictures as sent (before density scaling, raster
    widths padded to whole bytes); ``unknown`` the raw bytes of every command not understood."""

    ops: list[Op] = field(default_factory=list)
    text: str = ""
    lines: list[str] = field(default_factory=list)
    qr_payloads: list[str] = field(default_factory=list)
    images: list[Image.Image] = field(default_factory=list)
    cuts: int = 0
    codepage_switches: list[int] = field(default_factory=list)
    status_queries: list[int] = field(default_factory=list)
    unknown: list[bytes] = field(default_factory=list)


# --- code pages --------------------------------------------------------------------------


def default_codepages() -> dict[int, str]:
    """Slot -> code page name of escpos-printer-db's "default" profile."""
    from escpos.capabilities import get_profile

    return _int_keys(get_profile("default").codePages)


def _int_keys(table: Mapping) -> dict[int, str]:
    # escpos-printer-db keys its slots by strings ("18": "CP852"); callers may use ints.
    out = {}
    for key, name in table.items():
        try:
            out[int(key)] = str(name)
        except (TypeError, ValueError):
            continue
    return out


def _table_decoder(name: str) -> Callable[[bytes], str]:
    """bytes -> str for a code page name as python-escpos spells it."""
    try:
        from escpos.capabilities import CAPABILITIES

        entry = CAPABILITIES["encodings"].get(name.upper(), {})
    except (ImportError, KeyError):  # python-escpos absent or its data changed: use codecs
        entry = {}
    for candidate in (entry.get("python_encode"), name.lower().replace("-", "_")):
        if not candidate:
            continue
        try:
            codec = codecs.lookup(candidate)
        except LookupError:
            continue
        return lambda raw: codec.decode(raw, "replace")[0]
    if "data" in entry:  # pages Python lacks (TCVN-3, Katakana...): escpos-printer-db's table
        high = "".join(entry["data"])
        return lambda raw: "".join(chr(b) if b < 128 else high[b - 128] for b in raw)
    # Unknown page: ASCII is the same everywhere; the upper half cannot be known.
    return lambda raw: "".join(chr(b) if b < 128 else "\ufffd" for b in raw)


# --- the decoder -------------------------------------------------------------------------


class _Truncated(Exception):
    pass


@dataclass
class _QrState:
    model: int = 2
    size: int = 3
    level: str = "L"
    data: bytes | None = None


@dataclass
class _BarcodeState:
    height: int = 162
    module_width: int = 3
    hri_position: int = 0


class _Decoder:
    def __init__(self, data: bytes, codepages: Mapping | None):
        self.data = bytes(data)
        self.pos = 0
        self.ops: list = []
        self.pages = _int_keys(codepages) if codepages is not None else default_codepages()
        self._decoders: dict[int, Callable[[bytes], str]] = {}
        self._reset()

    def _reset(self) -> None:
        self.style = Style()
        self.slot = 0
        self.qr = _QrState()
        self.barcode = _BarcodeState()
        self.graphics: Picture | None = None  # GS ( L stores, then prints on fn 50

    # byte access: every read goes through take(), which turns a short read into _Truncated
    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise _Truncated
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def word(self) -> int:
        lo, hi = self.take(2)
        return lo | hi << 8

    def emit(self, op) -> None:
        self.ops.append(op)

    def set_style(self, name: str, value) -> None:
        self.style = replace(self.style, **{name: value})
        self.emit(Setting(name, value))

    def run(self) -> list:
        while self.pos < len(self.data):
            start = self.pos
            try:
                self.step()
            except _Truncated:
                self.emit(Unknown(self.data[start:]))
                break
        return self.ops

    def step(self) -> None:
        b = self.data[self.pos]
        if b >= 0x20 or b == HT:
            self.text_run()
            return
        self.pos += 1
        if b == LF:
            self.emit(LineFeed(self.style))
        elif b == ESC:
            self.esc()
        elif b == GS:
            self.gs()
        elif b == DLE:
            self.dle()
        elif b == NUL:
            pass  # printers ignore NUL; python-escpos's HW_RESET ends with one
        elif b == CR:
            self.emit(Control("carriage_return"))  # ignored by a TM printer with auto-LF off
        elif b == BEL:
            self.emit(Control("beep"))  # python-escpos BEEP; not an Epson command
        elif b == FF:
            self.emit(Control("form_feed"))
        elif b == VT:
            self.emit(Control("vertical_tab"))
        else:
            self.emit(Unknown(bytes([b])))

    def text_run(self) -> None:
        # Printable bytes up to the next control code decode as one run, so multi-byte pages
        # such as CP932 decode correctly. Shift-JIS trail bytes are never below 0x40.
        end = self.pos
        while end < len(self.data) and (self.data[end] >= 0x20 or self.data[end] == HT):
            end += 1
        raw = self.take(end - self.pos)
        if self.slot not in self._decoders:
            self._decoders[self.slot] = _table_decoder(self.pages.get(self.slot, "Unknown"))
        self.emit(Text(self._decoders[self.slot](raw), raw, self.style))

    # --- ESC ------------------------------------------------------------------------------
    def esc(self) -> None:
        start = self.pos - 1
        c = self.byte()
        ch = chr(c)
        if ch == "@":
            self._reset()
            self.emit(Control("init"))
        elif ch == "t":
            self.slot = self.byte()
            self.emit(CodePage(self.slot, self.pages.get(self.slot, "Unknown")))
        elif ch == "a":
            n = self.byte()
            self.set_style("align", _ALIGN.get(n % 48, self.style.align))
        elif ch in "EG":  # emphasized / double-strike: both print as bold
            self.set_style("bold", bool(self.byte() & 1))
        elif ch == "-":
            self.set_style("underline", min(self.byte() % 48, 2))
        elif ch == "M":
            n = self.byte()
            self.set_style("font", _FONT.get(n if n >= 97 else n % 48, self.style.font))
        elif ch == "!":
            self.print_mode(self.byte())
        elif ch == "{":
            self.set_style("upside_down", bool(self.byte() & 1))
        elif ch == "2":
            self.set_style("line_spacing", None)
        elif ch == "3":
            self.set_style("line_spacing", self.byte())
        elif ch == "A":  # n/60 inch (python-escpos line_spacing(divisor=60))
            self.set_style("line_spacing", round(self.byte() * DPI / 60))
        elif ch == "+":  # n/360 inch (line_spacing(divisor=360))
            self.set_style("line_spacing", round(self.byte() * DPI / 360))
        elif ch == "r":
            self.emit(Setting("color", self.byte()))
        elif ch == "d":
            self.emit(Feed(self.style, lines=self.byte()))
        elif ch == "J":
            self.emit(Feed(self.style, dots=self.byte()))
        elif ch in "im":  # obsolete one-byte cuts (full / partial)
            self.emit(Cut(partial=ch == "m", feed_dots=0, raw=self.data[start:self.pos]))
        elif ch == "*":
            self.column_image()
        elif ch == "B":  # python-escpos buzzer(times, duration)
            self.emit(Control("buzzer", tuple(self.take(2))))
        elif ch == "p":
            self.emit(Control("cash_drawer", tuple(self.take(3))))
        elif ch == "c":  # ESC c 5 n panel buttons (n=1 disables); ESC c 0 n paper roll/slip
            sub, n = self.take(2)
            self.emit(Control(_ESC_C.get(sub, "esc_c"), (sub, n) if sub not in _ESC_C else (n,)))
        elif ch == "=":
            self.emit(Control("select_peripheral", (self.byte(),)))
        elif ch == "K":  # python-escpos SLIP_EJECT
            self.emit(Control("slip_eject", (self.byte(),)))
        elif ch == "D":  # tab stops, NUL-terminated
            stops = self.until_nul()
            self.emit(Control("tab_stops", tuple(stops)))
        else:
            # Known lengths of commands we do not interpret, so that the bytes after them are
            # not misread as text.
            extra = {"?": 1, "R": 1, " ": 1, "$": 2, "V": 1, "U": 1, "T": 1, "W": 8, "%": 1,
                     "e": 1, "L": 0, "S": 0, "\\": 2, "F": 0, "f": 2}.get(ch, 0)
            self.take(extra)
            self.emit(Unknown(self.data[start:self.pos]))

    def print_mode(self, n: int) -> None:
        # ESC ! sets font, emphasis, size and underline at once; python-escpos set() sends
        # ESC ! 0 for "normal size", which therefore also clears bold and underline.
        self.style = replace(self.style, font="b" if n & 1 else "a", bold=bool(n & 8),
                             height=2 if n & 16 else 1, width=2 if n & 32 else 1,
                             underline=1 if n & 128 else 0)
        self.emit(Setting("print_mode", n))

    def until_nul(self) -> bytes:
        end = self.data.find(b"\x00", self.pos)
        if end < 0:
            raise _Truncated
        out = self.take(end - self.pos)
        self.pos += 1
        return out

    def column_image(self) -> None:
        # python-escpos sends one "ESC * m nL nH data LF" per 8- or 24-dot stripe; consecutive
        # stripes of one picture are joined back into a single image.
        stripes = []
        m = self.byte()
        while True:
            columns = self.word()
            rows = 24 if m & 32 else 8
            raw = self.take(columns * rows // 8)
            # stored column by column, top bit first: read each column as a row, then
            # transpose back to a row-major picture
            stripe = Image.frombytes("1", (rows, columns), bytes(255 - b for b in raw))
            stripes.append(stripe.transpose(Image.Transpose.TRANSPOSE))
            if self.data[self.pos:self.pos + 1] == b"\n":
                self.pos += 1  # the stripe's own line feed
                if self.data[self.pos:self.pos + 3] == bytes([ESC, 0x2A, m]):
                    self.pos += 3
                    continue
            break
        width = max(s.width for s in stripes)
        image = Image.new("1", (width, sum(s.height for s in stripes)), 1)
        y = 0
        for s in stripes:
            image.paste(s, (0, y))
            y += s.height
        # single density doubles each column; 8-dot mode prints each dot three dots tall
        self.emit(Picture(image, 1 if m & 1 else 2, 1 if m & 32 else 3, "ESC *", self.style))

    # --- GS -------------------------------------------------------------------------------
    def gs(self) -> None:
        start = self.pos - 1
        ch = chr(self.byte())
        if ch == "!":
            n = self.byte()
            self.style = replace(self.style, width=(n >> 4 & 7) + 1, height=(n & 7) + 1)
            self.emit(Setting("size", n))
        elif ch == "B":
            self.set_style("invert", bool(self.byte() & 1))
        elif ch == "b":
            self.emit(Setting("smooth", bool(self.byte() & 1)))
        elif ch == "|":
            self.emit(Setting("density", self.byte()))
        elif ch == "V":
            self.cut(start)
        elif ch == "v":
            if self.byte() != 0x30:  # only "GS v 0" exists
                self.emit(Unknown(self.data[start:self.pos]))
                return
            self.raster_image()
        elif ch == "(":
            fn = chr(self.byte())
            length = self.word()
            body = self.take(length)
            if fn == "k":
                self.two_d_code(body, self.data[start:self.pos])
            elif fn == "L":
                self.graphics_cmd(body, self.data[start:self.pos])
            else:
                self.emit(Unknown(self.data[start:self.pos]))
        elif ch == "8":  # GS 8 L: GS ( L with a 4-byte length, for large graphics
            fn = chr(self.byte())
            length = int.from_bytes(self.take(4), "little")
            body = self.take(length)
            if fn == "L":
                self.graphics_cmd(body, self.data[start:self.pos])
            else:
                self.emit(Unknown(self.data[start:self.pos]))
        elif ch == "k":
            self.hw_barcode()
        elif ch in "hwHf":
            n = self.byte()
            if ch == "h":
                self.barcode.height = n
            elif ch == "w":
                self.barcode.module_width = n
            elif ch == "H":
                self.barcode.hri_position = n % 48
            name = {"h": "barcode_height", "w": "barcode_width", "H": "barcode_hri",
                    "f": "barcode_font"}[ch]
            self.emit(Setting(name, n))
        elif ch == "r":  # transmit status: answered by the printer like DLE EOT
            self.emit(Control("transmit_status", (self.byte(),)))
        else:
            extra = {"L": 2, "W": 2, "P": 2, "a": 1, "I": 1, "$": 2, "\\": 2, "^": 3,
                     "C": 0}.get(ch, 0)
            self.take(extra)
            self.emit(Unknown(self.data[start:self.pos]))

    def cut(self, start: int) -> None:
        m = self.byte()
        if m in (0, 1, 48, 49):
            feed = 0
        elif m in (65, 66, 97, 98, 103, 104):  # function B (and C/D): GS V m n
            feed = self.byte()
        else:
            self.emit(Unknown(self.data[start:self.pos]))
            return
        # full: 0/48, 65, 97, 103; partial: 1/49, 66, 98, 104
        partial = bool(m & 1) if m < 65 else not m & 1
        self.emit(Cut(partial=partial, feed_dots=feed, raw=self.data[start:self.pos]))

    def raster_image(self) -> None:
        m = self.byte()
        width_bytes = self.word()
        height = self.word()
        raw = self.take(width_bytes * height)
        image = _bits_to_image(raw, width_bytes * 8, height)
        m %= 48  # 0 normal, 1 double width, 2 double height, 3 quadruple
        self.emit(Picture(image, 2 if m & 1 else 1, 2 if m & 2 else 1, "GS v 0", self.style))

    def two_d_code(self, body: bytes, raw: bytes) -> None:
        if len(body) < 2 or body[0] != 49:  # cn 49 = QR; PDF417 etc. are not decoded
            self.emit(Unknown(raw))
            return
        fn, args = body[1], body[2:]
        if fn == 65 and args:
            self.qr.model = args[0] - 48
            self.emit(Setting("qr_model", self.qr.model))
        elif fn == 67 and args:
            self.qr.size = args[0]
            self.emit(Setting("qr_size", args[0]))
        elif fn == 69 and args:
            self.qr.level = _QR_LEVEL.get(args[0], self.qr.level)
            self.emit(Setting("qr_error_level", self.qr.level))
        elif fn == 80 and args:
            self.qr.data = args[1:]  # args[0] is m = 48
            self.emit(Control("qr_store", (len(self.qr.data),)))
        elif fn == 81:
            if self.qr.data is None:
                self.emit(Unknown(raw))  # print with nothing stored: the printer prints nothing
                return
            payload = self.qr.data.decode("utf-8", "replace")  # python-escpos stores UTF-8
            self.emit(QrCode(payload, self.qr.size, self.qr.level, self.qr.model, self.style))
        else:
            self.emit(Unknown(raw))

    def graphics_cmd(self, body: bytes, raw: bytes) -> None:
        # m fn [...]: fn 112 stores a raster into the print buffer, fn 50 prints it
        if len(body) >= 2 and body[1] == 50:
            if self.graphics is None:
                self.emit(Unknown(raw))
            else:
                self.emit(replace(self.graphics, style=self.style))
                self.graphics = None
            return
        if len(body) >= 10 and body[1] == 112 and body[5] == 49:  # monochrome store
            bx, by = body[3], body[4]
            width = body[6] | body[7] << 8
            height = body[8] | body[9] << 8
            data = body[10:]
            if len(data) >= (width + 7) // 8 * height:
                image = _bits_to_image(data, (width + 7) // 8 * 8, height).crop((0, 0, width,
                                                                                height))
                self.graphics = Picture(image, bx, by, "GS ( L", self.style)
                self.emit(Control("graphics_store", (width, height)))
                return
        self.emit(Unknown(raw))

    def hw_barcode(self) -> None:
        m = self.byte()
        if m <= 6:  # function A: data up to NUL
            data = self.until_nul()
        elif 65 <= m <= 78:  # function B: length byte, then data
            data = self.take(self.byte())
        else:
            self.emit(Unknown(bytes([GS, ord("k"), m])))
            return
        b = self.barcode
        self.emit(Barcode(m, data, b.height, b.module_width, b.hri_position, self.style))

    # --- DLE (real-time) ------------------------------------------------------------------
    def dle(self) -> None:
        start = self.pos - 1
        c = self.byte()
        if c == EOT:
            n = self.byte()
            if 1 <= n <= 4:
                self.emit(StatusQuery(n))
                return
            if n in (7, 8):  # DLE EOT 7 a / DLE EOT 8 a: ink / paper-layout status
                self.take(1)
        elif c == ENQ:
            self.take(1)
        self.emit(Unknown(self.data[start:self.pos]))


def _bits_to_image(raw: bytes, width: int, height: int) -> Image.Image:
    # ESC/POS bit 1 = burn a dot (black); PIL's "1" mode uses 1 = white, hence the inversion
    return Image.frombytes("1", (width, height), bytes(255 - b for b in raw))


# --- public entry point ------------------------------------------------------------------


def decode(data: bytes, codepages: Mapping[int, str] | Mapping[str, str] | None = None) -> Decoded:
    """Decode an ESC/POS job. ``codepages`` maps ESC t slots to names (default: profile
    "default" of escpos-printer-db, which TM-T20II shares for the pages the kiosk uses)."""
    ops = _Decoder(data, codepages).run()
    out = Decoded(ops=ops)
    parts: list[str] = []

    def boundary() -> None:
        # A picture, code, feed or cut ends the current text line but adds no text.
        if parts and not parts[-1].endswith("\n"):
            parts.append("\n")

    for op in ops:
        if isinstance(op, Text):
            parts.append(op.text)
        elif isinstance(op, LineFeed):
            parts.append("\n")
        elif isinstance(op, (Picture, QrCode, Barcode, Feed, Cut)):
            boundary()
            if isinstance(op, Picture):
                out.images.append(op.image)
            elif isinstance(op, QrCode):
                out.qr_payloads.append(op.payload)
            elif isinstance(op, Cut):
                out.cuts += 1
        elif isinstance(op, CodePage):
            out.codepage_switches.append(op.slot)
        elif isinstance(op, StatusQuery):
            out.status_queries.append(op.n)
        elif isinstance(op, Unknown):
            out.unknown.append(op.raw)
    out.text = "".join(parts)
    body = out.text.removesuffix("\n")
    out.lines = [line.rstrip() for line in body.split("\n")] if out.text else []
    return out

"""The ESC/POS test tools: decoder, receipt renderer and loopback printer, driven by the bytes
python-escpos really produces."""

from __future__ import annotations

import random
import time

import pytest
import qrcode
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Dummy, Network
from PIL import Image, ImageChops, ImageDraw

from printer.escpos_decode import Cut, Picture, QrCode, Text, decode
from printer.escpos_render import FONTS_DIR, render, render_png
from tests.printer_peer import STATUS, LoopbackPrinter, status_byte

POLISH = "Zażółć gęślą jaźń ZAŻÓŁĆ GĘŚLĄ JAŹŃ"
UKRAINIAN = "Ґґ Єє Іі Її Щасливої дороги"
URL = "https://example.org/x"
TIMEOUT = 0.5


def dummy() -> Dummy:
    p = Dummy(profile="TM-T20II")
    p.hw("INIT")
    return p


def picture(width: int = 64, height: int = 40) -> Image.Image:
    """A black-and-white test picture with an asymmetric pattern (mode "1", black = 0)."""
    im = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, width // 2, 3), fill=0)
    draw.ellipse((width // 4, height // 4, width - 3, height - 3), fill=0)
    draw.point((width - 1, height - 1), fill=0)
    return im


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    diff = ImageChops.difference(a.convert("L"), b.convert("L")) if a.size == b.size else None
    return diff is not None and diff.getbbox() is None


# --- decoder ---------------------------------------------------------------------------


def test_polish_text_in_cp852_decodes_back_exactly():
    p = dummy()
    p.charcode("CP852")
    p.textln(POLISH)
    d = decode(p.output)
    assert p.output.startswith(b"\x1b@\x1bt\x12")  # ESC @, then ESC t 18 (CP852 on TM-T20II)
    assert b"?" not in p.output
    assert d.text == POLISH + "\n"
    assert d.lines == [POLISH]
    assert d.codepage_switches == [18]
    assert d.unknown == []


def test_ukrainian_text_in_cp1251_decodes_back_exactly():
    p = dummy()
    p.charcode("CP1251")
    p.textln(UKRAINIAN)
    d = decode(p.output)
    assert d.text == UKRAINIAN + "\n"
    assert d.codepage_switches == [46]


def test_automatic_code_page_switches_mid_line_decode_back():
    p = dummy()
    p.textln(f"{POLISH} / {UKRAINIAN}")
    d = decode(p.output)
    assert d.lines == [f"{POLISH} / {UKRAINIAN}"]
    assert len(d.codepage_switches) >= 2


def test_codepages_argument_accepts_int_or_string_slots():
    data = b"\x1bt\x07\xa5\xb4\n"
    assert decode(data, {7: "CP1251"}).text == "Ґґ\n"
    assert decode(data, {"7": "CP1251"}).text == "Ґґ\n"
    assert decode(b"\x1bt\x07\xa9\n", {7: "ISO_8859-2"}).text == "Š\n"


def test_init_resets_the_code_page_and_styles():
    d = decode(b"\x1bt\x12\x1bE\x01\xa5\x1b@\xa5\n")
    first, second = [op for op in d.ops if isinstance(op, Text)]
    assert (first.text, first.style.bold) == ("ą", True)
    assert (second.text, second.style.bold) == ("Ñ", False)  # CP437 again


def test_set_styles_are_carried_by_the_text_ops():
    p = dummy()
    p.set(bold=True, double_height=True, align="center")
    p.textln("BIG")
    p.set(font="b", underline=2, invert=True, align="right")
    p.textln("small")
    p.set_with_default()
    p.set(custom_size=True, width=3, height=4)
    p.textln("huge")
    p.set_with_default()
    p.textln("plain")
    # python-escpos sends "normal size" twice before the real size (TXT_NORMAL + size entry),
    # and its first text of a job selects a code page (ESC t 0) even when none was asked for
    assert b"\x1b!\x00\x1b!\x00\x1b!\x10\x1bE\x01\x1ba\x01\x1bt\x00BIG\n" in p.output
    texts = {op.text: op.style for op in decode(p.output).ops if isinstance(op, Text)}
    big, small, huge, plain = texts["BIG"], texts["small"], texts["huge"], texts["plain"]
    assert (big.bold, big.height, big.width, big.align) == (True, 2, 1, "center")
    assert (small.font, small.underline, small.invert, small.align) == ("b", 2, True, "right")
    assert (small.bold, small.height) == (True, 2)  # set() only sends what it is given
    assert (huge.width, huge.height) == (3, 4)
    assert (plain.bold, plain.width, plain.height, plain.font, plain.underline,
            plain.invert, plain.align) == (False, 1, 1, "a", 0, False, "left")


def test_line_spacing_feed_buzzer_and_control_lf():
    p = dummy()
    p.line_spacing(50)
    p.textln("a")
    p.line_spacing()
    p.control("LF")
    p.print_and_feed(3)
    p.buzzer(3, 2)
    d = decode(p.output)
    a = next(op for op in d.ops if isinstance(op, Text))
    assert a.style.line_spacing == 50
    assert d.text == "a\n\n"
    assert [(op.name, op.args) for op in d.ops if type(op).__name__ == "Control"][-1] == \
        ("buzzer", (3, 2))
    assert any(type(op).__name__ == "Feed" and op.lines == 3 for op in d.ops)


def test_native_qr_payload_size_and_level():
    p = dummy()
    p.textln("before")
    p.qr(URL, native=True, size=6, ec=3)
    p.textln("after")
    d = decode(p.output)
    assert d.qr_payloads == [URL]
    qr = next(op for op in d.ops if isinstance(op, QrCode))
    assert (qr.size, qr.error_level, qr.model) == (6, "H", 2)
    assert d.lines == ["before", "after"]  # the symbol is a line boundary, not text
    assert d.unknown == []


def test_raster_image_decodes_pixel_for_pixel():
    im = picture(64, 40)
    p = dummy()
    p.textln("logo:")
    p.image(im)
    p.textln("end")
    d = decode(p.output)
    assert len(d.images) == 1
    assert same_pixels(d.images[0], im)
    assert d.lines == ["logo:", "end"]


def test_raster_image_width_is_padded_to_whole_bytes_and_density_is_kept():
    im = picture(61, 10)
    p = dummy()
    p.image(im, high_density_horizontal=False, high_density_vertical=False)
    (op,) = [op for op in decode(p.output).ops if isinstance(op, Picture)]
    assert op.image.size == (64, 10)
    assert same_pixels(op.image.crop((0, 0, 61, 10)), im)
    assert (op.scale_x, op.scale_y) == (2, 2)


@pytest.mark.parametrize("impl", ["bitImageColumn", "graphics"])
def test_other_image_commands_decode_to_the_same_pixels(impl):
    im = picture(64, 40)
    p = dummy()
    p.image(im, impl=impl)
    d = decode(p.output)
    assert d.unknown == []
    (decoded,) = d.images
    # column mode prints whole 24-dot stripes: the picture is padded at the bottom
    assert same_pixels(decoded.crop((0, 0, 64, 40)), im)
    assert decoded.crop((0, 40, 64, decoded.height)).convert("L").getextrema() in ((255, 255), None)


def test_cuts_in_all_python_escpos_forms():
    p = dummy()
    p.textln("x")
    p.cut()
    p.cut(mode="PART")
    p.cut(feed=False)
    d = decode(p.output)
    assert p.output.endswith(b"\x1bd\x06\x1dV\x00\x1bd\x06\x1dV\x01\x1dVB\x00")
    assert d.cuts == 3
    assert [op.partial for op in d.ops if isinstance(op, Cut)] == [False, True, True]
    assert decode(b"\x1dVA\x10\x1dV0\x1dV1").cuts == 3


def test_status_queries_and_truncated_or_garbage_input():
    d = decode(b"\x10\x04\x01ok\n\x10\x04\x04\x1d(k\x10\x00")
    assert d.status_queries == [1, 4]
    assert d.text == "ok\n"
    assert d.unknown == [b"\x1d(k\x10\x00"]  # a command cut short by the end of the data
    assert decode(b"abc\x1b").unknown == [b"\x1b"]
    short_image = b"\x1dv0\x00\x10\x00\x10\x00\xff"  # 16x16 announced, 1 byte sent
    assert decode(short_image).unknown == [short_image]
    rng = random.Random(7)
    for _ in range(300):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
        decode(data)  # never raises
        render(data, paper_px=384)


# --- renderer --------------------------------------------------------------------------


def black_rows(im: Image.Image) -> list[int]:
    width = im.width
    px = im.load()
    return [y for y in range(im.height) if any(px[x, y] < 128 for x in range(width))]


def test_fonts_are_bundled_with_their_license():
    for name in ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSans.ttf",
                 "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt"):
        assert (FONTS_DIR / name).is_file()


def test_render_text_font_a_fills_48_columns_on_576_dots():
    p = dummy()
    p.textln("X" * 48)
    one = render(p.output)
    p = dummy()
    p.textln("X" * 49)  # one character too many: the printer wraps to a second line
    two = render(p.output)
    assert one.width == 576 and one.mode in ("L", "1")
    box = one.point(lambda v: 255 - v).getbbox()
    assert box[0] < 12 and box[2] > 576 - 12  # the text spans the whole printable width
    assert two.height - one.height == 30  # one more line at the default line spacing
    p = dummy()
    p.textln("X" * 32)
    box = render(p.output, paper_px=384).point(lambda v: 255 - v).getbbox()
    assert box[2] > 384 - 12


def test_render_styles_change_the_ink():
    def ink(**style) -> tuple[int, int, int]:
        p = dummy()
        p.set(**style)
        p.textln("Zażółć")
        im = render(p.output)
        box = im.point(lambda v: 255 - v).getbbox()
        black = im.histogram()[0]
        return box[2] - box[0], box[3] - box[1], black

    plain, bold, wide, tall = ink(), ink(bold=True), ink(double_width=True), ink(
        double_height=True)
    assert bold[2] > plain[2]
    assert wide[0] > 1.8 * plain[0] and wide[1] == plain[1]
    assert tall[1] > 1.8 * plain[1] and tall[0] == plain[0]
    centered = dummy()
    centered.set(align="center")
    centered.textln("ab")
    box = render(centered.output).point(lambda v: 255 - v).getbbox()
    assert abs((box[0] + box[2]) / 2 - 288) < 12
    inverted = dummy()
    inverted.set(invert=True)
    inverted.textln("     ")  # spaces print as solid black cells
    assert render(inverted.output).histogram()[0] >= 5 * 12 * 24


def test_render_polish_and_ukrainian_letters_are_drawn():
    p = dummy()
    p.charcode("CP852")
    p.textln("ŻÓŁĆ")
    p.charcode("CP1251")
    p.textln("ҐЇЩ")
    im = render(p.output)
    assert len(black_rows(im)) > 30  # two lines of glyphs, not empty boxes or nothing
    # a letter with its accent is taller than the bare letter
    assert _ink_height("Ż") > _ink_height("Z")


def _ink_height(text: str) -> int:
    p = dummy()
    p.charcode("CP852")
    p.textln(text)
    box = render(p.output).point(lambda v: 255 - v).getbbox()
    return box[3] - box[1]


def test_render_qr_is_drawn_at_the_module_size_and_alignment():
    p = dummy()
    p.set(align="center")
    p.qr(URL, native=True, size=6)
    im = render(p.output)
    code = qrcode.QRCode(border=0)
    code.add_data(URL)
    code.make(fit=True)
    side = len(code.get_matrix()) * 6
    box = im.point(lambda v: 255 - v).getbbox()
    assert (box[2] - box[0], box[3] - box[1]) == (side, side)
    assert box[0] == (576 - side) // 2
    # top-left finder pattern: a solid 7-module ring around white around a 3-module core
    px = im.load()
    x0, y0 = box[0], box[1]
    assert px[x0 + 3, y0 + 3] == 0 and px[x0 + 9, y0 + 9] == 255 and px[x0 + 21, y0 + 21] == 0


def test_render_images_cut_and_feed(tmp_path):
    p = dummy()
    p.image(picture(64, 40))
    p.cut()
    path = render_png(p.output, tmp_path / "r.png", paper_px=384)
    im = Image.open(path)
    assert im.width == 384
    assert same_pixels(im.crop((0, 16, 64, 56)), picture(64, 40))
    rows = black_rows(im)
    cut_row = rows[-1]
    assert cut_row > 56 + 6 * 30  # ESC d 6 fed six lines before the cut
    dashes = [im.getpixel((x, cut_row)) for x in range(384)]
    assert 0 in dashes and 255 in dashes  # a dashed line, not a solid one


# --- loopback printer with python-escpos Network ---------------------------------------


def network(peer: LoopbackPrinter, timeout: float = TIMEOUT) -> Network:
    p = Network(peer.host, peer.port, timeout=timeout, profile="TM-T20II")
    p.open()
    return p


@pytest.mark.parametrize("scenario", sorted(STATUS))
def test_status_bytes_per_scenario(scenario):
    with LoopbackPrinter(scenario) as peer:
        p = network(peer)
        answers = [p.query_status(bytes([0x10, 0x04, n])) for n in (1, 2, 3, 4)]
        p.close()
    assert answers == [bytes([status_byte(scenario, n)]) for n in (1, 2, 3, 4)]
    assert peer.queries == [1, 2, 3, 4]


def test_status_bytes_match_the_epson_bits():
    assert [status_byte("ready", n) for n in (1, 2, 3, 4)] == [0x12] * 4
    assert status_byte("paper_near_end", 4) == 0x1E
    assert status_byte("paper_out", 4) == 0x7E and status_byte("paper_out", 2) == 0x32
    assert status_byte("cover_open", 1) == 0x1A and status_byte("cover_open", 2) == 0x16
    assert status_byte("error", 3) == 0x32
    assert status_byte("ready", 4, near_end=True) == 0x1E


def test_python_escpos_reading_of_the_scenarios():
    with LoopbackPrinter("ready") as peer:
        p = network(peer)
        assert p.is_online() and p.paper_status() == 2
        peer.scenario = "paper_near_end"  # changed while the printer is running
        assert p.paper_status() == 1
        peer.scenario = "paper_out"
        assert p.paper_status() == 0 and not p.is_online()
        peer.scenario = "cover_open"
        assert not p.is_online()
        p.close()


def test_silent_printer_times_out():
    with LoopbackPrinter("silent") as peer:
        p = network(peer, timeout=0.2)
        p.textln("still accepts bytes")
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            p.query_status(b"\x10\x04\x01")
        assert time.monotonic() - started < 1.0
        p.close()
        (job,) = peer.wait_for_jobs(1)
    assert b"still accepts bytes" in job


def test_slow_printer_answers_late():
    with LoopbackPrinter("slow", delay=0.3) as peer:
        p = network(peer, timeout=0.1)
        with pytest.raises(TimeoutError):
            p.query_status(b"\x10\x04\x04")
        p.close()
        p = network(peer, timeout=1.0)
        started = time.monotonic()
        assert p.query_status(b"\x10\x04\x04") == b"\x12"
        assert time.monotonic() - started >= 0.25
        p.close()


def test_refused_connection():
    with LoopbackPrinter("refuse") as peer, pytest.raises(DeviceNotFoundError):
        Network(peer.host, peer.port, timeout=TIMEOUT).open()


def test_dropped_connection_fails_the_client_mid_job():
    with LoopbackPrinter("drop", drop_after=100) as peer:
        p = network(peer)
        with pytest.raises(OSError):
            for i in range(500):  # about 20 kB, sent line by line like a real job
                p.textln(f"line {i:03d} " + "x" * 30)
                time.sleep(0.002)
        p.close()
        (job,) = peer.wait_for_jobs(1)
    assert len(job) == 100


def test_job_round_trip_through_the_network():
    with LoopbackPrinter("ready") as peer:
        p = network(peer)
        assert p.query_status(b"\x10\x04\x01") == b"\x12"
        p.charcode("CP852")
        p.set(bold=True, double_height=True, align="center")
        p.textln(POLISH)
        p.set_with_default()
        p.charcode("CP1251")
        p.textln(UKRAINIAN)
        p.qr(URL, native=True, size=6)
        p.image(picture(64, 40))
        assert p.query_status(b"\x10\x04\x04") == b"\x12"
        p.cut()
        p.close()
        p = network(peer)  # a second job on a new connection
        p.textln("second")
        p.close()
        jobs = peer.wait_for_jobs(2)
    assert len(jobs) == 2
    first = decode(peer.print_jobs[0])
    assert first.lines == [POLISH, UKRAINIAN]
    assert first.qr_payloads == [URL]
    assert same_pixels(first.images[0], picture(64, 40))
    assert first.cuts == 1 and first.status_queries == [] and first.unknown == []
    assert decode(jobs[0]).status_queries == [1, 4]
    assert decode(peer.received_print_bytes).lines[-1] == "second"
    assert peer.received == b"".join(jobs)

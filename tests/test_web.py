"""The live queue site (kiosk.web): the front page, a ticket's page by its token, the three
languages, the server-sent events, contrast, and that nothing can change the queue or show
personal data. Over a real PostgreSQL queue (the hall's), through Starlette's test client; the
page in a real browser is tests/test_web_browser.py."""

from __future__ import annotations

import datetime as dt
import re
import string
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from kiosk.contrast import contrast_ratio, hex_rgb
from kiosk.web.app import CSS, create_app
from kiosk.web.texts import LANGS, TEXTS, choose_language
from tests.queue_support import MONDAY, OFFICE, Clock, StaticContent, at, category, service

KIOSK_ID = "hall-kiosk-7"


@pytest.fixture
def clock():
    return Clock(at(MONDAY, 10))


@pytest.fixture
def svc(pg_url, clock):
    s = service(pg_url, clock=clock, kiosk_id=KIOSK_ID)
    yield s
    s.close()


def _history(svc, clock, n=3, minutes=6):
    """`n` served tickets of A, `minutes` each: enough for an estimate."""
    for _ in range(n):
        svc.issue("A")
        svc.call_next(9, ["A"])
        clock.advance(minutes=minutes)
        svc.served(9)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_front_page_shows_waiting_last_calls_desks_estimates_and_hours(svc, clock):
    _history(svc, clock)
    for _ in range(4):
        svc.issue("A")
    svc.issue("B")
    svc.call_next(3, ["A"])
    svc.call_next(1, ["A"])
    client = TestClient(create_app(svc, office="Urząd Miasta"))
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = _text(r.text)
    a = _text(re.search(r'<li class="cat" id="cat-A">.*?</li>\s*(?=<li class="cat"|</ul>)',
                        r.text, re.S).group(0))
    assert "Sprawy A" in a and "Czeka 2" in a
    # Newest first, each with its desk; A003 was called at desk 9 earlier and served.
    assert re.search(r"A005 stanowisko 1 A004 stanowisko 3 A003 stanowisko 9", a)
    assert re.search(r"Przewidywane czekanie: \d+–\d+ min", a)
    assert "Dziś: 00:00–23:59" in a and "Bilety do 23:59" in a
    b = _text(re.search(r'id="cat-B">.*?</li>\s*(?=<li class="cat"|</ul>)', r.text,
                        re.S).group(0))
    assert "Czeka 1" in b and "Dziś jeszcze nikt nie został wywołany" in b
    assert "Czasu czekania jeszcze nie umiemy ocenić" in b
    assert "Urząd Miasta" in page and '<html lang="pl">' in r.text
    # The fallback without JavaScript, and the stream the script follows.
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in r.text
    assert re.search(r'data-events="/events\?lang=pl&amp;v=\d+"', r.text)


def test_three_languages_by_query_and_by_accept_language(svc):
    svc.issue("A")
    svc.call_next(3)
    client = TestClient(create_app(svc))
    en = client.get("/?lang=en").text
    assert '<html lang="en">' in en and "Waiting" in en and "desk 3" in en
    uk = client.get("/", headers={"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"}).text
    assert '<html lang="uk">' in uk and "Очікують" in uk and "вікно 3" in uk
    pl = client.get("/?lang=pl", headers={"Accept-Language": "uk"}).text
    assert '<html lang="pl">' in pl and "stanowisko 3" in pl
    assert choose_language(None, "de-DE, en;q=0.7, uk;q=0.8") == "uk"
    assert choose_language(None, "ru, de") == "pl"
    assert choose_language("xx", "en") == "en"
    assert choose_language(None, "en;q=0, uk;q=bad") == "pl"
    # Each language links to the others, on the same page.
    assert all(f'href="/?lang={x}"' in en for x in LANGS)


def test_every_text_has_three_languages_with_the_same_placeholders():
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGS) and all(texts.values()), key
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(t) if f}
                  for lang, t in texts.items()}
        assert fields["en"] == fields["pl"] == fields["uk"], key


def test_a_ticket_page_follows_its_ticket_by_token_only(svc, clock):
    svc.issue("A")
    mine = svc.issue("A")
    assert mine.token and len(mine.token) >= 22
    client = TestClient(create_app(svc))
    page = _text(client.get(f"/t/{mine.token}").text)
    assert "A002" in page and "Czekasz w kolejce" in page and "Przed Tobą 1" in page
    assert "Twój bilet" in page
    svc.call_next(2)
    assert "Przed Tobą 0" in _text(client.get(f"/t/{mine.token}").text)
    svc.call_next(3)
    page = _text(client.get(f"/t/{mine.token}?lang=en").text)
    assert "Please go to desk 3" in page and "People ahead" not in page
    svc.served(3)
    assert "Обслуговано" in client.get(f"/t/{mine.token}?lang=uk").text
    # A ticket of an earlier day, or one that did not come, is no longer valid.
    later = svc.issue("B")
    clock.advance(days=1)
    assert "Ten bilet jest już nieważny" in client.get(f"/t/{later.token}").text


def test_tickets_followed_together_read_as_each_alone(svc, clock):
    """Hundreds of phones on their ticket pages are read in one go per change of the queue
    (kiosk.web.app.FollowedTickets): each must see exactly what its page alone would say."""
    from kiosk.web.views import read_ticket, read_tickets

    _history(svc, clock)
    walk_ins = [svc.issue("A") for _ in range(3)]
    urgent = svc.issue("A", priority=True)
    other = svc.issue("B")
    svc.call_next(4, ["B"])
    served = svc.issue("C")
    svc.call_next(5, ["C"])
    svc.served(5)
    tokens = [t.token for t in (*walk_ins, urgent, other, served)]
    together = read_tickets(svc, [*tokens, "no-such-token-at-all-x"])
    assert together == {token: read_ticket(svc, token) for token in tokens}
    assert [together[t.token].people_ahead for t in walk_ins] == [0, 1, 2]
    assert together[walk_ins[0].token].estimate is not None
    assert (together[other.token].state, together[other.token].desk) == ("called", 4)
    assert together[served.token].state == "served"


def test_wrong_tokens_and_codes_are_404_and_tokens_are_unguessable(svc):
    t = svc.issue("A")
    client = TestClient(create_app(svc))
    for path in ("/t/A001", f"/t/{t.token[:-1]}x", "/t/" + "a" * 22, "/t/%2e%2e",
                 f"/t/{t.token}%00", f"/t/{t.token}/../A001", "/t/1"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "A001" not in r.text and "Nie ma takiego biletu" in r.text
    assert client.get("/t/A001/events").status_code == 404
    tokens = {svc.issue("A").token for _ in range(20)} | {t.token}
    assert len(tokens) == 21
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22,}", x) for x in tokens)


def test_no_personal_data_no_tokens_and_nothing_changes_the_queue(svc):
    tickets = [svc.issue("A") for _ in range(3)]
    svc.call_next(4)
    before = svc.status()
    client = TestClient(create_app(svc))
    paths = ["/", "/events", f"/t/{tickets[1].token}", f"/t/{tickets[1].token}/events",
             "/static/web.css", "/static/live.js"]
    for path in paths:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            assert client.request(method, path).status_code == 405, (method, path)
    assert client.head("/").status_code == 200
    assert client.get("/desk/call").status_code == 404
    front = client.get("/").text
    # No kiosk, no ticket id, no token of any ticket: a page that lists tickets by their
    # token would let anyone follow anyone.
    assert KIOSK_ID not in front and all(t.token not in front for t in tickets)
    mine = client.get(f"/t/{tickets[1].token}")
    assert KIOSK_ID not in mine.text
    assert all(t.token not in mine.text for t in tickets if t is not tickets[1])
    assert mine.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in mine.headers["content-security-policy"]
    after = svc.status()
    assert [(c.letter, c.waiting, c.called, c.issued) for c in before.categories] == \
        [(c.letter, c.waiting, c.called, c.issued) for c in after.categories]


def test_a_holiday_and_shorter_hours_are_said(pg_url):
    content = StaticContent(category("A", hours=OFFICE), category("B", hours=OFFICE))
    holiday = Clock(at(dt.date(2026, 11, 11), 10))  # Wednesday, Independence Day
    svc = service(pg_url, content=content, clock=holiday)
    try:
        page = _text(TestClient(create_app(svc)).get("/").text)
        assert "Narodowe Święto Niepodległości" in page
        assert "Dziś nie wydajemy biletów" in page and "Dziś: 08:00" not in page
        holiday.set(at(MONDAY, 7))
        page = _text(TestClient(create_app(svc)).get("/?lang=en").text)
        assert "Today: 08:00–15:30" in page and "Tickets from 08:00" in page
    finally:
        svc.close()


def _events(body: str) -> list[tuple[str, str]]:
    out = []
    for block in body.split("\n\n"):
        kind = re.search(r"^event: (\w+)$", block, re.M)
        if kind:
            data = "\n".join(m for m in re.findall(r"^data: ?(.*)$", block, re.M))
            out.append((kind.group(1), data))
    return out


def test_server_sent_events_carry_a_desk_call_and_keep_alive(svc):
    svc.issue("A")
    mine = svc.issue("A")
    app = create_app(svc, ping_seconds=0.3, stream_seconds=1.2)
    with TestClient(app) as client:
        feed = app.state.feed
        v = feed.version
        start = time.monotonic()

        def desk():
            time.sleep(0.5)
            svc.call_next(3)
        threading.Thread(target=desk).start()
        body = client.get(f"/events?lang=en&v={v}").text
        assert time.monotonic() - start < 4
        events = _events(body)
        kinds = [k for k, _ in events]
        assert "ping" in kinds and kinds.count("update") == 1
        update = _text(next(d for k, d in events if k == "update"))
        assert "A001 desk 3" in update and "Waiting 1" in update
        assert re.search(r"^id: \d+$", body, re.M) and body.startswith("retry: 3000")
        # The ticket's own stream: sent at once when the page is older than the feed.
        svc.call_next(5)
        deadline = time.monotonic() + 3
        while feed.version == v + 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        body = client.get(f"/t/{mine.token}/events?v={v}").text
        ticket = _text(next(d for k, d in _events(body) if k == "update"))
        assert "A002" in ticket and "Zapraszamy do stanowiska 5" in ticket
        assert client.get("/events?v=x").status_code == 200  # a bad version: sent whole


def test_the_page_colours_pass_the_kiosk_contrast_rule():
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", css)

    def colour(decls: str, prop: str) -> str | None:
        m = re.search(rf"(?:^|;)\s*{prop}\s*:\s*(#[0-9a-fA-F]{{6}})", decls)
        return m.group(1) if m else None

    body = next(d for sel, d in rules if sel.strip() == "body")
    base_fg, base_bg = colour(body, "color"), colour(body, "background")
    assert base_fg and base_bg
    checked = 0
    for sel, decls in rules:
        fg, bg = colour(decls, "color"), colour(decls, "background")
        if fg is None and bg is None:
            continue
        ratio = contrast_ratio(hex_rgb(fg or base_fg), hex_rgb(bg or base_bg))
        assert ratio >= 4.5, f"{sel.strip()}: {fg or base_fg} on {bg or base_bg} is {ratio:.2f}"
        checked += 1
    assert checked >= 8
    # Text is never sized below 0.9rem of an 18 px root: at least 16 px on a phone.
    sizes = [float(x) for x in re.findall(r"font-size:\s*([\d.]+)rem", css)]
    assert min(sizes) >= 0.9 and "font-size: 112.5%" in css


def test_kiosk_web_is_a_command(tmp_path):
    from entrypoints.cli import build_parser

    args = build_parser().parse_args(["web", "--port", "8099"])
    assert (args.host, args.port) == ("127.0.0.1", 8099) and callable(args.func)


def test_the_templates_and_the_script_ship_with_the_package():
    here = Path(CSS).parent.parent
    assert (here / "templates" / "base.html").exists() and (here / "static" / "live.js").exists()


def test_the_ticket_qr_code_opens_its_page_when_the_site_has_an_address(svc):
    from dataclasses import replace

    from kiosk.config import KioskConfig, WebConfig
    from kiosk.printing.jobs import PrintJobs
    from kiosk.printing.layouts import slip_for, ticket_document
    from printer.document import QR

    issued = svc.issue("A")
    site = replace(KioskConfig(), web=WebConfig(public_url="https://kolejka.example.pl/"))
    url, label = PrintJobs(site, None, None, None).ticket_link(None, "uk", issued)
    assert url == f"https://kolejka.example.pl/t/{issued.token}"
    assert label == "Ваше місце в черзі наживо"
    doc = ticket_document(slip_for(issued, "pl", None, (url, "x")), "pl", "Urząd")
    assert [b.url for b in doc.blocks if isinstance(b, QR)] == [url]
    # Without an address the code stays what it was: none for a ticket taken without a guide.
    assert PrintJobs(KioskConfig(), None, None, None).ticket_link(None, "pl", issued) is None
    # And the address opens that ticket.
    assert "A001" in TestClient(create_app(svc)).get(urlsplit(url).path).text


def test_a_lost_queue_database_shows_the_last_known_state_and_says_so(svc):
    svc.issue("A")
    app = create_app(svc)
    client = TestClient(app)
    assert "Czeka 1" in _text(client.get("/").text)

    def unreachable(_svc):
        raise OSError("connection refused")
    app.state.feed._read = unreachable
    page = _text(client.get("/?lang=en").text)
    assert "No connection to the queue. Showing the last known state." in page
    assert "Waiting 1" in page


def test_on_sqlite_the_feed_polls_and_the_stream_carries_the_call(tmp_path):
    svc = service(f"sqlite:///{tmp_path / 'queue.sqlite3'}", clock=Clock(at(MONDAY, 10)))
    try:
        svc.issue("B")
        app = create_app(svc, poll_seconds=0.2, ping_seconds=0.3, stream_seconds=1.2)
        with TestClient(app) as client:
            v = app.state.feed.version
            assert client.head(f"/events?v={v}").status_code == 200  # no stream for HEAD
            threading.Timer(0.3, lambda: svc.call_next(2)).start()
            body = client.get(f"/events?lang=uk&v={v}").text
            assert app.state.feed.mode == "poll"
            update = _text(next(d for k, d in _events(body) if k == "update"))
            assert "B001 вікно 2" in update
    finally:
        svc.close()

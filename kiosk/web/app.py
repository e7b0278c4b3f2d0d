"""The live queue site: a small Starlette application over the queue (`kiosk web`).

- `/`: every category of the content: people waiting, the numbers called last and at which
  desks, the wait range the queue estimates, today's hours or the holiday or closure.
- `/t/<token>`: one ticket, by the random token its QR code carries (never by its code): its
  code, the people ahead, the estimate, and whether it waits, is called to a desk, was served
  or has expired. An unknown token is a plain 404.
- `/events`, `/t/<token>/events`: server-sent events. Each carries the page's live part as
  HTML, rendered here; a few lines of plain JavaScript put it in place. A stream wakes with the
  feed (kiosk.web.feed): within a moment of a desk's call on PostgreSQL. Without JavaScript,
  or when the stream stays silent for 30 s (a proxy that buffers), the page reloads itself.
- `/static/web.css`: the one style sheet.

Every route is GET (HEAD) only: nothing here can change the queue. No personal data is shown:
tickets carry none. Polish by default; `?lang=en|uk` or the browser's Accept-Language.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from kiosk.queue.service import QueueService
from kiosk.web.feed import Feed
from kiosk.web.texts import LANG_NAMES, LANGS, Texts, choose_language
from kiosk.web.views import REASON_KEYS, TicketShown, read_ticket, read_tickets

HERE = Path(__file__).parent
CSS = HERE / "static" / "web.css"
RELOAD_SECONDS = 30      # the fallback: a plain reload
PING_SECONDS = 15        # a stream says it is alive this often (under RELOAD_SECONDS)
STREAM_SECONDS = 600     # then the browser reconnects (EventSource does it by itself)
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; "
                               "connect-src 'self'; img-src 'self'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",   # the ticket's token never leaves in a Referer
    "Cache-Control": "no-store",
}


def _hm(t) -> str:
    return t.strftime("%H:%M")


def _spans(spans) -> str:
    return ", ".join(f"{_hm(o)}–{_hm(c)}" for o, c in spans)


class FollowedTickets:
    """The tickets phones follow right now, read together once per change of the queue: with
    hundreds of ticket pages open, a desk's call costs one read of the queue, not one per
    phone. The first stream to wake after a change reads for all; the others wait for that
    read and take their ticket from it."""

    def __init__(self, svc: QueueService):
        self._svc = svc
        self._streams: Counter[str] = Counter()
        self._version = -1
        self._shown: dict[str, TicketShown] = {}
        self._lock = asyncio.Lock()

    @contextlib.contextmanager
    def follow(self, token: str) -> Iterator[None]:
        self._streams[token] += 1
        try:
            yield
        finally:
            self._streams[token] -= 1
            if self._streams[token] <= 0:
                del self._streams[token]

    async def read(self, token: str, version: int) -> TicketShown | None:
        async with self._lock:
            if version != self._version or token not in self._shown:
                tokens = {*self._streams, token}
                self._shown = await run_in_threadpool(read_tickets, self._svc, tokens)
                self._version = version
            return self._shown.get(token)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["hm"] = _hm
    env.filters["spans"] = _spans
    env.globals.update(LANGS=LANGS, LANG_NAMES=LANG_NAMES, REASON_KEYS=REASON_KEYS,
                       RELOAD_SECONDS=RELOAD_SECONDS)
    return env


def _sse(event: str, data: str, event_id: int | None = None) -> str:
    lines = [f"id: {event_id}"] if event_id is not None else []
    lines.append(f"event: {event}")
    lines += [f"data: {line}" for line in data.splitlines() or [""]]
    return "\n".join(lines) + "\n\n"


def create_app(svc: QueueService, *, office: str = "", listen: bool = True,
               poll_seconds: float = 1.0, pg_poll_seconds: float = 2.0,
               ping_seconds: float = PING_SECONDS,
               stream_seconds: float = STREAM_SECONDS) -> Starlette:
    """The site over `svc`. The feed's thread runs while the application does (lifespan)."""
    env = _environment()
    feed = Feed(svc, listen=listen, poll_seconds=poll_seconds, pg_poll_seconds=pg_poll_seconds)
    rendered: dict[tuple[int, str], str] = {}  # the front page's live part, per language

    def language(request: Request) -> str:
        return choose_language(request.query_params.get("lang"),
                               request.headers.get("accept-language"))

    def page(name: str, lang: str, status: int = 200, **values) -> HTMLResponse:
        html = env.get_template(name).render(t=Texts(lang), lang=lang, office=office,
                                             **values)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def queue_part(lang: str) -> str:
        key = (feed.version, lang)
        if key not in rendered:
            if len(rendered) > 3 * len(LANGS):
                rendered.clear()
            rendered[key] = env.get_template("_queue.html").render(
                t=Texts(lang), lang=lang, shown=feed.shown, feed=feed)
        return rendered[key]

    followed = FollowedTickets(svc)

    def ticket_part(ticket: TicketShown, lang: str, token: str) -> str:
        return env.get_template("_ticket.html").render(t=Texts(lang), lang=lang, ticket=ticket,
                                                       feed=feed, token=token)

    async def _fresh() -> None:
        # Under `kiosk web` the feed's thread keeps the state; without it (a bare test
        # client) read it for this request.
        if feed._thread is None:
            await run_in_threadpool(feed.refresh)

    async def home(request: Request) -> Response:
        lang = language(request)
        await _fresh()
        return page("queue.html", lang, live=queue_part(lang), version=feed.version,
                    events=f"/events?lang={lang}&v={feed.version}", here="/")

    def _token(request: Request) -> str:
        token = request.path_params["token"]
        return token if 16 <= len(token) <= 64 and set(token) <= TOKEN_CHARS else ""

    async def ticket(request: Request) -> Response:
        lang, token = language(request), _token(request)
        shown = await run_in_threadpool(read_ticket, svc, token) if token else None
        if shown is None:
            return page("not_found.html", lang, status=404, here="/")
        await _fresh()
        return page("ticket.html", lang, live=ticket_part(shown, lang, token),
                    version=feed.version, here=f"/t/{token}",
                    events=f"/t/{token}/events?lang={lang}&v={feed.version}")

    def stream(request: Request, render: Callable[[], Awaitable[str | None]],
               following: contextlib.AbstractContextManager | None = None) -> Response:
        try:
            # A reconnecting browser sends the last event's id: newer than the page's.
            since = int(request.headers.get("last-event-id") or request.query_params.get("v")
                        or -1)
        except ValueError:
            since = -1

        async def events() -> AsyncIterator[str]:
            with following or contextlib.nullcontext():
                async for event in _events():
                    yield event

        async def _events() -> AsyncIterator[str]:
            nonlocal since
            yield "retry: 3000\n\n"
            end = time.monotonic() + stream_seconds
            last: str | None = None
            while time.monotonic() < end:
                version = feed.version
                if version != since:
                    html = await render()
                    if html is None:  # the ticket is gone (a new, empty database)
                        yield _sse("gone", "", version)
                        return
                    if html != last:
                        yield _sse("update", html, version)
                        last = html
                    since = version
                if not await feed.wait_change(since, min(ping_seconds, end - time.monotonic())):
                    yield _sse("ping", "")
                if await request.is_disconnected():
                    return

        headers = {**SECURITY_HEADERS, "X-Accel-Buffering": "no"}  # nginx: do not buffer
        if request.method == "HEAD":  # the headers only, not a stream nobody reads
            return Response(media_type="text/event-stream", headers=headers)
        return StreamingResponse(events(), media_type="text/event-stream", headers=headers)

    async def home_events(request: Request) -> Response:
        lang = language(request)

        async def render() -> str:
            await _fresh()
            return queue_part(lang)
        return stream(request, render)

    async def ticket_events(request: Request) -> Response:
        lang, token = language(request), _token(request)
        if not token or await run_in_threadpool(read_ticket, svc, token) is None:
            return page("not_found.html", lang, status=404, here="/")

        async def render() -> str | None:
            shown = await followed.read(token, feed.version)
            return None if shown is None else ticket_part(shown, lang, token)
        return stream(request, render, followed.follow(token))

    async def css(request: Request) -> Response:
        return Response(CSS.read_text(encoding="utf-8"), media_type="text/css",
                        headers={"Cache-Control": "max-age=300",
                                 "X-Content-Type-Options": "nosniff"})

    async def script(request: Request) -> Response:
        return Response((HERE / "static" / "live.js").read_text(encoding="utf-8"),
                        media_type="text/javascript",
                        headers={"Cache-Control": "max-age=300",
                                 "X-Content-Type-Options": "nosniff"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        await run_in_threadpool(feed.start, asyncio.get_running_loop())
        try:
            yield
        finally:
            await run_in_threadpool(feed.stop)

    get = ["GET"]  # Starlette answers HEAD for GET routes; anything else is 405
    app = Starlette(routes=[
        Route("/", home, methods=get),
        Route("/events", home_events, methods=get),
        Route("/t/{token}", ticket, methods=get),
        Route("/t/{token}/events", ticket_events, methods=get),
        Route("/static/web.css", css, methods=get),
        Route("/static/live.js", script, methods=get),
    ], lifespan=lifespan)
    app.state.feed = feed
    return app

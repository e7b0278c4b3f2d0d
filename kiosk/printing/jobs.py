"""Printouts built from the core's data: what the kiosk screens and the command line print.

One place decides what a ticket or a card says (department, QR link, content revision), so
the paper from the screen and from `kiosk ticket issue --print` is the same.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.config import KioskConfig
from kiosk.content.service import ContentService, NotFound
from kiosk.printing.layouts import (
    card_document,
    elsewhere_document,
    guide_link,
    printer_test_page,
    slip_for,
    ticket_document,
)
from kiosk.printing.service import PrinterService, PrintResult
from printer.document import Document

if TYPE_CHECKING:
    from kiosk.queue.service import IssuedTicket, QueueService
    from kiosk.search.service import ElsewhereView

log = logging.getLogger(__name__)


class PrintJobs:
    """Tickets, information cards and the test page, from content to paper."""

    def __init__(self, config: KioskConfig, content: ContentService, printer: PrinterService,
                 queue: Callable[[], QueueService]):
        self.config = config
        self.content = content
        self.printer = printer
        self._queue = queue  # opened on first use (see Core.queue)

    def ticket_link(self, symbol: str | None, lang: str,
                    ticket: IssuedTicket | None = None) -> tuple[str, str] | None:
        """What the ticket's QR code opens and its label, in `lang`: with [web] public_url set,
        the ticket's own page on the live queue site (by its random token: the resident
        follows the queue on the phone); else the matter's page when the resident came from a
        guide; no code for a ticket taken without one (the office's home page would not tell
        them what to bring)."""
        base = self.config.web.public_url
        if base and ticket is not None and ticket.token:
            from kiosk.web.texts import Texts

            return f"{base.rstrip('/')}/t/{ticket.token}", Texts(lang)("qr_label")
        if symbol:
            with contextlib.suppress(NotFound):
                return guide_link(self.content.guide(symbol), lang)
        return None

    def ticket_document(self, ticket: IssuedTicket, lang: str,
                        symbol: str | None = None) -> Document:
        dept = None
        if ticket.department_code:
            with contextlib.suppress(NotFound):
                dept = self.content.department(ticket.department_code)
        slip = slip_for(ticket, lang, dept, self.ticket_link(symbol, lang, ticket))
        return ticket_document(slip, lang, self.config.office.name)

    def card_document(self, symbol: str, lang: str, *, have: frozenset[int] | None,
                      now: dt.datetime) -> Document:
        guide = self.content.guide(symbol)
        return card_document(guide, lang, self.config.office.name, have=have, now=now,
                             revision=self.content.status().revision)

    def elsewhere_document(self, entry: ElsewhereView, lang: str, *,
                           now: dt.datetime) -> Document:
        return elsewhere_document(entry, lang, self.config.office.name, now=now)

    def test_page(self, now: dt.datetime) -> Document:
        p = self.config.printer
        return printer_test_page(self.config.office.name, now, p.office_url,
                                 f"{p.kind} {p.profile}")

    def print_ticket(self, ticket: IssuedTicket, doc: Document) -> PrintResult:
        """Print an issued ticket and record whether it came out. The ticket is valid either
        way."""
        result = self.printer.print_document(doc)
        try:
            self._queue().mark_printed(ticket.id, result.ok)
        except Exception:  # the ticket stands whether or not this is recorded
            log.exception("could not record whether ticket %s was printed", ticket.code)
        return result

    def print_document(self, doc: Document) -> PrintResult:
        return self.printer.print_document(doc)

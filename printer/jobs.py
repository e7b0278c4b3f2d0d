"""Printouts built from the core's data: what the kiosk screens and the command line print.

One place decides what a ticket or a card says (department, QR link, content revision), so
the paper from the screen and from `kiosk ticket issue --print` is the same.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from kiosk.content import NotFound
from printer.document import Document
from printer.layouts import card_document, slip_for, ticket_document
from printer.service import PrintResult

if TYPE_CHECKING:
    from kiosk.bootstrap import Core
    from kiosk.queue import IssuedTicket

log = logging.getLogger(__name__)


def ticket_qr_url(core: Core, symbol: str | None) -> str:
    """The matter's online card when the resident came from a guide, else the office's page."""
    if symbol:
        try:
            g = core.content.guide(symbol)
            return g.online_url or g.source_url
        except NotFound:
            pass
    return core.config.printer.office_url


def ticket_job(core: Core, ticket: IssuedTicket, lang: str,
               symbol: str | None = None) -> Document:
    dept = None
    if ticket.department_code:
        try:
            dept = core.content.department(ticket.department_code)
        except NotFound:
            pass
    slip = slip_for(ticket, lang, dept, ticket_qr_url(core, symbol))
    return ticket_document(slip, lang, core.config.office.name)


def card_job(core: Core, symbol: str, lang: str, *, have: frozenset[int] | None,
             now: dt.datetime) -> Document:
    guide = core.content.guide(symbol)
    return card_document(guide, lang, core.config.office.name, have=have, now=now,
                         revision=core.content.status().revision,
                         fallback_url=core.config.printer.office_url)


def print_ticket(core: Core, ticket: IssuedTicket, doc: Document) -> PrintResult:
    """Print an issued ticket and record whether it came out. The ticket is valid either way."""
    result = core.printer.print_document(doc)
    try:
        core.queue.mark_printed(ticket.id, result.ok)
    except Exception:  # the ticket stands whether or not this is recorded
        log.exception("could not record whether ticket %s was printed", ticket.code)
    return result

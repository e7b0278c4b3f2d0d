"""What goes on paper: the queue ticket, the information card and the test page.

Layouts are pure: they take plain data and a language and return a `Document`. Every text a
resident reads comes from the UI catalogue or the content, in the resident's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.content.places import open_now_line, place_lines, week_lines
from kiosk.content.service import DepartmentView, ProcedureGuide
from kiosk.i18n import Translator, translator
from kiosk.texts import LocalText
from printer.document import NBSP, QR, Block, Document, Feed, Rule, Text

if TYPE_CHECKING:
    from kiosk.queue.service import IssuedTicket
    from kiosk.search.service import ElsewhereView

PANGRAM_PL = "Zażółć gęślą jaźń. ZAŻÓŁĆ GĘŚLĄ JAŹŃ."
PANGRAM_UK = "Ґава і ґудзик, єнот, іній, їжак. ҐЄІЇ."


@dataclass(frozen=True)
class TicketSlip:
    """What a queue ticket says; the queue service fills it in when it issues a ticket."""

    code: str  # "A012"
    matter: LocalText
    issued_at: dt.datetime
    people_ahead: int | None = None
    wait_minutes: tuple[int, int] | None = None  # an honest range, or None: no estimate yet
    place: str | None = None  # where to go, already in the ticket's language
    prepare: LocalText | None = None  # one line of advice, e.g. "Przygotuj dowód osobisty"
    qr_url: str | None = None
    qr_label: str | None = None  # what the code opens, in the ticket's language
    booked_at: dt.time | None = None  # a visit booked online: its time (office-local)


def slip_for(ticket: IssuedTicket, lang: str, department: DepartmentView | None,
             link: tuple[str, str] | None) -> TicketSlip:
    """What the ticket of an issued queue number says, in `lang`."""
    tr = translator(lang)
    place = None
    if department is not None:
        place = ", ".join([department.name.get(lang), *place_lines(department.place, tr)])
    est = ticket.estimate
    booked = ticket.booked_at.time().replace(tzinfo=None) if ticket.booked_at else None
    return TicketSlip(code=ticket.code, matter=ticket.name or LocalText(pl=ticket.letter),
                      issued_at=ticket.issued_at.replace(tzinfo=None),
                      # a booked visit is called at its time: who checked in first is no guide
                      people_ahead=None if booked else ticket.people_ahead, booked_at=booked,
                      wait_minutes=(est.low_minutes, est.high_minutes) if est else None,
                      place=place, prepare=ticket.prepare,
                      qr_url=link[0] if link else None, qr_label=link[1] if link else None)


def guide_link(g: ProcedureGuide, lang: str) -> tuple[str, str] | None:
    """The page a matter's QR code opens and a label saying exactly what that page is: its
    online service (labelled in the content), else its page on the office's website."""
    _ = translator(lang)._
    if g.online_url:
        label = (g.online_label.get(lang) if g.online_label
                 else _("Online: {address}").format(address=_host(g.online_url)))
        return g.online_url, label + " " + _("(scan with your phone)")
    if g.source_url and _names_a_page(g.source_url):
        return g.source_url, (_("This matter on the office's website: {address}")
                              .format(address=_host(g.source_url)) + " "
                              + _("(scan with your phone)"))
    return None


def _names_a_page(url: str) -> bool:
    """A site's home page is no page about this matter: a code there would mislead."""
    from urllib.parse import urlsplit

    return urlsplit(url).path.strip("/") != ""


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url


def spaced_code(code: str) -> str:
    """"A012" -> "A 012": the letter apart reads better across a hall."""
    return f"{code[:1]} {code[1:]}" if len(code) > 1 and code[0].isalpha() else code


class _Texts:
    """Content texts in one language, remembering whether any fell back to Polish."""

    def __init__(self, lang: str):
        self.lang = lang
        self.fallback = False

    def __call__(self, text: LocalText | None) -> str:
        if text is None:
            return ""
        shown = text.show(self.lang)
        self.fallback |= shown.fallback
        return shown.text


def _header(office: str, title: str) -> list:
    return [Text(office, align="center"), Text(title, bold=True, align="center"), Rule()]


def _only_polish(tx: _Texts, tr: Translator) -> list:
    return [Text(tr._("Some information is only in Polish."))] if tx.fallback else []


def ticket_document(t: TicketSlip, lang: str, office: str) -> Document:
    tr = translator(lang)
    _ = tr._
    tx = _Texts(lang)
    blocks: list = [Text(office, align="center"),
                    Text(_("Your number"), align="center"),
                    Text(spaced_code(t.code), size=4, bold=True, align="center"),
                    Text(tx(t.matter), bold=True, align="center"), Rule()]
    if t.booked_at is not None:
        blocks += [Text(_("Booked visit at {time}").format(time=tr.time(t.booked_at)),
                        bold=True, align="center"),
                   Text(_("You will be called at your booked time."))]
    if t.people_ahead is not None:
        blocks.append(Text(
            tr.ngettext("{n} person ahead of you.", "{n} people ahead of you.", t.people_ahead)
            .format(n=t.people_ahead) if t.people_ahead else _("Nobody is ahead of you.")))
    if t.wait_minutes:
        low, high = t.wait_minutes
        blocks.append(Text(_("Expected wait: {low}–{high} minutes.").format(low=low, high=high)))
    elif t.people_ahead:
        blocks.append(Text(_("No wait estimate yet.")))
    if t.place:
        blocks.append(Text(_("Where: {place}").format(place=t.place)))
    if t.prepare:
        blocks.append(Text(tx(t.prepare), bold=True))
    blocks.append(Text(_("Watch the screen in the hall for your number.")))
    if t.qr_url:
        blocks.append(QR(t.qr_url, t.qr_label or _("(scan with your phone)")))
    blocks += _only_polish(tx, tr)
    blocks.append(Text(f"{tr.date(t.issued_at.date())}, {tr.time(t.issued_at.time())}",
                       align="center"))
    return Document("ticket", lang, tuple(blocks))


def card_document(g: ProcedureGuide, lang: str, office: str, *, have: frozenset[int] | None,
                  now: dt.datetime, revision: str | None) -> Document:
    """The information card: the guide's answers on paper, with the resident's checklist.

    `have` holds the documents the resident ticked; None (printed by staff, not from a
    session) leaves every box empty to tick with a pen, with nothing marked missing."""
    tr = translator(lang)
    _ = tr._
    tx = _Texts(lang)
    blocks: list = _header(office, _("Information card"))
    blocks += [Text(g.symbol, bold=True), Text(tx(g.title), size=2, bold=True),
               Text(tx(g.summary)), Feed()]

    blocks.append(Text(_("Documents").upper(), bold=True))
    if not g.documents:
        blocks.append(Text(_("You do not need to bring any documents.")))
    for d in g.documents:
        ticked = have is not None and d.index in have
        if d.kind == "desk":  # nothing to bring: no box, never missing
            line = f"-   {tx(d.name)} " + _("(prepared at the desk)")
        else:
            line = f"{'[x]' if ticked else '[ ]'} {tx(d.name)}"
        if d.kind == "if_applies":
            line += " " + _("(only if it applies to you)")
        elif d.brought and have is not None and not ticked:
            line += " - " + _("MISSING")
        if d.form_code:
            line += " (" + _("Form: {code}").format(code=d.form_code) + ")"
        blocks.append(Text(line, indent=4))
    blocks.append(Feed())

    blocks.append(Text(_("Fee").upper(), bold=True))
    if not g.fees:
        blocks.append(Text(_("Free of charge")))
    for f in g.fees:  # listed, never summed: fees are often alternatives
        blocks.append(Text(f"- {tx(f.name)}: {tr.money(f.amount)}", indent=2))
    if g.fee_exemptions:
        blocks.append(Text(_("Who pays nothing") + ": " + tx(g.fee_exemptions)))
    if g.payment_methods:
        blocks.append(Text(_("How to pay") + ": " + tx(g.payment_methods)))
    blocks.append(Feed())

    blocks.append(Text(_("Where").upper(), bold=True))
    blocks.append(Text(", ".join([tx(g.department.name), *place_lines(g.place, tr)])))
    if g.queue_letter:  # from the data, never from the guide's prose
        blocks.append(Text(_("Ticket letter {letter}: {name}").format(
            letter=g.queue_letter, name=tx(g.queue_name) or g.queue_letter), bold=True))
    if g.department.hours:
        # The week, not "today": the card is read at home, on another day.
        blocks.append(Text(_("Opening hours") + ":"))
        blocks += [Text(line, indent=2) for line in week_lines(g.department.hours, tr)]
        is_open, status = open_now_line(g.department, now, tr)
        if not is_open:
            blocks.append(Text(status))
    if g.department.phones:
        phones = ", ".join(p.replace(" ", NBSP) for p in g.department.phones)
        blocks.append(Text(_("Phone: {numbers}").format(numbers=phones)))
    blocks.append(Feed())

    blocks.append(Text(_("How long will you wait?").upper(), bold=True))
    blocks.append(Text(tx(g.deadline)))
    blocks.append(Text(_("Can you appeal?").upper(), bold=True))
    if g.appeal:
        blocks.append(Text(_("Yes. You have {days} to appeal.").format(
            days=tr.days(g.appeal.days))))
        blocks.append(Text(_("To: {body}").format(body=tx(g.appeal.to))))
        if g.appeal.how:
            blocks.append(Text(tx(g.appeal.how)))
    else:
        blocks.append(Text(tx(g.appeal_none) if g.appeal_none
                           else _("There is no appeal in this matter.")))
    link = guide_link(g, lang)
    if link is not None:  # no page for this matter: no code, rather than a misleading one
        blocks.append(QR(*link))
    blocks += _only_polish(tx, tr)
    blocks.append(Rule())
    blocks.append(Text(_("Printed {date}, {time}").format(date=tr.date(now.date()),
                                                          time=tr.time(now.time()))))
    blocks.append(Text(_("Information checked on {date}.").format(date=tr.date(g.last_reviewed))))
    if revision:
        blocks.append(Text(_("Content version: {revision}").format(revision=revision)))
    return Document("card", lang, tuple(blocks))


def elsewhere_document(e: ElsewhereView, lang: str, office: str, *, now: dt.datetime) -> Document:
    """A matter another institution handles, on paper: who, where, when, and how to reach
    them; what the office has not confirmed says so, as on the screen."""
    tr = translator(lang)
    _ = tr._
    tx = _Texts(lang)
    unsure = " " + _("(to be confirmed)")
    blocks: list = _header(office, _("Not handled at the City Hall"))
    blocks += [Text(tx(e.title), size=2, bold=True),
               Text(_("You cannot settle this at the City Hall — go to: {where}").format(
                   where=tx(e.handled_by)) + (unsure if "handled_by" in e.unconfirmed else ""),
                   bold=True),
               Text(tx(e.summary)), Feed()]
    if e.address:
        blocks.append(Text(_("Address: {address}").format(address=e.address)
                           + (unsure if "address" in e.unconfirmed else "")))
    if e.hours:
        blocks.append(Text(_("Opening hours") + ": " + tx(e.hours)
                           + (unsure if "hours" in e.unconfirmed else "")))
    if e.phones:
        phones = ", ".join(p.replace(" ", NBSP) for p in e.phones)
        blocks.append(Text(_("Phone: {numbers}").format(numbers=phones)
                           + (unsure if "phones" in e.unconfirmed else "")))
    if {"address", "handled_by"} & set(e.unconfirmed):
        blocks.append(Text(_("The office has not confirmed the address: ask at the "
                             "information point.")))
    if e.url:
        blocks.append(QR(e.url, e.url + (unsure if "url" in e.unconfirmed else "")))
    blocks += _only_polish(tx, tr)
    blocks.append(Rule())
    blocks.append(Text(_("Printed {date}, {time}").format(date=tr.date(now.date()),
                                                          time=tr.time(now.time()))))
    return Document("elsewhere", lang, tuple(blocks))


def printer_test_page(office: str, now: dt.datetime, qr_url: str, printer_name: str) -> Document:
    """Every Polish and Ukrainian letter, sizes, a QR code and a cut: what IT checks first."""
    blocks: list[Block] = [
              Text(office, align="center"), Text("TEST", size=3, bold=True, align="center"),
              Rule(), Text("Polski:", bold=True), Text(PANGRAM_PL),
              Text("ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż"), Text("Українська:", bold=True), Text(PANGRAM_UK),
              Text("АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ"),
              Text("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"), Text("English: 0123456789 zł €"),
              Text("A 012", size=2, bold=True, align="center"), QR(qr_url, qr_url), Rule(),
              Text(f"{printer_name} · {now:%Y-%m-%d %H:%M}")]
    return Document("test", "pl", tuple(blocks))

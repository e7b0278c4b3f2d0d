"""Texts about where to go and when, shared by the guide and the department screens."""

from __future__ import annotations

import datetime as dt

from kiosk.closures import closure_on, cut
from kiosk.content.service import DepartmentView, Place
from kiosk.hours import opening_status
from kiosk.i18n import Translator


def place_lines(place: Place, tr: Translator) -> list[str]:
    _ = tr._
    lines = [place.building]
    if place.entrance:
        lines.append(_("Entrance {x}").format(x=place.entrance))
    floor = tr.floor(place.floor)
    if floor:
        lines.append(floor.capitalize())
    if place.room:
        lines.append(_("Room {x}").format(x=place.room))
    if place.desk:
        lines.append(_("Desk {x}").format(x=place.desk))
    return lines


def when_text(day: dt.date, at: dt.time, today: dt.date, tr: Translator) -> str:
    """"today at 08:00", "Thursday at 08:00", or the date when it is a week or more away."""
    _ = tr._
    if day == today:
        return _("today at {time}").format(time=tr.time(at))
    if (day - today).days >= 7:  # a holiday pushed it past the same weekday
        return _("{date} at {time}").format(date=tr.date(day), time=tr.time(at))
    return _("{weekday} at {time}").format(weekday=tr.weekday(day.weekday()),
                                           time=tr.time(at))


def open_now_line(dept: DepartmentView, now, tr: Translator) -> tuple[bool, str]:
    """('Open now until 15:30' | 'Closed now. Opens Monday at 08:00'), is_open. A public
    holiday or a closure of the content is named: 'Closed today: {reason}. Opens ...'; on a
    shorter day the hours left count."""
    _ = tr._
    if not dept.hours:
        return False, _("Opening hours: ask at the information point.")
    st = opening_status(dept.hours, now, dept.closures)
    if st.is_open and st.closes_at is not None:
        if st.closure is not None:  # open, but shorter than usual
            return True, _("Open now, until {time} (shorter hours today: {reason}).").format(
                time=tr.time(st.closes_at), reason=st.closure.name(tr.lang))
        return True, _("Open now, until {time}.").format(time=tr.time(st.closes_at))
    holiday = st.closure.name(tr.lang) if st.closure is not None and st.closure.closed \
        else None
    if st.next_open is None:
        return False, (_("Closed today: {holiday}.").format(holiday=holiday) if holiday
                       else _("Closed now."))
    when = when_text(*st.next_open, now.date(), tr)
    if holiday:
        return False, _("Closed today: {holiday}. Opens {when}.").format(holiday=holiday,
                                                                         when=when)
    return False, _("Closed now. Opens {when}.").format(when=when)


def today_hours_line(dept: DepartmentView, now, tr: Translator) -> str:
    closure = closure_on(now.date(), dept.closures)
    spans = cut(((o, c) for w, o, c in dept.hours if w == now.weekday()), closure)
    if not spans:
        return tr._("Today: closed.")
    text = ", ".join(f"{tr.time(o)}–{tr.time(c)}" for o, c in spans)
    if closure is not None:
        return tr._("Today: {hours} (shorter hours: {reason}).").format(
            hours=text, reason=closure.name(tr.lang))
    return tr._("Today: {hours}.").format(hours=text)


def week_lines(hours, tr: Translator) -> list[str]:
    """One line per open weekday, e.g. "Poniedziałek: 08:00–15:30"; `hours` as (weekday,
    opens, closes) spans, from a department or a queue category."""
    lines = []
    for wd in range(7):
        spans = [(o, c) for w, o, c in hours if w == wd]
        if spans:
            text = ", ".join(f"{tr.time(o)}–{tr.time(c)}" for o, c in spans)
            lines.append(f"{tr.weekday(wd).capitalize()}: {text}")
    return lines

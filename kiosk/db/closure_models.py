"""The office's closures (closures.yaml), per content revision: days it is closed, or open
shorter, whatever its weekly hours say. Public holidays are not stored: the kiosk knows them
(kiosk.closures).

kiosk.db.schema imports it, so that Base.metadata (and the migration check) holds it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db.base import Base, LocalTextType
from kiosk.texts import LocalText


class OfficeClosure(Base):
    __tablename__ = "office_closure"
    __table_args__ = (UniqueConstraint("revision_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("content_revision.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    position: Mapped[int]
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))  # closed / shorter
    opens: Mapped[dt.time | None] = mapped_column(Time)  # shorter: the hours left
    closes: Mapped[dt.time | None] = mapped_column(Time)
    reason: Mapped[LocalText] = mapped_column(LocalTextType)
    unconfirmed: Mapped[list[str]] = mapped_column(JSON, default=list)

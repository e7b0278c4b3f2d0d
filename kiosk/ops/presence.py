"""The running kiosk's sign of life to the hall, and the faults it checks for while running,
every SIGN_OF_LIFE_SECONDS on a worker thread (screens call `sign_of_life`; a hung database
delays only this)."""

from __future__ import annotations

from kiosk import __version__
from kiosk.ops.health import check_disk
from kiosk.queue.hall_alerts import SIGN_OF_LIFE_SECONDS

__all__ = ["SIGN_OF_LIFE_SECONDS", "leave_hall", "sign_of_life"]


def sign_of_life(core) -> None:
    """Tell the hall this kiosk is alive, and raise (or clear) the low-disk alert: a full disk
    stops the queue, the usage counts and the nightly sync, and only a person can free it."""
    disk = check_disk(core.config)
    if disk.staff:
        core.alerts.raise_("kiosk", "disk_low", disk.detail)
    else:
        core.alerts.clear("kiosk", "disk_low")
    core.queue.hall_alerts.beat("kiosk", __version__)


def leave_hall(core) -> None:
    """A clean stop: the hall no longer expects this kiosk's sign of life."""
    core.queue.hall_alerts.leave("kiosk")

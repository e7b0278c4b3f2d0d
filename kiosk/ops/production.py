"""What an installed kiosk needs before it opens to residents ([office] mode = "production",
or `kiosk run --production`): its own configuration file and the office's content.

On a development machine the kiosk starts anywhere on the bundled sample content; an installed
one doing that would show residents sample facts as if they were the office's, so it refuses,
naming what is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk import SAMPLE_CONTENT_DIR
from kiosk.config import KioskConfig, config_candidates

if TYPE_CHECKING:  # the content service imports the ORM and its models: ~0.37 s of every command
    from kiosk.content.service import ContentStatus


def is_production(cfg: KioskConfig, flag: bool = False) -> bool:
    return flag or cfg.office.mode == "production"


def production_problems(cfg: KioskConfig, content: ContentStatus) -> list[str]:
    """Why this kiosk may not open to residents; empty when it may."""
    out = []
    if cfg.source is None:
        looked = ", ".join(str(c) for c in config_candidates())
        out.append(f"no configuration file: none given (--config, $KIOSK_CONFIG) and none at "
                   f"{looked}; install.sh writes /etc/bom-kiosk/kiosk.toml")
    if content.revision is None:
        out.append("no content: run the first sync (`sudo systemctl start "
                   "bom-kiosk-sync.service`, or `kiosk sync --now`) or `kiosk content load DIR`")
    elif content.source and content.source.rstrip("/") == str(SAMPLE_CONTENT_DIR).rstrip("/"):
        out.append("the content is the bundled sample, not the office's: run the first sync "
                   "(`sudo systemctl start bom-kiosk-sync.service`) or `kiosk content load DIR`")
    return out

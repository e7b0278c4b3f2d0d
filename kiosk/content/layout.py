"""Where a content folder keeps each kind of record, and the folder's checksum.

Apart from kiosk.content.format (the record models, which take a while to import) so that a
start can tell "this folder is loaded already" from the files' bytes alone."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RecordKind:
    """One kind of content record: where it lives in the folder and what identifies it."""

    kind: str
    file: str  # "procedures/" for the procedure files, one per category
    key: str  # the YAML list under which the records sit
    ident: str  # the identifying field in the YAML record
    field: str  # the same identity in the parsed dict
    label: str  # how problems name a record
    bundle: str  # the ContentBundle list


# In dependency order: a record only points at kinds listed before it.
RECORD_KINDS: dict[str, RecordKind] = {k.kind: k for k in (
    RecordKind("category", "categories.yaml", "categories", "code", "code", "category",
               "categories"),
    RecordKind("department", "departments.yaml", "departments", "code", "code", "department",
               "departments"),
    RecordKind("queue_category", "queue_categories.yaml", "queue_categories", "letter",
               "letter", "queue category", "queue_categories"),
    RecordKind("form", "forms.yaml", "forms", "code", "code", "form", "forms"),
    RecordKind("rate", "rates.yaml", "rates", "code", "code", "rate", "rates"),
    RecordKind("announcement", "announcements.yaml", "announcements", "code", "code",
               "announcement", "announcements"),
    RecordKind("procedure", "procedures/", "procedures", "symbol", "symbol", "procedure",
               "procedures"),
    # Matters other institutions handle: "not here, but there" (optional file).
    RecordKind("elsewhere", "elsewhere.yaml", "elsewhere", "code", "code",
               "not-handled-here entry", "elsewhere"),
    # Everyday words and situations for search (optional file); identified by their first
    # word. Their `matters` may name any record above (checked by read_content).
    RecordKind("synonym", "synonyms.yaml", "synonyms", "words", "words", "synonym",
               "synonyms"),
    # Days the office is closed or open shorter (optional file).
    RecordKind("closure", "closures.yaml", "closures", "code", "code", "closure", "closures"),
)}
OPTIONAL_FILES = frozenset({"synonyms.yaml", "closures.yaml", "elsewhere.yaml"})


def kind_files(root: Path, spec: RecordKind) -> list[Path]:
    if spec.kind == "procedure":
        return sorted((root / "procedures").glob("*.yaml"))
    path = root / spec.file
    return [] if spec.file in OPTIONAL_FILES and not path.exists() else [path]


def checksum(root: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def folder_checksum(root: Path | str) -> str:
    """What identifies a content folder's revision: the bytes of its files, in the order they
    always had, the procedure files last. Reading it costs a fraction of validating the
    folder, so a start can tell "already loaded" without parsing anything."""
    root = Path(root)
    files = [f for spec in RECORD_KINDS.values() for f in kind_files(root, spec)]
    procs = kind_files(root, RECORD_KINDS["procedure"])
    return checksum(root, [root / "content.yaml", *(p for p in files if p not in procs),
                           *procs])

"""The central content database: schema, import from and export to the YAML content folder.

One row per content record, in the same record model as the folder an editor edits (the record
as a JSON document, plus its kind, identity, file and position), so the kiosks validate what
they pull with exactly the code that validates a folder (kiosk.content.format). Around it:

- `changed_rev`: the revision counter at the record's last change. Every transaction that
  changes content takes the next value of `central_state.revision` once (a trigger does it, so
  edits made straight in SQL count too). The counter row stays locked until commit, so writers
  commit in counter order and a kiosk that has seen revision N never misses a change <= N.
- `deleted`: a tombstone. A DELETE is turned into `deleted = true` by a trigger, so kiosks learn
  about deletions incrementally.
- `updated_at`: when, for people.
- one login role per kiosk (`kiosk central add-kiosk NAME`, below), a member of the NOLOGIN
  group `bom_kiosks`: SELECT only on the content, read-only transactions by default, and
  row-level security on usage events, heartbeats and alerts so that it writes (and reads)
  rows under its own kiosk name only;
- the older shared read-only login role (`bom_kiosk`), still accepted for pulling content and
  pushing usage events under any name, but without heartbeats or alerts (see add_kiosk).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import yaml
from psycopg import sql
from psycopg.types.json import Jsonb

from content_sync.pg import connect, libpq_url
from kiosk.content.format import (
    RECORD_KINDS,
    WEEKDAYS,
    ContentError,
    ContentProblem,
    raw_records,
    read_content,
    record_key,
)
from kiosk.progress import Progress

SCHEMA = "bom_content"
# Layout of the central tables; a kiosk refuses a central database newer than it knows.
CENTRAL_DDL_VERSION = 1
DEFAULT_READER_ROLE = "bom_kiosk"

_KINDS = ", ".join(f"'{k}'" for k in RECORD_KINDS)
_DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};

CREATE TABLE IF NOT EXISTS {SCHEMA}.central_state (
    id integer PRIMARY KEY CHECK (id = 1),
    ddl_version integer NOT NULL,
    schema_version integer NOT NULL,          -- content format version (content.yaml)
    revision bigint NOT NULL DEFAULT 0,       -- the revision counter
    label text NOT NULL DEFAULT '',           -- content.yaml `revision`
    published date,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS {SCHEMA}.content_record (
    kind text NOT NULL,
    key text NOT NULL,                        -- code, letter or symbol
    file text,                                -- procedures: file stem under procedures/
    position integer NOT NULL DEFAULT 0,      -- order within its file
    data jsonb NOT NULL,                      -- the record as in the YAML format
    deleted boolean NOT NULL DEFAULT false,   -- tombstone
    changed_rev bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, key)
);
-- Re-made on every init, so a kiosk version with a new kind of record can widen it.
ALTER TABLE {SCHEMA}.content_record DROP CONSTRAINT IF EXISTS content_record_kind;
ALTER TABLE {SCHEMA}.content_record ADD CONSTRAINT content_record_kind CHECK (kind IN ({_KINDS}));
CREATE INDEX IF NOT EXISTS content_record_changed_rev ON {SCHEMA}.content_record (changed_rev);

-- The revision of the current transaction: taken from the counter on the first change, then
-- remembered in a transaction-local setting so one import is one revision.
CREATE OR REPLACE FUNCTION {SCHEMA}.bump_revision() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    current text := current_setting('bom_content.revision', true);
    rev bigint;
BEGIN
    IF current IS NOT NULL AND current <> '' THEN
        RETURN current::bigint;
    END IF;
    UPDATE {SCHEMA}.central_state SET revision = revision + 1, updated_at = now()
        WHERE id = 1 RETURNING revision INTO rev;
    PERFORM set_config('bom_content.revision', rev::text, true);
    RETURN rev;
END $$;

CREATE OR REPLACE FUNCTION {SCHEMA}.stamp_record() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.data = OLD.data AND NEW.deleted = OLD.deleted
       AND NEW.position = OLD.position AND NEW.file IS NOT DISTINCT FROM OLD.file
       AND NEW.key = OLD.key AND NEW.kind = OLD.kind THEN
        NEW.changed_rev := OLD.changed_rev;   -- nothing a kiosk shows has changed
        NEW.updated_at := OLD.updated_at;
        RETURN NEW;
    END IF;
    NEW.changed_rev := {SCHEMA}.bump_revision();
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION {SCHEMA}.tombstone_record() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {SCHEMA}.content_record SET deleted = true
        WHERE kind = OLD.kind AND key = OLD.key AND NOT deleted;
    RETURN NULL;  -- keep the row as a tombstone
END $$;

DROP TRIGGER IF EXISTS stamp_record ON {SCHEMA}.content_record;
CREATE TRIGGER stamp_record BEFORE INSERT OR UPDATE ON {SCHEMA}.content_record
    FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.stamp_record();
DROP TRIGGER IF EXISTS tombstone_record ON {SCHEMA}.content_record;
CREATE TRIGGER tombstone_record BEFORE DELETE ON {SCHEMA}.content_record
    FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.tombstone_record();
"""


# Usage events from every kiosk (kiosk.usage.events). A schema of their own: the kiosks' role may
# INSERT here and nothing else (it cannot read other kiosks' events, change or delete any),
# while it stays read-only for the content. The event's uuid is the key, so a push repeated
# after a crash inserts nothing twice (INSERT ... ON CONFLICT DO NOTHING, content_sync.usage_push).
USAGE_SCHEMA = "bom_usage"
_USAGE_DDL = f"""
CREATE SCHEMA IF NOT EXISTS {USAGE_SCHEMA};
CREATE TABLE IF NOT EXISTS {USAGE_SCHEMA}.usage_event (
    id uuid PRIMARY KEY,
    kiosk_id text NOT NULL,
    at timestamp NOT NULL,                    -- UTC, as the kiosk recorded it
    kind text NOT NULL,
    symbol text,
    name text,
    value text,
    count integer,
    detail jsonb,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS usage_event_at ON {USAGE_SCHEMA}.usage_event (at);
"""


class CentralError(RuntimeError):
    """The central database cannot be used as asked (not initialised, refused...)."""


class CentralContentError(CentralError):
    """The central content itself is unsafe to use (a record names a bad file)."""


# A procedure record's `file` is the stem of its file under procedures/: a plain name, never a
# path: Latin letters, digits, '-', '_' and inner dots, starting with a letter or a digit (so
# never '.', '..' or a hidden file), without slashes, backslashes, spaces or control characters.
FILE_NAME_MAX = 100
_SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def file_name_problem(name: object) -> str | None:
    """Why `name` cannot be a procedure file's name, or None when it is a plain safe name."""
    if not isinstance(name, str):
        return f"file name {name!r}: not a text"
    if len(name) > FILE_NAME_MAX:
        return f"file name {name[:40]!r}...: longer than {FILE_NAME_MAX} characters"
    if not _SAFE_FILE_NAME.fullmatch(name) or name.endswith("."):
        return (f"file name {name!r} is not a plain file name (Latin letters without "
                f"accents, digits, '-', '_' and '.', starting with a letter or a digit; no "
                f"spaces, no path)")
    return None


def record_file_problem(kind: str, key: str, file: object) -> str | None:
    """The problem with a record's `file`, naming the record (None: fine, or no file)."""
    if file is None:
        return None
    problem = file_name_problem(file)
    if problem is None:
        return None
    return f"{RECORD_KINDS[kind].label if kind in RECORD_KINDS else kind} {key!r}: {problem}"


@dataclass(frozen=True)
class InitResult:
    url: str
    created: bool
    reader_role: str
    reader_can_login: bool
    revision: int


@dataclass(frozen=True)
class ImportResult:
    revision_before: int
    revision_after: int
    added: int
    changed: int
    removed: int
    unchanged: int

    @property
    def changed_anything(self) -> bool:
        return self.revision_after != self.revision_before


@dataclass(frozen=True)
class ExportResult:
    revision: int
    records: int
    files: int


def _role_exists(conn, role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


def init_central(url: str, *, reader_role: str = DEFAULT_READER_ROLE,
                 reader_password: str | None = None, password: str | None = None,
                 connect_timeout: float = 10.0) -> InitResult:
    """Create (or bring up to date) the central schema and the kiosks' read-only role.

    Safe to run again: nothing that exists is dropped, content and the counter stay."""
    if not re.match(r"^[a-z_][a-z0-9_]{0,62}$", reader_role):
        raise CentralError(f"role name {reader_role!r}: use lowercase letters, digits and '_'")
    with connect(url, password=password, connect_timeout=connect_timeout,
                 statement_timeout=None, application_name="bom-central") as conn, \
            conn.transaction():
        existed = conn.execute(
            "SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.central_state",)).fetchone()[0]
        conn.execute(_DDL)
        conn.execute(f"INSERT INTO {SCHEMA}.central_state (id, ddl_version, schema_version) "
                     f"VALUES (1, %s, 1) ON CONFLICT (id) DO NOTHING", (CENTRAL_DDL_VERSION,))
        role = sql.Identifier(reader_role)
        if not _role_exists(conn, reader_role):
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(role))
        if reader_password:
            conn.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(
                role, sql.Literal(reader_password)))
        # Read-only by default and by grant: a stolen kiosk's credentials change nothing.
        conn.execute(sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on")
                     .format(role))
        dbname = conn.info.dbname
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
            sql.Identifier(dbname), role))
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
            sql.Identifier(SCHEMA), role))
        conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(
            sql.Identifier(SCHEMA), role))
        conn.execute(sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN "
                             "SCHEMA {} FROM {}").format(sql.Identifier(SCHEMA), role))
        # Usage events: INSERT only (a kiosk's push opens a READ WRITE transaction).
        conn.execute(_USAGE_DDL)
        usage = sql.Identifier(USAGE_SCHEMA)
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(usage, role))
        conn.execute(sql.SQL("REVOKE ALL ON {}.usage_event FROM {}").format(usage, role))
        conn.execute(sql.SQL("GRANT INSERT ON {}.usage_event TO {}").format(usage, role))
        _setup_fleet(conn, reader_role)
        can_login = conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s",
                                 (reader_role,)).fetchone()[0]
        rev = conn.execute(f"SELECT revision FROM {SCHEMA}.central_state").fetchone()[0]
    return InitResult(url, not existed, reader_role, bool(can_login), rev)



# --- one credential per kiosk: the fleet schema and row-level security ----------------------
#
# Each kiosk logs in with a role of its own (`bom_kiosk_<name>`, made by add_kiosk), a member
# of the NOLOGIN group KIOSK_GROUP_ROLE, which holds every grant: SELECT on the content, INSERT
# on usage events and heartbeats, INSERT/UPDATE/SELECT on alerts. Row-level security on those
# tables lets a member write (and read) only rows whose kiosk_id is its own kiosk's name, as
# bom_fleet.kiosk maps role to name (bom_fleet.kiosk_of(current_user)). The owner of the tables
# (the role `kiosk central init` runs as) is not subject to RLS (not FORCEd): reports and
# `kiosk fleet` read everything with it. Role settings are not inherited from a group, so each
# kiosk role gets `default_transaction_read_only = on` itself: a push opens a READ WRITE
# transaction on purpose, anything else is read-only twice over (by default and by grant).
FLEET_SCHEMA = "bom_fleet"
KIOSK_GROUP_ROLE = "bom_kiosks"
KIOSK_ROLE_PREFIX = "bom_kiosk_"
# Lowercase letters, digits and inner '-': also what [usage] kiosk_id must be on that kiosk.
KIOSK_NAME_MAX = 63 - len(KIOSK_ROLE_PREFIX)
_KIOSK_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")

_FLEET_DDL = f"""
CREATE SCHEMA IF NOT EXISTS {FLEET_SCHEMA};
CREATE TABLE IF NOT EXISTS {FLEET_SCHEMA}.kiosk (
    name text PRIMARY KEY,                    -- the kiosk_id its rows carry
    role text NOT NULL UNIQUE,                -- its login role
    created_at timestamptz NOT NULL DEFAULT now()
);
-- The kiosk a role stands for (NULL: none). SECURITY DEFINER: kiosks cannot read the table.
CREATE OR REPLACE FUNCTION {FLEET_SCHEMA}.kiosk_of(role_name name) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT name FROM {FLEET_SCHEMA}.kiosk WHERE role = role_name::text
$$;
REVOKE ALL ON FUNCTION {FLEET_SCHEMA}.kiosk_of(name) FROM PUBLIC;

-- One row per sync that reached the central database; the latest one is the kiosk's state.
CREATE TABLE IF NOT EXISTS {FLEET_SCHEMA}.heartbeat (
    kiosk_id text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),    -- the central clock (kiosks may not set it)
    kiosk_time timestamptz,                   -- the kiosk's own clock, to spot a wrong one
    central_revision bigint,                  -- the central content revision it has
    content_revision_id integer,              -- its local content revision
    sync_outcome text,                        -- ok, partial, unchanged, rejected, local...
    sync_summary text,
    app_version text
);
CREATE INDEX IF NOT EXISTS heartbeat_kiosk_at ON {FLEET_SCHEMA}.heartbeat (kiosk_id, at DESC);

-- The kiosks' staff alerts (kiosk.ops.alerts), mirrored at each sync: open ones upserted by
-- their local id, those no longer open on the kiosk marked cleared.
CREATE TABLE IF NOT EXISTS {FLEET_SCHEMA}.alert (
    kiosk_id text NOT NULL,
    local_id bigint NOT NULL,
    raised_at timestamptz NOT NULL,
    source text NOT NULL,
    kind text NOT NULL,
    detail text NOT NULL DEFAULT '',
    cleared_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kiosk_id, local_id)
);
CREATE INDEX IF NOT EXISTS alert_open ON {FLEET_SCHEMA}.alert (kiosk_id) WHERE cleared_at IS NULL;
"""
_OWN = f"kiosk_id = {FLEET_SCHEMA}.kiosk_of(current_user)"
_HEARTBEAT_COLUMNS = ("kiosk_id, kiosk_time, central_revision, content_revision_id, "
                      "sync_outcome, sync_summary, app_version")
_ALERT_INSERT = "kiosk_id, local_id, raised_at, source, kind, detail, cleared_at"
_ALERT_UPDATE = "raised_at, source, kind, detail, cleared_at, updated_at"
# (table, policy, command, USING, WITH CHECK): all TO the kiosks' group.
_POLICIES = (
    (f"{USAGE_SCHEMA}.usage_event", "kiosk_insert_own", "INSERT", None, _OWN),
    (f"{FLEET_SCHEMA}.heartbeat", "kiosk_insert_own", "INSERT", None, _OWN),
    (f"{FLEET_SCHEMA}.alert", "kiosk_select_own", "SELECT", _OWN, None),
    (f"{FLEET_SCHEMA}.alert", "kiosk_insert_own", "INSERT", None, _OWN),
    (f"{FLEET_SCHEMA}.alert", "kiosk_update_own", "UPDATE", _OWN, _OWN),
)


def kiosk_name_problem(name: object) -> str | None:
    """Why `name` cannot be a kiosk's name, or None."""
    if not isinstance(name, str) or not name:
        return "a kiosk name is needed"
    if len(name) > KIOSK_NAME_MAX:
        return f"kiosk name {name[:20]!r}...: longer than {KIOSK_NAME_MAX} characters"
    if not _KIOSK_NAME.fullmatch(name):
        return (f"kiosk name {name!r}: use lowercase Latin letters, digits and '-' (not first "
                f"or last), e.g. 'hall-1'; it must equal the kiosk's [usage] kiosk_id")
    return None


def kiosk_role(name: str) -> str:
    """The login role of kiosk `name` ('hall-1' -> 'bom_kiosk_hall_1'; names have no '_', so
    two names never share a role)."""
    problem = kiosk_name_problem(name)
    if problem:
        raise CentralError(problem)
    return KIOSK_ROLE_PREFIX + name.replace("-", "_")


def _setup_fleet(conn, reader_role: str) -> None:
    """The fleet tables, the kiosks' group role, its grants and the RLS policies (inside
    init_central's transaction; safe to run again)."""
    if reader_role == KIOSK_GROUP_ROLE:
        raise CentralError(f"{KIOSK_GROUP_ROLE!r} is the kiosks' group role: choose another "
                           f"name for the shared role")
    conn.execute(_FLEET_DDL)
    group = sql.Identifier(KIOSK_GROUP_ROLE)
    if not _role_exists(conn, KIOSK_GROUP_ROLE):
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(group))
    content, usage, fleet = (sql.Identifier(n) for n in (SCHEMA, USAGE_SCHEMA, FLEET_SCHEMA))
    for statement in (
            "GRANT CONNECT ON DATABASE {db} TO {g}",
            "GRANT USAGE ON SCHEMA {content} TO {g}",
            "GRANT SELECT ON ALL TABLES IN SCHEMA {content} TO {g}",
            "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA {content} FROM {g}",
            "GRANT USAGE ON SCHEMA {usage} TO {g}",
            "REVOKE ALL ON {usage}.usage_event FROM {g}",
            "GRANT INSERT ON {usage}.usage_event TO {g}",
            "GRANT USAGE ON SCHEMA {fleet} TO {g}",
            "REVOKE ALL ON ALL TABLES IN SCHEMA {fleet} FROM {g}",
            "GRANT EXECUTE ON FUNCTION {fleet}.kiosk_of(name) TO {g}",
            f"GRANT INSERT ({_HEARTBEAT_COLUMNS}) ON {{fleet}}.heartbeat TO {{g}}",
            "GRANT SELECT ON {fleet}.alert TO {g}",
            f"GRANT INSERT ({_ALERT_INSERT}), UPDATE ({_ALERT_UPDATE}) "
            f"ON {{fleet}}.alert TO {{g}}"):
        conn.execute(sql.SQL(statement).format(
            db=sql.Identifier(conn.info.dbname), g=group, content=content, usage=usage,
            fleet=fleet))
    for table in (f"{USAGE_SCHEMA}.usage_event", f"{FLEET_SCHEMA}.heartbeat",
                  f"{FLEET_SCHEMA}.alert", f"{FLEET_SCHEMA}.kiosk"):
        conn.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for table, name, command, using, check in _POLICIES:
        conn.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
        conn.execute(f"CREATE POLICY {name} ON {table} FOR {command} TO {KIOSK_GROUP_ROLE}"
                     + (f" USING ({using})" if using else "")
                     + (f" WITH CHECK ({check})" if check else ""))
    # The shared role of older setups: still inserts usage events under any name (RLS would
    # refuse it everything without a policy). Retire it with ALTER ROLE ... NOLOGIN once every
    # kiosk has its own credential (docs/operations.md).
    conn.execute(f"DROP POLICY IF EXISTS shared_role_insert ON {USAGE_SCHEMA}.usage_event")
    conn.execute(sql.SQL("CREATE POLICY shared_role_insert ON {}.usage_event FOR INSERT TO {} "
                         "WITH CHECK (true)").format(usage, sql.Identifier(reader_role)))


@dataclass(frozen=True)
class KioskCredential:
    name: str
    role: str
    password: str            # shown once; the database keeps only its SCRAM verifier
    sync_url: str            # KIOSK_SYNC_URL for the kiosk's sync.env (no password in it)
    new: bool                # False: an existing kiosk was given a new password

    def env_lines(self) -> str:
        return f"KIOSK_SYNC_URL={self.sync_url}\nKIOSK_SYNC_PASSWORD={self.password}\n"


@dataclass(frozen=True)
class KioskEntry:
    name: str
    role: str
    created_at: dt.datetime
    can_login: bool


def kiosk_sync_url(admin_url: str, role: str) -> str:
    """The admin URL with the kiosk's role as user and without any password."""
    from sqlalchemy.engine import make_url

    u = make_url(libpq_url(admin_url)).set(username=role, password=None)
    query = {k: v for k, v in u.query.items() if k.lower() != "password"}
    return u.set(query=query).render_as_string(hide_password=False)


def require_fleet_tables(conn) -> None:
    if not conn.execute("SELECT to_regclass(%s) IS NOT NULL",
                        (f"{FLEET_SCHEMA}.kiosk",)).fetchone()[0]:
        raise CentralError("the central database has no kiosk table yet: run `kiosk central "
                           "init` first (again, if it was made by an older version)")


def add_kiosk(url: str, name: str, *, new_password: bool = False,
              password: str | None = None, connect_timeout: float = 10.0) -> KioskCredential:
    """Register kiosk `name` with a login role and a generated password of its own; with
    `new_password`, give an existing kiosk a new one (the old one stops working)."""
    role = kiosk_role(name)
    secret = secrets.token_urlsafe(24)  # 192 bits; URL- and env-file-safe characters
    with connect(url, password=password, connect_timeout=connect_timeout,
                 statement_timeout=None, application_name="bom-central") as conn, \
            conn.transaction():
        require_fleet_tables(conn)
        row = conn.execute(f"SELECT role FROM {FLEET_SCHEMA}.kiosk WHERE name = %s",
                           (name,)).fetchone()
        if row is not None and not new_password:
            raise CentralError(f"kiosk {name!r} exists already (role {row[0]}); give "
                               f"--new-password to replace its password")
        if row is None and new_password:
            raise CentralError(f"no kiosk {name!r} here: add it without --new-password")
        if row is None and _role_exists(conn, role):
            raise CentralError(f"a role {role} exists already but is not a kiosk of this "
                               f"database (another database on the same server, or left "
                               f"over): drop it, or choose another kiosk name")
        # Only the SCRAM verifier travels and is stored: the password is in no SQL text, so
        # in no server log.
        verifier = conn.pgconn.encrypt_password(secret.encode(), role.encode(),
                                                b"scram-sha-256").decode()
        ident = sql.Identifier(role)
        if row is None:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                ident, sql.Literal(verifier), sql.Identifier(KIOSK_GROUP_ROLE)))
            conn.execute(sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on")
                         .format(ident))
            conn.execute(f"INSERT INTO {FLEET_SCHEMA}.kiosk (name, role) VALUES (%s, %s)",
                         (name, role))
        else:
            conn.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(
                ident, sql.Literal(verifier)))
    return KioskCredential(name, role, secret, kiosk_sync_url(url, role), row is None)


def remove_kiosk(url: str, name: str, *, password: str | None = None,
                 connect_timeout: float = 10.0) -> str:
    """Drop kiosk `name`'s role (its credential stops working at once for new connections)
    and its registration; its heartbeats, alerts and usage events stay. Returns the role."""
    role = kiosk_role(name)
    with connect(url, password=password, connect_timeout=connect_timeout,
                 statement_timeout=None, application_name="bom-central") as conn, \
            conn.transaction():
        require_fleet_tables(conn)
        row = conn.execute(f"DELETE FROM {FLEET_SCHEMA}.kiosk WHERE name = %s RETURNING role",
                           (name,)).fetchone()
        if row is None:
            raise CentralError(f"no kiosk {name!r} here")
        if _role_exists(conn, row[0]):
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(row[0])))
    return role


def list_kiosks(url: str, *, password: str | None = None,
                connect_timeout: float = 10.0) -> list[KioskEntry]:
    with connect(url, password=password, connect_timeout=connect_timeout, read_only=True,
                 statement_timeout=None, application_name="bom-central") as conn:
        require_fleet_tables(conn)
        rows = conn.execute(f"SELECT k.name, k.role, k.created_at, coalesce(r.rolcanlogin, "
                            f"false) FROM {FLEET_SCHEMA}.kiosk k LEFT JOIN pg_roles r "
                            f"ON r.rolname = k.role ORDER BY k.name").fetchall()
    return [KioskEntry(*r) for r in rows]

def _jsonable(value: Any) -> Any:
    """YAML values as JSON: dates become ISO strings (the content format accepts both)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _state(conn) -> tuple[int, str, dt.date | None, int]:
    try:
        row = conn.execute(f"SELECT revision, label, published, schema_version "
                           f"FROM {SCHEMA}.central_state WHERE id = 1").fetchone()
    except psycopg.errors.UndefinedTable:
        raise CentralError("the central schema does not exist: run `kiosk central init` "
                           "first") from None
    if row is None:
        raise CentralError("the central schema is not initialised: run `kiosk central init`")
    return row


def import_folder(url: str, folder: Path | str, *, password: str | None = None,
                  connect_timeout: float = 10.0,
                  progress: Progress | None = None) -> ImportResult:
    """Make the central content equal to the folder: add, update, tombstone; one revision.

    The folder is validated whole first (as `kiosk content validate` does) and refused with
    every problem listed. Importing the same folder again changes nothing, not even the
    revision counter."""
    folder = Path(folder)
    progress = progress or Progress()
    progress.stage("check")
    read_content(folder)  # raises ContentError listing every problem
    meta, records = raw_records(folder)
    progress.advance(len(records))
    progress.done("records valid")
    bad_names = sorted({stem for _, stem, _, _ in records
                        if stem is not None and file_name_problem(stem)})
    if bad_names:  # the stem goes into the database and back out as a path on export
        raise ContentError([ContentProblem(f"procedures/{stem}.yaml", "", "",
                                           str(file_name_problem(stem))) for stem in bad_names])
    wanted: dict[tuple[str, str], tuple[str | None, int, dict]] = {}
    for kind, stem, position, data in records:
        key = record_key(kind, data)
        wanted[(kind, key)] = (stem, position, _jsonable(data))
    label = str(meta.get("revision") or "")
    published = _jsonable(meta.get("published"))
    schema_version = int(meta.get("schema_version") or 1)

    with connect(url, password=password, connect_timeout=connect_timeout,
                 statement_timeout=None, application_name="bom-central-import") as conn, \
            conn.transaction():
        # Lock the counter first: imports run one at a time and commit in counter order.
        conn.execute(f"SELECT 1 FROM {SCHEMA}.central_state WHERE id = 1 FOR UPDATE")
        before, old_label, old_published, old_version = _state(conn)
        have = {(k, key): (file, pos, data, deleted) for k, key, file, pos, data, deleted in
                conn.execute(f"SELECT kind, key, file, position, data, deleted "
                             f"FROM {SCHEMA}.content_record")}
        upserts, added, changed, unchanged = [], 0, 0, 0
        progress.stage("write", len(wanted))
        for (kind, key), (stem, pos, data) in wanted.items():
            old = have.get((kind, key))
            if old is not None and not old[3] and old[:3] == (stem, pos, data):
                unchanged += 1
                continue
            if old is None or old[3]:
                added += 1
            else:
                changed += 1
            upserts.append((kind, key, stem, pos, Jsonb(data)))
        gone = [(k, key) for (k, key), old in have.items()
                if not old[3] and (k, key) not in wanted]
        with conn.cursor() as cur:
            if upserts:
                cur.executemany(
                    f"INSERT INTO {SCHEMA}.content_record (kind, key, file, position, data) "
                    f"VALUES (%s, %s, %s, %s, %s) ON CONFLICT (kind, key) DO UPDATE SET "
                    f"file = EXCLUDED.file, position = EXCLUDED.position, "
                    f"data = EXCLUDED.data, deleted = false", upserts)
            if gone:
                cur.executemany(f"UPDATE {SCHEMA}.content_record SET deleted = true "
                                f"WHERE kind = %s AND key = %s", gone)
        progress.advance(len(wanted))
        progress.done(f"{added} added, {changed} changed, {len(gone)} removed")
        old_pub = old_published.isoformat() if old_published else None
        if (label, published, schema_version) != (old_label, old_pub, old_version):
            conn.execute(
                f"UPDATE {SCHEMA}.central_state SET label = %s, published = %s, "
                f"schema_version = %s WHERE id = 1", (label, published, schema_version))
            conn.execute(f"SELECT {SCHEMA}.bump_revision()")
        after = _state(conn)[0]
    return ImportResult(before, after, added, changed, len(gone), unchanged)


# Field order for exported files: as docs/content-format.md lists them, so an exported folder
# reads like the one the editor wrote (JSONB does not keep key order).
_ORDER = {
    "category": "code order icon name description unconfirmed",
    "department": "code name building entrance floor room phones email hours scope source_url "
                  "unconfirmed",
    "queue_category": "letter name department hours daily_limit cutoff_minutes priority "
                      "booking_url prepare unconfirmed",
    "form": "code title department description url fields unconfirmed",
    "rate": "code kind name amount percent unit year resolution notes unconfirmed",
    "announcement": "code title body valid_from valid_to unconfirmed",
    "procedure": "symbol category department queue_category title summary who_may_apply steps "
                 "documents fees fee_exemptions payment_methods deadline deadline_days place "
                 "legal_basis appeal appeal_none notes online_url valid_from last_reviewed "
                 "source_url keywords unconfirmed",
    "synonym": "words means",
    "closure": "code date until kind hours reason unconfirmed",
    "elsewhere": "code title summary handled_by address phones hours url keywords unconfirmed",
}
_LANG_ORDER = ("pl", "en", "uk")
_DATE_FIELDS = frozenset({"valid_from", "valid_to", "last_reviewed", "published", "date",
                          "until"})


def _ordered(kind: str, data: dict) -> dict:
    order = _ORDER[kind].split()
    keys = sorted(data, key=lambda k: (order.index(k) if k in order else len(order), k))
    out = {}
    for k in keys:
        v = data[k]
        if k in _DATE_FIELDS and isinstance(v, str):
            with contextlib.suppress(ValueError):
                v = dt.date.fromisoformat(v)
        out[k] = _tidy(v)
    return out


def _tidy(v: Any) -> Any:
    if isinstance(v, dict):
        for order in (_LANG_ORDER, WEEKDAYS):  # a text in languages; hours by weekday
            if v and set(v) <= set(order):
                return {k: _tidy(v[k]) for k in order if k in v}
        return {k: _tidy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_tidy(x) for x in v]
    return v


def _inside(root: Path, path: Path) -> Path:
    """`path` resolved (symbolic links followed), refused unless it stays inside `root`."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        raise CentralContentError(f"refusing to write {path}: it resolves to {resolved}, "
                                  f"outside the export folder {root}")
    return resolved


def _dump(root: Path, name: str, header: str, data: dict) -> None:
    path = _inside(root, root / name)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(header + text, encoding="utf-8")


def export_folder(url: str, folder: Path | str, *, password: str | None = None,
                  connect_timeout: float = 10.0) -> ExportResult:
    """Write the central content as a content folder (the format `import` reads).

    Files of the folder that the export does not write (old procedure files) are removed, so
    importing the folder again gives exactly the central content. Comments are not kept."""
    folder = Path(folder)
    with connect(url, password=password, connect_timeout=connect_timeout,
                 statement_timeout=None, application_name="bom-central-export") as conn:
        conn.read_only = True
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            revision, label, published, schema_version = _state(conn)
            rows = conn.execute(f"SELECT kind, key, file, position, data FROM {SCHEMA}."
                                f"content_record WHERE NOT deleted "
                                f"ORDER BY kind, file NULLS FIRST, position, key").fetchall()
    # Every file name comes from the database: check them all before writing anything.
    bad = [problem for kind, key, file, _pos, _data in rows
           if (problem := record_file_problem(kind, key, file))]
    if bad:
        more = f" (and {len(bad) - 10} more)" if len(bad) > 10 else ""
        raise CentralContentError(
            "; ".join(bad[:10]) + more + ". Nothing was exported: correct the file names in "
            f"{SCHEMA}.content_record first")
    header = (f"# Exported from the central content database, revision {revision}, "
              f"{dt.datetime.now().isoformat(timespec='seconds')}.\n")
    by_file: dict[str, list] = {}
    for kind, _key, file, _pos, data in rows:
        spec = RECORD_KINDS[kind]
        name = f"procedures/{file or 'other'}.yaml" if kind == "procedure" else spec.file
        by_file.setdefault(name, []).append(_ordered(kind, data))
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    meta = {"schema_version": schema_version, "revision": label}
    if published:
        meta["published"] = published
    _dump(root, "content.yaml", header, meta)
    written = {"content.yaml"}
    for spec in RECORD_KINDS.values():
        if spec.kind == "procedure":
            continue
        _dump(root, spec.file, header, {spec.key: by_file.get(spec.file, [])})
        written.add(spec.file)
    procs = root / "procedures"
    if procs.is_dir():
        _inside(root, procs)
        for old in procs.glob("*.yaml"):
            if f"procedures/{old.name}" not in by_file:
                old.unlink()
    for name, items in by_file.items():
        if name.startswith("procedures/"):
            _dump(root, name, header, {"procedures": items})
            written.add(name)
    return ExportResult(revision, len(rows), len(written))


def drop_central(url: str, *, password: str | None = None) -> None:
    """Remove the central schema (tests and drills only; the role stays)."""
    with connect(url, password=password, statement_timeout=None) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.commit()



"""The one schema of the server's store, as versioned migrations.

Each migration is SQL in generic types (``INTEGER``, ``BLOB``) that
:meth:`server_stub.dialects.Dialect.schema` spells for its backend.  ``schema_migrations``
lists the versions applied; :func:`apply` runs the missing ones in one transaction that holds
the migration lock (``BEGIN IMMEDIATE`` on SQLite, ``pg_advisory_xact_lock`` on PostgreSQL),
so two servers starting at once never migrate twice.  A database that lists a version this
server does not know was written by a newer one: refused.  Version 1 is the schema of the
first release, written with ``IF NOT EXISTS``, so a database from before migrations existed
is adopted as it is.  A migration may name a *backfill* (rows computed in Python from the
rows already there), which the caller supplies and :func:`apply` runs in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from server_stub.dialects import Conn, Dialect


@dataclass(frozen=True)
class Migration:
    version: int
    sql: str
    #: The backfill run after the SQL (a key of :func:`apply`'s ``backfills``), if any.
    backfill: str | None = None


_V1 = """
CREATE TABLE IF NOT EXISTS meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    server_id TEXT NOT NULL,
    db_version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS offices (
    scope TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    office TEXT NOT NULL,
    role TEXT NOT NULL,
    user_name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT,
    last_used_at TEXT
);
CREATE TABLE IF NOT EXISTS replicas (
    office TEXT NOT NULL,
    replica_id TEXT NOT NULL,
    last_op_seq INTEGER NOT NULL DEFAULT 0,
    last_sync_at TEXT,
    PRIMARY KEY (office, replica_id)
);
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    fields BLOB NOT NULL,
    versions BLOB NOT NULL,  -- packed: a key of fields absent here was set at seq
    writers BLOB NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    seq INTEGER NOT NULL,
    updated_at TEXT,
    updated_by TEXT,
    office TEXT,
    audience BLOB NOT NULL,
    published BLOB NOT NULL,
    doc BLOB NOT NULL,
    sole_writer TEXT  -- the one writer of every current value, if any (no echo to it)
);
CREATE UNIQUE INDEX IF NOT EXISTS records_seq ON records (seq);
CREATE INDEX IF NOT EXISTS records_kind ON records (kind);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL,
    at TEXT NOT NULL,
    edited_at TEXT,
    author TEXT,
    user_name TEXT,
    office TEXT,
    replica_id TEXT,
    op_seq INTEGER,
    status TEXT NOT NULL,
    changes BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_record ON changes (record_id, seq);
"""

#: The change feed indexed by audience: one row per (feed key, record) pointing at the record's
#: newest seq (see :func:`server_stub.access.feed_keys`), so an office's pull reads only the
#: rows filed under its keys, through ``feed_audience_seq``.  Backfilled from the records.
_V2 = """
CREATE TABLE IF NOT EXISTS feed (
    audience TEXT NOT NULL,
    record_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (audience, record_id)
);
CREATE INDEX IF NOT EXISTS feed_audience_seq ON feed (audience, seq);
"""

FEED = "feed"

MIGRATIONS: tuple[Migration, ...] = (Migration(1, _V1), Migration(2, _V2, backfill=FEED))
LATEST = MIGRATIONS[-1].version

_LEDGER = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
)


class NewerDatabase(Exception):
    def __init__(self, found: int) -> None:
        super().__init__(found)
        self.found = found


def apply(
    conn: Conn, dialect: Dialect, at: str, backfills: Mapping[str, Callable[[Conn], None]]
) -> list[int]:
    """Apply the missing migrations (inside the caller's locked transaction), each with its
    backfill; the versions applied, oldest first.  Raises :class:`NewerDatabase` for an
    unknown version."""
    conn.execute(dialect.schema(_LEDGER))
    done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    if done and max(done) > LATEST:
        raise NewerDatabase(max(done))
    applied = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        for statement in dialect.schema(migration.sql).split(";"):
            if statement.strip():
                conn.execute(statement)
        if migration.backfill is not None:
            backfills[migration.backfill](conn)
        conn.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
            (migration.version, at),
        )
        applied.append(migration.version)
    return applied

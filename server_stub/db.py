"""The durable store of the central service.  ALL SQL of the server lives here and in
:mod:`server_stub.migrations` (the schema), written once for both backends; the few fragments
that differ, the connections and the transactions are :mod:`server_stub.dialects`'.

SQLite in WAL mode by default (a file); PostgreSQL for a ``postgresql://`` URL.  The
statements are plain SQL (``INSERT … ON CONFLICT``, no ``json_extract``, no ``INSERT OR
REPLACE``).  JSON columns hold orjson bytes (``BLOB`` there, ``BYTEA`` here).

Durability: on SQLite ``synchronous=FULL`` by default, i.e. the WAL is fsynced on every
commit, so a push the server acknowledged survives a SIGKILL *and* a power cut.  A replica
forgets the ops the server acknowledged, so an acknowledged-then-lost commit would be data lost
for good; one fsync per push request (~0.3 ms here) is a small price.  ``NORMAL`` (settings)
survives a killed process but may lose the last commits on power loss.  PostgreSQL commits
durably by its own ``synchronous_commit`` (on by default).

Threads: uvicorn runs request work in a thread pool.  Writes are serialised by one fair lock
in the process *and* by the database (``BEGIN IMMEDIATE`` on SQLite, which also covers a
second process on the same file; a row lock on PostgreSQL, see :mod:`server_stub.dialects`
for why no pull can skip a change).  Reads run on a snapshot and never wait for the writer.
Pushes (and the "last seen" touches) do not each take that lock: they queue their steps in
:class:`GroupCommit`, which runs everything queued in one write transaction and one commit
flush, and answers each only after that commit.

The change feed indexed by audience (table ``feed``): every record is filed under the keys of
the offices that may read or hold it (:func:`server_stub.access.feed_keys`) at its newest
seq, in the transaction that saves it, so under the same lock that orders the feed.  An
office's pull reads its few keys through ``feed_audience_seq``: its cost follows its own
changes, not every office's.  Headquarters and a root office read ``records`` by seq (they
see everything).
"""

from __future__ import annotations

import collections
import functools
import hashlib
import threading
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from domain.errors import SotayError
from domain.schema import is_open_conflict
from server_stub import migrations
from server_stub.access import feed_keys, reading_keys
from server_stub.dialects import (
    Conn,
    Cursor,
    Dialect,
    Engine,
    PostgresEngine,
    SqliteEngine,
    is_postgresql,
)
from server_stub.state import Stored

_IN_CHUNK = 500  # ids per "IN (…)" query: far below every backend's parameter limit
_META_SQL = "SELECT server_id, seq FROM meta WHERE id = 1"
_LAST_OP_SQL = "SELECT last_op_seq FROM replicas WHERE office = ? AND replica_id = ?"


def _chunks(items: Sequence[Any]) -> range:
    """The starts of the ``_IN_CHUNK``-long slices of ``items``."""
    return range(0, len(items), _IN_CHUNK)


#: In a stored history row, ``{CREATED: {key: value}}`` stands for ``{key: {"old": None,
#: "new": value}}`` (a new record: the common case of an initial push, stored compactly).
CREATED = "@created"

_RECORD_COLUMNS = (
    "id, kind, scope, fields, versions, writers, deleted, seq, updated_at, updated_by, office, "
    "audience, published"
)


#: The tables :meth:`Database.copy_to` moves, with their columns (``meta`` is set apart).
_COPIED = {
    "offices": "scope, name, created_at",
    "tokens": "id, hash, office, role, user_name, created_at, expires_at, revoked_at, last_used_at",
    "replicas": "office, replica_id, last_op_seq, last_sync_at",
    "records": f"{_RECORD_COLUMNS}, doc, sole_writer",
    "changes": "seq, record_id, at, edited_at, author, user_name, office, replica_id, op_seq, "
    "status, changes",
}


#: One row of the change feed indexed by audience (migration 2): the record ``record_id`` is
#: filed under the key ``audience`` at its newest ``seq``.
_FEED_UPSERT = (
    "INSERT INTO feed (audience, record_id, seq) VALUES (?, ?, ?) "
    "ON CONFLICT (audience, record_id) DO UPDATE SET seq = excluded.seq"
)

#: A pull's read of the feed under one key: the first rows after the cursor, through
#: ``feed_audience_seq``; a row whose record has moved on since (a key it lost) is left out.
_FEED_ARM = (
    "SELECT seq FROM (SELECT f.seq FROM feed f JOIN records r ON r.id = f.record_id "
    "AND r.seq = f.seq WHERE f.audience = ? AND f.seq > ?{skip} ORDER BY f.seq LIMIT ?) k{n}"
)


@functools.lru_cache(maxsize=4096)
def _keys(scope: str, published: tuple[str, ...], audience: tuple[str, ...]) -> tuple[str, ...]:
    """:func:`feed_keys`, remembered: the records of one push mostly share their scopes."""
    return tuple(sorted(feed_keys(scope, published, audience)))


def _feed_rows(record_id: str, seq: int, scope: str, published: Any, audience: Any) -> list[Any]:
    return [(key, record_id, seq) for key in _keys(scope, tuple(published), tuple(audience))]


def rebuild_feed(conn: Conn) -> None:
    """File every record in the feed anew (migration 2's backfill; ``copy``'s last step)."""
    conn.execute("DELETE FROM feed")
    records = conn.stream("SELECT id, seq, scope, published, audience FROM records", ())
    try:
        while batch := records.fetchmany(1000):
            rows = []
            for r in batch:
                rows += _feed_rows(r[0], r[1], r[2], orjson.loads(r[3]), orjson.loads(r[4]))
            conn.executemany(_FEED_UPSERT, rows)
    finally:
        records.close()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class ServerDbError(SotayError):
    key = "server.db_unreadable"
    exit_code = 5


@dataclass(frozen=True)
class TokenRow:
    id: str
    hash: str
    office: str
    role: str
    user: str
    created_at: str
    expires_at: str | None
    revoked_at: str | None
    last_used_at: str | None
    #: Does the token's office still exist (``office remove`` stops its tokens at once)?
    office_exists: bool = True


_TOKEN_COLUMNS = (
    "t.id, t.hash, t.office, t.role, t.user_name, t.created_at, t.expires_at, t.revoked_at, "
    "t.last_used_at, o.scope IS NOT NULL FROM tokens t LEFT JOIN offices o ON o.scope = t.office"
)


def _token_row(row: Sequence[Any]) -> TokenRow:
    return TokenRow(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        row[7],
        row[8],
        office_exists=bool(row[9]),
    )


#: A row of the change feed: (seq, id, scope, published JSON, audience JSON, record JSON) —
#: enough to decide readability without parsing the record.  A plain tuple: a 10,000-record
#: pull reads 10,000 of them.
ScanRow = tuple[int, str, str, bytes, bytes, bytes, str | None]


class ChangeRow(NamedTuple):
    """One row of a record's history (a named tuple: an initial push makes one per op)."""

    seq: int
    record_id: str
    at: str
    edited_at: str | None
    author: str | None
    user: str | None
    office: str | None
    replica_id: str | None
    op_seq: int | None
    status: str
    changes: dict[str, Any]


def _expand(changes: dict[str, Any]) -> dict[str, Any]:
    created = changes.get(CREATED)
    if created is None:
        return changes
    return {k: {"old": None, "new": v} for k, v in created.items()}


def _stored(row: Sequence[Any]) -> Stored:
    fields = orjson.loads(row[3])
    return Stored(
        id=row[0],
        kind=row[1],
        scope=row[2],
        fields=fields,
        versions=Stored.unpack_versions(fields, row[7], orjson.loads(row[4])),
        writers=orjson.loads(row[5]),
        deleted=bool(row[6]),
        seq=row[7],
        updated_at=row[8],
        updated_by=row[9],
        office=row[10],
        audience=orjson.loads(row[11]),
        published=orjson.loads(row[12]),
    )


def _record_params(rec: Stored) -> tuple[Any, ...]:
    fields = orjson.dumps(rec.fields)
    return (
        rec.id,
        rec.kind,
        rec.scope,
        fields,
        orjson.dumps(rec.packed_versions()),
        orjson.dumps(rec.writers),
        int(rec.deleted),
        rec.seq,
        rec.updated_at,
        rec.updated_by,
        rec.office,
        orjson.dumps(rec.audience),
        orjson.dumps(rec.published),
        rec.wire_json(fields),
        rec.sole_writer(),
    )


class Reader:
    """Queries valid inside any transaction (read or write)."""

    def __init__(self, conn: Conn, dialect: Dialect) -> None:
        self.conn = conn
        self.dialect = dialect

    # --- meta ---------------------------------------------------------------------------
    def meta(self) -> tuple[str, int]:
        row = self.conn.execute(_META_SQL).fetchone()
        return row[0], row[1]

    # --- tokens and offices -------------------------------------------------------------
    def token_by_hash(self, token_hash: str) -> TokenRow | None:
        row = self.conn.execute(
            f"SELECT {_TOKEN_COLUMNS} WHERE t.hash = ?", (token_hash,)
        ).fetchone()
        return _token_row(row) if row else None

    def tokens(self) -> list[TokenRow]:
        rows = self.conn.execute(f"SELECT {_TOKEN_COLUMNS} ORDER BY t.created_at, t.id").fetchall()
        return [_token_row(r) for r in rows]

    def token(self, token_id: str) -> TokenRow | None:
        row = self.conn.execute(f"SELECT {_TOKEN_COLUMNS} WHERE t.id = ?", (token_id,)).fetchone()
        return _token_row(row) if row else None

    def office(self, scope: str) -> tuple[str, str, str] | None:
        row = self.conn.execute(
            "SELECT scope, name, created_at FROM offices WHERE scope = ?", (scope,)
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def offices(self) -> list[tuple[str, str, str]]:
        rows = self.conn.execute("SELECT scope, name, created_at FROM offices ORDER BY scope")
        return [(r[0], r[1], r[2]) for r in rows]

    def replica_stats(self) -> list[tuple[str, str, str | None]]:
        """(office, replica_id, last_sync_at) of every replica ever seen."""
        rows = self.conn.execute("SELECT office, replica_id, last_sync_at FROM replicas")
        return [(r[0], r[1], r[2]) for r in rows]

    def open_conflict_scopes(self) -> list[str]:
        """The scope of every live conflict record whose status is still open."""
        rows = self.conn.execute(
            "SELECT scope, fields FROM records WHERE kind = 'conflict' AND deleted = 0"
        )
        return [r[0] for r in rows if is_open_conflict("conflict", orjson.loads(r[1]))]

    # --- records ------------------------------------------------------------------------
    def replica_last_op(self, office: str, replica_id: str) -> int:
        row = self.conn.execute(_LAST_OP_SQL, (office, replica_id)).fetchone()
        return row[0] if row else 0

    def records(self, ids: Iterable[str]) -> dict[str, Stored]:
        """The stored records among ``ids``, in a few queries whatever their number."""
        wanted = list(dict.fromkeys(ids))
        found = [self._records_query(wanted[n : n + _IN_CHUNK]) for n in _chunks(wanted)]
        return {row[0]: _stored(row) for rows in found for row in rows}

    def _records_query(self, chunk: Sequence[str]) -> Cursor:
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT {_RECORD_COLUMNS} FROM records WHERE id IN ({marks})"
        return self.conn.execute(sql, chunk)

    def record(self, record_id: str) -> Stored | None:
        return self.records([record_id]).get(record_id)

    def scan(
        self, since: int, limit: int, office: str | None = None, skip_writer: str | None = None
    ) -> Generator[ScanRow, None, None]:
        """Up to ``limit`` records changed after ``since``, in sequence order, read lazily
        (a page that fills up early stops reading).  Rows whose sole writer is
        ``skip_writer`` (the asking replica's own records) are left out.

        With ``office``, only rows that office might read or hold come back, read from the
        feed under its keys (:func:`server_stub.access.reading_keys`) through the index: an
        office's pull never visits another office's changes.  The caller decides exactly.
        Without (headquarters), or for a root office, every record.
        """
        keys = None if office is None else reading_keys(office)
        if keys is None:
            skip = " AND (sole_writer IS NULL OR sole_writer != ?)" if skip_writer else ""
            sql = (
                "SELECT seq, id, scope, published, audience, doc, sole_writer FROM records "
                f"WHERE seq > ?{skip} ORDER BY seq LIMIT ?"
            )
            params: list[int | str] = [since, *([skip_writer] if skip_writer else []), limit]
        else:
            sql, params = self._feed_query(since, limit, keys, skip_writer)
        cursor = self.conn.stream(sql, params)
        try:
            while True:
                rows = cursor.fetchmany(256)
                if not rows:
                    return
                yield from rows
        finally:
            cursor.close()  # before the read transaction ends, even when stopped early

    @staticmethod
    def _feed_query(
        since: int, limit: int, keys: list[str], skip_writer: str | None
    ) -> tuple[str, list[int | str]]:
        """The first ``limit`` rows after ``since`` under each of an office's keys (each
        through the index, in order), merged without duplicates, the first ``limit`` kept."""
        skip = " AND (r.sole_writer IS NULL OR r.sole_writer != ?)" if skip_writer else ""
        arms = " UNION ".join(_FEED_ARM.format(skip=skip, n=n) for n in range(len(keys)))
        params: list[int | str] = []
        for key in keys:
            params += [key, since, *([skip_writer] if skip_writer else []), limit]
        # ``seq IN (…)``, not a join on the merged arms: the records are then read through
        # ``records_seq`` in order, while a join sorted every row, record JSON and all, in a
        # temporary tree (SQLite: 0.4 s of a 5,000-record page, now 25 ms)
        sql = (
            "SELECT r.seq, r.id, r.scope, r.published, r.audience, r.doc, r.sole_writer "
            f"FROM records r WHERE r.seq IN ({arms}) ORDER BY r.seq LIMIT ?"
        )
        return sql, [*params, limit]

    def all_records(self) -> Iterator[tuple[str, str, str, bytes, bool]]:
        """(id, kind, scope, flat fields JSON, deleted) of every record, ordered by id."""
        rows = self.conn.execute("SELECT id, kind, scope, fields, deleted FROM records ORDER BY id")
        for r in rows:
            yield r[0], r[1], r[2], r[3], bool(r[4])

    def feed_tag(self, seq: int) -> str:
        """A fingerprint of the change feed at ``seq``: the last change at or before it (its
        position, record and time).  A database restored from an older backup and written
        again holds other changes at those positions, so a replica's cursor tag no longer
        matches (see :attr:`sync.protocol.SyncRequest.since_tag`)."""
        row = self.conn.execute(
            "SELECT seq, record_id, at FROM changes WHERE seq <= ? ORDER BY seq DESC LIMIT 1",
            (seq,),
        ).fetchone()
        if row is None:
            return "0"
        digest = hashlib.blake2b(f"{row[1]}|{row[2]}".encode(), digest_size=6).hexdigest()
        return f"{row[0]}.{digest}"

    def history(self, record_id: str) -> list[ChangeRow]:
        rows = self.conn.execute(
            "SELECT seq, record_id, at, edited_at, author, user_name, office, replica_id, "
            "op_seq, status, changes FROM changes WHERE record_id = ? ORDER BY seq",
            (record_id,),
        ).fetchall()
        return [
            ChangeRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                _expand(orjson.loads(r[10])),
            )
            for r in rows
        ]


class Writer(Reader):
    """A write transaction.  ``seq`` is the global counter, stored back on commit."""

    def __init__(self, conn: Conn, dialect: Dialect) -> None:
        super().__init__(conn, dialect)
        self._seq: int | None = None  # read when first wanted (with a push's first reads)
        self._start_seq = 0

    def _took_seq(self, seq: int) -> None:
        self._seq = self._start_seq = seq

    @property
    def seq(self) -> int:
        if self._seq is None:
            self._took_seq(self.meta()[1])
        assert self._seq is not None
        return self._seq

    def next_seq(self) -> int:
        self._seq = self.seq + 1
        return self._seq

    def flush_seq(self) -> None:
        if self._seq is not None and self._seq != self._start_seq:
            self.conn.defer("UPDATE meta SET seq = ? WHERE id = 1", (self._seq,))
            self._start_seq = self._seq

    def push_reads(
        self, office: str, replica_id: str, ids: Iterable[str]
    ) -> tuple[int, dict[str, Stored]]:
        """What a push reads before it writes, in one round trip (with the ``BEGIN`` and the
        lock, on PostgreSQL): the feed counter, the replica's last op, the records."""
        wanted = list(dict.fromkeys(ids))
        with self.conn.batch():
            meta = None if self._seq is not None else self.conn.execute(_META_SQL)
            last = self.conn.execute(_LAST_OP_SQL, (office, replica_id))
            found = [self._records_query(wanted[n : n + _IN_CHUNK]) for n in _chunks(wanted)]
        if meta is not None:
            self._took_seq(meta.fetchone()[1])
        row = last.fetchone()
        return (row[0] if row else 0), {r[0]: _stored(r) for c in found for r in c}

    def save_records(self, records: Sequence[Stored]) -> None:
        self.conn.defer_many(
            "INSERT INTO records (id, kind, scope, fields, versions, writers, deleted, seq, "
            "updated_at, updated_by, office, audience, published, doc, sole_writer) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, scope = excluded.scope, "
            "fields = excluded.fields, versions = excluded.versions, "
            "writers = excluded.writers, deleted = excluded.deleted, seq = excluded.seq, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by, "
            "office = excluded.office, audience = excluded.audience, "
            "published = excluded.published, doc = excluded.doc, "
            "sole_writer = excluded.sole_writer",
            [_record_params(r) for r in records],
        )
        self._save_feed(records)

    def _save_feed(self, records: Sequence[Stored]) -> None:
        """File each record under its feed keys at its new seq (the rows it had replaced)."""
        rows = []
        for r in records:
            rows += _feed_rows(r.id, r.seq, r.scope, r.published, r.audience)
        self.conn.defer_many(_FEED_UPSERT, rows)

    def add_changes(self, rows: Sequence[ChangeRow]) -> None:
        self.conn.defer_many(
            "INSERT INTO changes (seq, record_id, at, edited_at, author, user_name, office, "
            "replica_id, op_seq, status, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*c[:-1], orjson.dumps(c.changes)) for c in rows],
        )

    def set_replica(
        self, office: str, replica_id: str, last_op_seq: int, synced_at: str | None
    ) -> None:
        self.conn.defer(
            "INSERT INTO replicas (office, replica_id, last_op_seq, last_sync_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (office, replica_id) DO UPDATE SET "
            "last_op_seq = excluded.last_op_seq, "
            "last_sync_at = COALESCE(excluded.last_sync_at, replicas.last_sync_at)",
            (office, replica_id, last_op_seq, synced_at),
        )

    def touch_replicas(self, seen: Sequence[tuple[str, str, str]]) -> None:
        """Record (office, replica_id, at) sightings without touching ``last_op_seq``."""
        self.conn.defer_many(
            "INSERT INTO replicas (office, replica_id, last_op_seq, last_sync_at) "
            "VALUES (?, ?, 0, ?) ON CONFLICT (office, replica_id) DO UPDATE SET "
            "last_sync_at = excluded.last_sync_at",
            seen,
        )

    def touch_tokens(self, used: Sequence[tuple[str, str]]) -> None:
        self.conn.defer_many(
            "UPDATE tokens SET last_used_at = ? WHERE id = ?", [(at, i) for i, at in used]
        )

    def add_office(self, scope: str, name: str) -> bool:
        cur = self.conn.execute(
            "INSERT INTO offices (scope, name, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (scope) DO NOTHING",
            (scope, name, now_iso()),
        )
        return cur.rowcount == 1

    def remove_office(self, scope: str, at: str) -> int | None:
        """Delete the office and revoke its tokens; ``None`` if there was no such office, else
        how many live tokens were revoked.  Its records, history and replicas stay."""
        cur = self.conn.execute("DELETE FROM offices WHERE scope = ?", (scope,))
        if cur.rowcount != 1:
            return None
        revoked = self.conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE office = ? AND revoked_at IS NULL", (at, scope)
        )
        return int(revoked.rowcount)

    def add_token(self, row: TokenRow) -> None:
        self.conn.execute(
            "INSERT INTO tokens (id, hash, office, role, user_name, created_at, expires_at, "
            "revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.id,
                row.hash,
                row.office,
                row.role,
                row.user,
                row.created_at,
                row.expires_at,
                row.revoked_at,
                row.last_used_at,
            ),
        )

    def revoke_token(self, token_id: str, at: str) -> bool:
        cur = self.conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (at, token_id)
        )
        return cur.rowcount == 1


class FairLock:
    """A lock handed to its waiters in arrival order.

    ``threading.Lock`` is not fair: a thread that releases it and asks again at once (a large
    push applied in chunks) usually gets it back before a waiting thread is even scheduled,
    and the other offices' syncs would wait for the whole push after all."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held = False
        self._waiters: collections.deque[threading.Lock] = collections.deque()

    def __enter__(self) -> None:
        with self._guard:
            if not self._held:
                self._held = True
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        turn.acquire()  # released by the holder: the lock is ours, still held

    def __exit__(self, *exc: object) -> None:
        with self._guard:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False


#: One step of a job for the shared write transaction: it runs inside that transaction and
#: says whether the job's next steps should run at all (False: stop the job here).
Step = Callable[[Writer], bool]


class _Job:
    """Steps of one request for the shared write transactions, with their weights (ops)."""

    __slots__ = ("done", "error", "next", "steps")

    def __init__(self, steps: Sequence[tuple[int, Step]]) -> None:
        self.steps = list(steps)
        self.next = 0
        self.done = False
        self.error: BaseException | None = None

    @property
    def pending(self) -> bool:
        return self.error is None and self.next < len(self.steps)

    def stop(self, error: BaseException | None = None) -> None:
        self.next = len(self.steps)
        self.error = self.error or error


class GroupCommit:
    """Several requests' writes in one durable transaction (group commit).

    A request queues its steps and waits.  One waiting thread at a time leads: it opens a
    write transaction, runs queued steps in turn — one step of a job, then the next job's, so
    a large push's chunks let other requests in between — until the steps taken weigh
    ``max_ops`` or the queue is empty, and commits once.  A step that fails fails its job
    only: the group is rolled back and the other jobs' steps run again in the next one
    (except a write the database refuses in the group's last step, sent with the
    ``COMMIT``: then the whole group fails, as when the commit itself fails).
    Only once committed are the jobs whose last step ran told they are done: nothing is
    acknowledged before it is durable.  Requests that arrive while a commit is being
    flushed form the next group, so under load one flush serves many requests instead of
    capping them at one each.

    Steps run one after another in one transaction, in queue order, so a replica's ops keep
    their order and the feed positions are handed out in commit order as before.
    """

    def __init__(self, write: Callable[[], AbstractContextManager[Writer]]) -> None:
        self._write = write
        self._queue: collections.deque[_Job] = collections.deque()
        self._cond = threading.Condition()
        self._leading = False

    @property
    def waiting(self) -> int:
        """Jobs queued and not yet taken into a transaction."""
        with self._cond:
            return len(self._queue)

    def run(self, steps: Sequence[tuple[int, Step]], max_ops: int) -> None:
        """Run ``steps`` (weight, step) in order; return once all that ran are committed."""
        job = _Job(steps)
        with self._cond:
            self._queue.append(job)
        while self._wait_or_lead(job):
            try:
                self._lead(max_ops)
            except BaseException as exc:
                self._fail_queued(job, exc)
                raise
            finally:
                with self._cond:
                    self._leading = False
                    self._cond.notify_all()
        if job.error is not None:
            raise job.error

    def _wait_or_lead(self, job: _Job) -> bool:
        """Wait until ``job`` is done (False) or this thread is to lead a group (True)."""
        with self._cond:
            while self._leading and not job.done:
                self._cond.wait()
            if job.done:
                return False
            self._leading = True
            return True

    def _fail_queued(self, job: _Job, exc: BaseException) -> None:
        with self._cond:
            if job in self._queue:
                self._queue.remove(job)
            job.stop(exc)
            job.done = True

    def _take(self) -> _Job | None:
        with self._cond:
            return self._queue.popleft() if self._queue else None

    def _lead(self, max_ops: int) -> None:
        ran: dict[int, tuple[_Job, int]] = {}  # the jobs of this group: each one's first step
        culprit: list[_Job] = []
        try:
            with self._write() as w:
                weight, last = 0, None
                while weight < max_ops and (job := self._take()) is not None:
                    ran.setdefault(id(job), (job, job.next))
                    weight += self._step(w, job, last, culprit)
                    last = job
        except _Undo:  # rolled back: the others' steps run again in the next group
            self._again([(j, n) for j, n in ran.values() if j is not culprit[0]])
            ran = {id(culprit[0]): (culprit[0], 0)}
        except BaseException as exc:  # the transaction failed: nothing of it is stored
            with self._cond:
                for job, _first in ran.values():
                    if job in self._queue:
                        self._queue.remove(job)
                    job.stop(exc)
            if not isinstance(exc, Exception):
                raise
        finally:
            with self._cond:
                for job, _first in ran.values():
                    job.done = not job.pending

    def _step(self, w: Writer, job: _Job, last: _Job | None, culprit: list[_Job]) -> int:
        """Run ``job``'s next step after ``last``'s; its weight.  A step's writes are sent
        with what comes next (see :class:`server_stub.dialects._PgConn`): ``last``'s now, so
        that an error the database raises for them fails ``last``, not ``job``; the group's
        last step's go with the ``COMMIT``, whose failure is the whole group's."""
        failed = last
        try:
            if last is not None:
                w.conn.flush()
            failed = job
            weight = _run_step(w, job)
        except Exception as exc:
            assert failed is not None
            with self._cond:
                if failed in self._queue:
                    self._queue.remove(failed)
            failed.stop(exc)
            culprit.append(failed)
            raise _Undo from None
        if job.pending:
            with self._cond:
                self._queue.append(job)
        return weight

    def _again(self, jobs: list[tuple[_Job, int]]) -> None:
        """Put ``jobs`` back at the head of the queue, in their order, to run again from
        their first step of the rolled-back group."""
        with self._cond:
            for job, first in reversed(jobs):
                if job in self._queue:
                    self._queue.remove(job)
                job.next = first
                self._queue.appendleft(job)


class _Undo(Exception):
    """A step failed: its group's transaction is rolled back (and run again without it)."""


def _run_step(w: Writer, job: _Job) -> int:
    """Run ``job``'s next step in ``w``; its weight.

    No savepoint: steps seldom fail, and when one does its whole group is rolled back and
    the others' steps run again (a step's effects are its rows and what it records of them,
    both made anew), which saves two statements — two round trips on PostgreSQL — a step."""
    weight, step = job.steps[job.next]
    job.next += 1
    if not step(w):
        job.stop()
    return weight


class Database:
    """One server database, a SQLite file or a ``postgresql://`` URL: its migrations applied
    on opening; hands out transactions."""

    def __init__(
        self, location: Path | str, *, synchronous: str = "FULL", pool_size: int = 8
    ) -> None:
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError(synchronous)
        self.location = str(location)
        self._write_lock = FairLock()
        self.group = GroupCommit(lambda: self.write())
        self._engine = self._open(location, synchronous, pool_size)
        self.dialect = self._engine.dialect
        try:
            self.applied = self._migrate()
            with self.read() as r:
                self.server_id = r.meta()[0]
        except BaseException:
            self._engine.close()
            raise

    @staticmethod
    def _open(location: Path | str, synchronous: str, pool_size: int) -> Engine:
        if not is_postgresql(location):
            return SqliteEngine(Path(location), synchronous)
        try:
            return PostgresEngine(str(location), pool_size)
        except Exception as exc:  # the driver's errors: no connection, bad URL
            where = PostgresEngine.safe_url(str(location))
            detail = (str(exc).strip() or type(exc).__name__).splitlines()[0]
            raise ServerDbError(path=where, detail=detail) from None

    @property
    def where(self) -> str:
        """The file, or the URL without its password, as messages name it."""
        return self._engine.where

    @property
    def path(self) -> Path:
        """The SQLite file (tests and backups of the file)."""
        if not isinstance(self._engine, SqliteEngine):
            raise TypeError("not a SQLite database")
        return self._engine.path

    def _migrate(self) -> list[int]:
        where = self.where
        try:
            with self._write_lock, self._engine.migrating() as conn:
                backfills = {migrations.FEED: rebuild_feed}
                applied = migrations.apply(conn, self.dialect, now_iso(), backfills)
                row = conn.execute("SELECT db_version FROM meta WHERE id = 1").fetchone()
                if row is None:
                    conn.execute(
                        "INSERT INTO meta (id, server_id, db_version, seq, created_at) "
                        "VALUES (1, ?, ?, 0, ?)",
                        (str(uuid.uuid4()), migrations.LATEST, now_iso()),
                    )
                elif row[0] > migrations.LATEST:
                    raise migrations.NewerDatabase(row[0])
                elif applied:
                    conn.execute(
                        "UPDATE meta SET db_version = ? WHERE id = 1", (migrations.LATEST,)
                    )
        except migrations.NewerDatabase as exc:
            raise ServerDbError("server.db_newer", path=where, found=exc.found) from None
        except self._engine.errors as exc:
            raise ServerDbError(path=where, detail=str(exc).strip()) from None
        return applied

    def close(self) -> None:
        self._engine.close()

    def copy_to(self, target: Database) -> dict[str, int]:
        """Copy every row into ``target``, an empty database (refused otherwise), in one
        transaction: the server id and the feed counter come along, so replicas sync on
        with their cursors; tokens keep their hashes.  The rows copied, by table."""
        counts: dict[str, int] = {}
        with self.read() as r, target.write() as w:
            if any(w.conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in _COPIED):
                raise ServerDbError("server.copy_not_empty", path=target.where)
            for table, columns in _COPIED.items():
                rows = r.conn.execute(f"SELECT {columns} FROM {table}")
                marks = ", ".join("?" * len(columns.split(",")))
                counts[table] = 0
                while batch := rows.fetchmany(1000):
                    insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
                    w.conn.executemany(insert, batch)
                    counts[table] += len(batch)
            meta = r.conn.execute("SELECT server_id, seq, created_at FROM meta").fetchone()
            w.conn.execute(
                "UPDATE meta SET server_id = ?, seq = ?, created_at = ? WHERE id = 1", tuple(meta)
            )
            rebuild_feed(w.conn)  # derived from the records: filed anew, not copied
        target.server_id = meta[0]
        return counts

    def _check_open(self) -> None:
        if self._engine.closed:
            raise ServerDbError(path=self.where, detail="closed")

    # --- transactions -----------------------------------------------------------------------
    @contextmanager
    def read(self, snapshot: bool = True) -> Iterator[Reader]:
        """A consistent snapshot for several queries; never blocks or is blocked by writes.
        ``snapshot=False`` for one query: no transaction around it (on PostgreSQL one round
        trip instead of three)."""
        self._check_open()
        with self._engine.read(snapshot) as conn:
            yield Reader(conn, self.dialect)

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """One serialised write transaction; committed (with the seq counter) on success."""
        self._check_open()
        with self._write_lock, self._engine.write() as conn:
            txn = Writer(conn, self.dialect)
            yield txn
            txn.flush_seq()

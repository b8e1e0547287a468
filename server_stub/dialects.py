"""The two SQL dialects of the server's store, side by side, behind one small interface.

:mod:`server_stub.db` writes its statements once, with ``?`` placeholders and plain SQL; an
:class:`Engine` hands it connections inside transactions and the few fragments that differ
(:class:`Dialect`).  SQLite (a file, the default and the demo's) and PostgreSQL (a
``postgresql://`` URL, psycopg 3 with a psycopg_pool pool) are the two engines.

**Write order on PostgreSQL.**  Every write transaction starts by locking the one ``meta``
row (``SELECT … FOR UPDATE``), the row that holds the change feed's counter, and holds that
lock until it commits.  So across all workers (and processes) write transactions run one at
a time: a replica's ops are applied in its op order (``replicas.last_op_seq`` is read and
set under the lock), and feed positions are handed out in commit order — a transaction that
took positions 6…7 commits only after the one that took 1…5 has committed and become
visible.  A pull reads on one snapshot (``REPEATABLE READ``), which therefore holds a prefix
of the feed: no change committed later can ever land below a cursor already handed out.
This is SQLite's order (one writer at a time, ``BEGIN IMMEDIATE``) made to hold across
server processes; the price is that writes do not run in parallel, reads do.  To keep that
price small, a write transaction's statements go in pipelines (:class:`_PgConn`): the lock is
held across two or three round trips, not one per statement.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int) -> list[Any]: ...

    def close(self) -> None: ...

    def __iter__(self) -> Iterator[Any]: ...


class Conn(Protocol):
    """What :mod:`server_stub.db` needs of a connection (``?`` placeholders)."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, params: Sequence[Sequence[Any]], /) -> Cursor: ...

    def stream(self, sql: str, params: Sequence[Any], /) -> Cursor:
        """A query whose rows are fetched as they are read (a page may stop early)."""
        ...

    def defer(self, sql: str, params: Sequence[Any] = ..., /) -> None:
        """A statement whose result nobody reads: sent with the next one (or :meth:`flush`)."""
        ...

    def defer_many(self, sql: str, params: Sequence[Sequence[Any]], /) -> None:
        """:meth:`executemany`, sent as :meth:`defer` sends."""
        ...

    def flush(self) -> None:
        """Send what is deferred now; its errors are raised here."""
        ...

    def batch(self) -> AbstractContextManager[None]:
        """Queries made inside go to the server together, in one round trip: read their
        rows after the block."""
        ...


class _SqliteConn(sqlite3.Connection):
    """In process, a statement costs no round trip: what is deferred runs at once."""

    def stream(self, sql: str, params: Sequence[Any], /) -> sqlite3.Cursor:
        return self.execute(sql, params)  # SQLite steps through rows as they are fetched

    def defer(self, sql: str, params: Sequence[Any] = (), /) -> None:
        self.execute(sql, params)

    def defer_many(self, sql: str, params: Sequence[Sequence[Any]], /) -> None:
        self.executemany(sql, params)

    def flush(self) -> None:
        """Nothing waits: what was deferred has run."""

    def batch(self) -> AbstractContextManager[None]:
        return nullcontext()


@dataclass(frozen=True)
class Dialect:
    name: str
    #: The column types of the one schema, as this backend spells them.
    types: dict[str, str]

    def schema(self, sql: str) -> str:
        for generic, own in self.types.items():
            sql = re.sub(rf"\b{generic}\b", own, sql)
        return sql


SQLITE = Dialect("sqlite", {})
POSTGRESQL = Dialect("postgresql", {"BLOB": "BYTEA", "INTEGER": "BIGINT"})

#: The key of the advisory lock that serialises migrations on PostgreSQL ("sotay" in ASCII).
_MIGRATE_LOCK = 0x736F746179


def is_postgresql(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


class Engine(Protocol):
    dialect: Dialect
    #: What error messages name: the file, or the URL without its password.
    where: str
    #: The exceptions of this backend's driver (turned into a readable error).
    errors: tuple[type[Exception], ...]
    closed: bool

    # A context manager yielding a Conn in a read transaction (``snapshot=False``: in none,
    # each statement sees its own moment).
    def read(self, snapshot: bool = True) -> Any: ...

    def write(self) -> Any: ...  # … in the serialised write transaction

    def migrating(self) -> Any: ...  # … in a transaction that holds the migration lock

    def close(self) -> None: ...


class _Checkpointer:
    """Copies committed WAL pages into the database file in a thread of its own, once the
    writes pause (``quiet`` seconds without a commit), and at least every ``every`` seconds
    while they go on.

    Left to itself SQLite does it inside the COMMIT of whichever write transaction takes the
    WAL past 1,000 pages, and the request that made it waits: a 200-edit push's commit took
    13 ms instead of 4, a 10,000-record push spent a third of its SQL time there.  A
    checkpoint only moves pages already committed (and fsynced, with ``synchronous=FULL``),
    crash-safely, so durability stays the WAL's; a failed one (another process was
    checkpointing) is tried again after the next commit.
    """

    def __init__(self, checkpoint: Callable[[], None], quiet: float = 0.1, every: float = 1.0):
        self._checkpoint = checkpoint
        self._quiet = quiet
        self._every = every
        self._cond = threading.Condition()
        self._first = self._last = 0.0  # the first and last commit not yet checkpointed
        self._pending = self._stopped = False
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def committed(self) -> None:
        with self._cond:
            self._last = time.monotonic()
            if not self._pending:
                self._first, self._pending = self._last, True
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join()

    def _due(self) -> bool:
        """Wait (holding the condition) until a checkpoint is due; False once stopped."""
        while not self._stopped:
            if self._pending:
                due = min(self._last + self._quiet, self._first + self._every)
                left = due - time.monotonic()
                if left <= 0:
                    self._pending = False
                    return True
                self._cond.wait(left)
            else:
                self._cond.wait()
        return False

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._due():
                    return
            with suppress(sqlite3.Error):
                self._checkpoint()


class SqliteEngine:
    """One connection per thread; WAL; writes serialised by ``BEGIN IMMEDIATE``; WAL
    checkpoints off the requests' path (:class:`_Checkpointer`)."""

    dialect = SQLITE
    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, path: Path, synchronous: str) -> None:
        self.path = path
        self.where = str(path)
        self._synchronous = synchronous
        self._local = threading.local()
        self._conns: list[_SqliteConn] = []
        self._conns_lock = threading.Lock()
        self.closed = False
        self._checkpointer = _Checkpointer(self._wal_checkpoint)

    def _wal_checkpoint(self) -> None:
        self._conn().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _conn(self) -> _SqliteConn:
        conn: _SqliteConn | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=30.0,
                factory=_SqliteConn,
            )
            _enter_wal(conn)
            conn.execute(f"PRAGMA synchronous={self._synchronous}")
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA wal_autocheckpoint=0")  # the checkpointer's work
            with self._conns_lock:
                self._conns.append(conn)
            self._local.conn = conn
        return conn

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[Conn]:
        conn = self._conn()
        conn.execute(begin)
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if begin != "BEGIN":
            self._checkpointer.committed()

    def read(self, snapshot: bool = True) -> Any:
        return self._transaction("BEGIN") if snapshot else nullcontext(self._conn())

    def write(self) -> Any:
        return self._transaction("BEGIN IMMEDIATE")

    def migrating(self) -> Any:
        return self._transaction("BEGIN IMMEDIATE")

    def close(self) -> None:
        self.closed = True
        self._checkpointer.stop()
        with self._conns_lock:
            for conn in self._conns:
                with suppress(sqlite3.Error):
                    conn.close()
            self._conns.clear()


def _no_nul(params: Sequence[Any]) -> Sequence[Any]:
    """PostgreSQL text holds no NUL character, SQLite's does: a NUL in a replica id or an
    author name (data a client sent) is stored as U+FFFD, not answered with a 500."""
    if not any(type(p) is str and "\x00" in p for p in params):
        return params
    return [p.replace("\x00", "\ufffd") if type(p) is str else p for p in params]


def _enter_wal(conn: sqlite3.Connection, patience: float = 30.0) -> None:
    """``PRAGMA journal_mode=WAL``, waiting for a moment alone with the file.  Switching a new
    database to WAL takes an exclusive lock, and SQLite answers "database is locked" at once
    (the busy timeout is not consulted) when another process is switching it too: four servers
    started together on one new file failed this way."""
    give_up = time.monotonic() + patience
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > give_up:
                raise
            time.sleep(0.02)


class _PgConn:
    """A psycopg connection that takes the ``?`` placeholders of :mod:`server_stub.db`.

    Each statement is a round trip to the server, and a write transaction holds the feed's
    lock across its round trips (see above), so those whose result nobody reads wait in
    ``_pending`` and go in one pipeline with the next statement: the ``BEGIN`` and the lock
    with the first query, a push's four writes together, the counter with the ``COMMIT``.
    Statements still run in the order they were made; an error of a deferred one is raised
    by the statement (or :meth:`flush`) that sent it."""

    _translated: ClassVar[dict[str, str]] = {}

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self._pending: list[tuple[str, Sequence[Any], bool]] = []  # (sql, params, many)

    @classmethod
    def _sql(cls, sql: str) -> str:
        out = cls._translated.get(sql)
        if out is None:
            out = cls._translated[sql] = sql.replace("%", "%%").replace("?", "%s")
        return out

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Cursor:
        if not self._pending:
            return self._execute(sql, params)
        with self.conn.pipeline():
            self._send_pending()
            cursor = self._execute(sql, params)
        return cursor  # its rows came back with the pipeline's end

    def _execute(self, sql: str, params: Sequence[Any]) -> Cursor:
        cursor: Cursor = self.conn.execute(self._sql(sql), _no_nul(params), binary=True)
        return cursor

    def _send_pending(self) -> None:
        pending, self._pending = self._pending, []
        for sql, params, many in pending:
            if many:
                self._executemany(sql, params)
            else:
                self._execute(sql, params)

    def defer(self, sql: str, params: Sequence[Any] = (), /) -> None:
        self._pending.append((sql, params, False))

    def defer_many(self, sql: str, params: Sequence[Sequence[Any]], /) -> None:
        if params:
            self._pending.append((sql, params, True))

    def flush(self) -> None:
        if self._pending:
            with self.conn.pipeline():
                self._send_pending()

    @contextmanager
    def batch(self) -> Iterator[None]:
        with self.conn.pipeline():
            self._send_pending()
            yield

    def discard(self) -> None:
        """Forget what is deferred (the transaction is being rolled back)."""
        self._pending = []

    def stream(self, sql: str, params: Sequence[Any], /) -> Cursor:
        """A server-side cursor: a page that fills up early transfers no further rows."""
        self.flush()  # a named cursor does not run in a pipeline
        cursor = self.conn.cursor("stream", binary=True)
        cursor.itersize = 256
        cursor.execute(self._sql(sql), _no_nul(params))
        result: Cursor = cursor
        return result

    def executemany(self, sql: str, params: Sequence[Sequence[Any]], /) -> Cursor:
        self.flush()
        return self._executemany(sql, params)

    def _executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Cursor:
        cursor = self.conn.cursor()
        cursor.executemany(self._sql(sql), [_no_nul(row) for row in params])
        result: Cursor = cursor
        return result


class PostgresEngine:
    """A pool of autocommit connections; each transaction is an explicit ``BEGIN``."""

    dialect = POSTGRESQL

    def __init__(self, url: str, max_size: int = 8) -> None:
        import psycopg
        import psycopg_pool

        self.errors: tuple[type[Exception], ...] = (psycopg.Error, psycopg_pool.PoolTimeout)
        self.where = self.safe_url(url)
        self.closed = False
        psycopg.connect(url, connect_timeout=10).close()  # a clear error at once, no retries
        self._pool = psycopg_pool.ConnectionPool(
            url, min_size=1, max_size=max_size, kwargs={"autocommit": True}, open=False
        )
        self._pool.open(wait=True, timeout=10.0)

    @staticmethod
    def safe_url(url: str) -> str:
        """The URL without its password, for messages."""
        return re.sub(r"://([^:@/]*):[^@/]*@", r"://\1@", url)

    @contextmanager
    def _transaction(self, *begin: str) -> Iterator[Conn]:
        with self._pool.connection() as raw:
            conn = _PgConn(raw)
            for statement in begin:
                conn.defer(statement)  # sent with the first query: one round trip
            try:
                yield conn
                if begin:
                    conn.execute("COMMIT")
                conn.flush()
            except BaseException:
                conn.discard()
                if begin:
                    with suppress(*self.errors):
                        conn.execute("ROLLBACK")
                raise

    def read(self, snapshot: bool = True) -> Any:
        if not snapshot:  # autocommit: each statement is a transaction of its own
            return self._transaction()
        return self._transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def write(self) -> Any:
        return self._transaction("BEGIN", "SELECT 1 FROM meta WHERE id = 1 FOR UPDATE")

    def migrating(self) -> Any:
        return self._transaction("BEGIN", f"SELECT pg_advisory_xact_lock({_MIGRATE_LOCK})")

    def close(self) -> None:
        self.closed = True
        self._pool.close()

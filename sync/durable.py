"""The replica's durable core: the lock, the journal, commits and checkpoints.

:class:`Durable` is the part of :class:`sync.store.Store` that owns the files and the
in-memory tables; the queries (:mod:`sync.queries`) and the as-of history
(:mod:`sync.asof`) read through it.  Every logical change — the records it touches, their
outbox ops, their history lines, the sync cursor — is ONE journal entry, written and fsynced
before the call returns, and only then applied in memory.  So a call that returned is on
disk, and a call that raised changed nothing.  See :mod:`sync.journal` for the entries and
:mod:`sync.snapshot` for the files.

Files in the profile directory::

    store.core           meta, outbox, rejected ops             (snapshot, rewritten at checkpoints)
    store.kind.<kind>    the records of one kind + folded texts (rewritten when the kind changed)
    *.prev               the previous version of each of those
    store.journal        entries since the last checkpoint (+ store.journal.prev, the ones before)
    store.history        append-only history lines
    store.lock           held while the store is open for writing

``Store.open(path, read_only=True)`` reads the same files without the lock and without
changing any of them (see :meth:`Durable.open`).

Opening checks every file's checksum, replays the journal and parses a kind's records only
when that kind is first asked for, so the dashboard of a 100k-record store does not wait for
all of them.  See :mod:`sync.docs` for the layout of a record.

Threads: TinyDB and the indexes are not thread-safe, so every public method — reads
included — holds one re-entrant lock (:func:`locked`); a read on one thread never sees a
commit on another half done.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Table

from domain.errors import (
    Conflict,
    NotFound,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreUnreadable,
)
from domain.ids import uuid7
from domain.scopes import check_scope
from sync import fsio, snapshot
from sync.docs import utc_now
from sync.history import HistoryLog, HistoryState
from sync.index import Indexes
from sync.journal import Journal, ReadOnlyJournal, read_journal, set_aside_torn_tail

CORE = "store.core"
KIND_PREFIX = "store.kind."
JOURNAL = "store.journal"
JOURNAL_PREV = "store.journal.prev"
HISTORY = "store.history"
LOCK = "store.lock"
CORE_TABLES = ("outbox", "meta", "rejected")
TABLES = ("records", *CORE_TABLES)
#: A table of the core snapshot that only the checkpoint writes: {"state": HistoryState}.
HISTORY_TABLE = "history"
CHECKPOINT_BYTES = 16 * 1024 * 1024
#: A read-only open retries when a checkpoint of the process that has the profile open
#: replaced a file (or rotated the journal) between two of its reads.
READ_ONLY_ATTEMPTS = 5

Clock = Callable[[], datetime]
#: A staged write: (table, key) → the new document, ``None`` to remove it.
Writes = Mapping[tuple[str, str], dict[str, Any] | None]

_D = TypeVar("_D", bound="Durable")
_P = ParamSpec("_P")
_R = TypeVar("_R")


def locked(method: Callable[Concatenate[_D, _P], _R]) -> Callable[Concatenate[_D, _P], _R]:
    """The method runs holding the store's re-entrant lock (see the module docstring)."""

    def holding(self: _D, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._mutex:
            return method(self, *args, **kwargs)

    functools.update_wrapper(holding, method)
    return holding


def prev(path: Path) -> Path:
    return path.with_name(path.name + ".prev")


def kind_files(path: Path) -> dict[str, Path]:
    """kind → file, taking the ``.prev`` of a kind whose file a crash left missing."""
    found: dict[str, Path] = {}
    for p in sorted(path.glob(KIND_PREFIX + "*")):
        rest = p.name[len(KIND_PREFIX) :]
        if rest.endswith(".prev"):
            found.setdefault(rest[:-5], p)
        elif "." not in rest:
            found[rest] = p
    return found


class ProfileLock:
    """``store.lock``, held with ``flock`` while the store is open for writing: a second
    writer (another process, or another open in this one) is refused at once, and the lock
    dies with its process (a crash never leaves it behind).  On a file system without
    ``flock`` (ENOSYS) filelock's soft lock stands in, as before; filelock is imported only
    then (it was ~12 ms of every command that writes).  Raises :class:`BlockingIOError`
    when the lock is held, OSError else."""

    def __init__(self, path: Path) -> None:
        self._fallback: Any = None
        try:
            self._fd, created = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644), True
        except FileExistsError:
            self._fd, created = os.open(path, os.O_RDWR), False
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(self._fd)
            self._fd = -1
            if exc.errno == errno.EACCES:  # how some file systems say "held"
                raise BlockingIOError(errno.EWOULDBLOCK, "locked", str(path)) from None
            if exc.errno != errno.ENOSYS:
                raise
            if created:  # the soft lock is the file itself: it must not find ours
                path.unlink()
            self._fallback = _filelock(path)

    def release(self) -> None:
        if self._fallback is not None:
            self._fallback.release()
        elif self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)  # closing the file releases its flock


def _filelock(path: Path) -> Any:
    from filelock import FileLock, Timeout

    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise BlockingIOError(errno.EWOULDBLOCK, "locked", str(path)) from None
    return lock


class ReplicaTable(Table):
    """A TinyDB table keyed by record ID whose writes change one document in place.

    TinyDB's own insert/update rebuild the whole table dict on every call (O(n)); the store
    writes into the dict of :meth:`raw` instead (then clears the query cache once a commit)
    and keeps TinyDB for queries.
    """

    document_id_class = str  # type: ignore[assignment]

    def raw(self) -> dict[str, Any]:
        return self._read_table()


class _DB(TinyDB):
    table_class = ReplicaTable


class _Loaded:
    """What opening found on disk."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, Any]] = {t: {} for t in TABLES}
        self.core_n = 0
        self.kind_n: dict[str, int] = {}
        self.lazy: dict[str, tuple[Path, snapshot.Mapped, int]] = {}
        self.dropped: set[str] = set()
        self.dirty: set[str] = set()
        self.history: list[dict[str, Any]] = []
        self.next_n = 1
        self.journal_size = 0
        self.from_prev = False
        self.history_state: HistoryState | None = None


def _load(path: Path, read_only: bool = False) -> _Loaded:
    """Core snapshot + every kind file's header and checksum + journal replay.

    ``read_only`` changes nothing on disk: leftovers and a torn tail stay where they are
    (another process may be writing them)."""
    out = _Loaded()
    if not read_only:
        for leftover in path.glob("store.*.tmp"):
            leftover.unlink(missing_ok=True)
    core = path / CORE
    out.from_prev = not core.exists()
    tables, out.core_n = snapshot.read(prev(core) if out.from_prev else core)
    for name in CORE_TABLES:
        out.tables[name] = tables.get(name, {})
    out.history_state = HistoryState.from_doc(tables.get(HISTORY_TABLE, {}).get("state"))
    for kind, file in kind_files(path).items():
        mapped = snapshot.read_mapped(file)
        last_n, offset = snapshot.verify(mapped.data, file)
        out.kind_n[kind] = last_n
        out.lazy[kind] = (file, mapped, offset)
        if file.name.endswith(".prev"):  # a crash mid-checkpoint: write the kind file again
            out.from_prev = True
            out.dirty.add(kind)
    _replay(path, out, read_only)
    return out


def _replay(path: Path, out: _Loaded, read_only: bool = False) -> None:
    """Apply the live journal's entries after the core's; ``.prev`` only serves the doctor
    (every entry in it is older than the core: the core is written before the rotation) —
    and a read-only open that read the core just before another process's checkpoint
    rotated the journal: the entries it lacks are then in ``.prev``."""
    live = read_journal(path / JOURNAL, allow_torn_tail=True)
    entries = live.entries
    newest_kind = max(out.kind_n.values(), default=0)
    if not read_only:
        set_aside_torn_tail(path / JOURNAL, live)
    elif (entries and entries[0].get("n", 0) > out.core_n + 1) or newest_kind > out.core_n:
        entries = [*read_journal(path / JOURNAL_PREV, allow_torn_tail=False).entries, *entries]
    expected = out.core_n + 1
    for entry in entries:
        n = entry["n"]
        if n < expected:
            continue
        if n != expected:
            raise StoreCorrupt(file=str(path / JOURNAL), detail=f"thiếu mục {expected}")
        _apply_entry(out, entry)
        expected += 1
    if read_only and expected - 1 < newest_kind:  # a kind file newer than every entry read
        raise StoreCorrupt(file=str(path / JOURNAL), detail=f"thiếu mục {expected}")
    out.next_n = expected
    out.journal_size = live.good_size


def _apply_entry(out: _Loaded, entry: Mapping[str, Any]) -> None:
    n = entry["n"]
    for op in entry["ops"]:
        table, key, doc = op[0], op[1], op[2]
        if table == "history":
            out.history.append(doc)
        elif table == "records":
            kind = doc["kind"] if doc is not None else (op[3] if len(op) > 3 else None)
            if kind is not None and n <= out.kind_n.get(kind, 0):
                continue
            if doc is None:
                out.tables["records"].pop(key, None)
                out.dropped.add(key)
            else:
                out.tables["records"][key] = doc
                out.dropped.discard(key)
            out.dirty.add(kind if kind is not None else "*")
        elif doc is None:
            out.tables[table].pop(key, None)
        else:
            out.tables[table][key] = doc


class Durable:
    """The files and tables of one profile's replica; :class:`sync.store.Store` adds the
    queries, the history and the writes.  Open with :meth:`open` or :meth:`create`."""

    #: Called after every commit, with the store (the interface refreshes its views).
    listeners: list[Callable[[Any], None]]

    def __init__(self, path: Path, loaded: _Loaded, lock: ProfileLock | None, clock: Clock) -> None:
        self.path = path
        self._lock = lock
        #: Opened with ``read_only=True``: no lock, no checkpoint, every write refused.
        self.read_only = lock is None
        self._clock = clock
        self._mutex = threading.RLock()
        self._closed = False
        #: Inside :meth:`one_checkpoint` (how deep): a large journal waits for the last commit.
        self._checkpoint_held = 0
        self._db = _DB(storage=MemoryStorage)
        self._db.storage.write(loaded.tables)
        # TinyDB table objects and their dicts, looked up once (the save path is hot)
        tables = {name: self._db.table(name) for name in TABLES}
        self._tables: dict[str, ReplicaTable] = tables  # type: ignore[assignment]
        self._raws: dict[str, dict[str, Any]] = {n: t.raw() for n, t in self._tables.items()}
        self._journal: Journal | ReadOnlyJournal = (
            ReadOnlyJournal(path / JOURNAL, loaded.next_n, loaded.journal_size)
            if self.read_only
            else Journal(path / JOURNAL, loaded.next_n, loaded.journal_size)
        )
        self._core_n = loaded.core_n
        self._kind_n = loaded.kind_n
        self._lazy = loaded.lazy
        self._dropped = loaded.dropped
        self._dirty = loaded.dirty
        if "*" in self._dirty:  # a removal whose kind the journal did not say
            self._dirty.discard("*")
            self._dirty.update(self._lazy)
        self.history_log = HistoryLog(
            path / HISTORY, loaded.history_state, read_only=self.read_only
        )
        for line in loaded.history:
            self.history_log.add(line)
        self.index = Indexes()
        for doc in self._raw("records").values():
            self.index.add(doc)
        self.index.build_ops(self._raw("outbox").values())
        self.listeners = []

    # ------------------------------------------------------------------ open
    @staticmethod
    def exists(path: Path) -> bool:
        path = Path(path)
        try:
            return (path / CORE).exists() or prev(path / CORE).exists()
        except OSError as exc:  # a folder the user may not look into
            raise fsio.read_error(exc, path) from exc

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        office: str,
        name: str,
        role: str = "office",
        author: str | None = None,
        lang: str = "vi",
        clock: Clock = utc_now,
    ) -> Self:
        """Make a new profile in ``path`` (refused if one exists)."""
        path = Path(path)
        office = check_scope(office, "office")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise fsio.store_error(exc, "tạo thư mục dữ liệu", path) from exc
        lock = cls._acquire(path)
        try:
            if cls.exists(path):
                raise Conflict("store.profile_exists", path=str(path), office=office)
            meta = {
                "office": office,
                "name": name,
                "role": role,
                "author": author or name,
                "lang": lang,
                "replica_id": uuid7(),
                "created_at": clock().isoformat(),
                "next_op_seq": 1,
                "cursor": 0,
            }
            tables: dict[str, dict[str, Any]] = {t: {} for t in CORE_TABLES}
            tables["meta"] = {k: {"value": v} for k, v in meta.items()}
            snapshot.write(path / CORE, tables, 0)
        finally:
            lock.release()
        return cls.open(path, clock=clock)

    @staticmethod
    def _acquire(path: Path) -> ProfileLock:
        """The lock of a store opened for writing; a folder that may not be written (a
        read-only medium: EROFS, no permission: EACCES / EPERM) is :class:`StoreReadOnly`."""
        try:
            return ProfileLock(path / LOCK)
        except BlockingIOError:
            raise StoreLocked(path=str(path)) from None
        except OSError as exc:
            raise fsio.store_error(exc, "khóa kho dữ liệu", path) from exc

    @classmethod
    def open(cls, path: Path, *, clock: Clock = utc_now, read_only: bool = False) -> Self:
        """Open an existing profile: snapshots + journal replay (a torn tail is set aside).

        ``read_only=True`` opens it for reading only, and then nothing in the folder is
        created, changed or removed: no lock file (so it opens on a read-only medium, in a
        folder the user may not write, and beside a copy of the app that has the profile
        open), no checkpoint (on open or close), a torn journal tail is ignored rather than
        set aside (another process may be appending to it), and every write is refused with
        :class:`~domain.errors.StoreReadOnly` before anything changes.
        """
        path = Path(path)
        if not cls.exists(path):
            raise NotFound("store.no_profile", path=str(path))
        if read_only:
            return cls(path, cls._load_read_only(path), None, clock)
        lock = cls._acquire(path)
        try:
            loaded = _load(path)
            store = cls(path, loaded, lock, clock)
        except BaseException:
            lock.release()
            raise
        if loaded.from_prev:
            store.checkpoint(force=True)
        return store

    @staticmethod
    def _load_read_only(path: Path) -> _Loaded:
        """Load without writing, retrying when another process's checkpoint replaced a file
        or rotated the journal between two reads (a gap in the entries, a vanished file)."""
        for attempt in range(READ_ONLY_ATTEMPTS):
            try:
                return _load(path, read_only=True)
            except (StoreCorrupt, StoreUnreadable) as exc:
                if isinstance(exc, StoreUnreadable) and not exc.missing:
                    raise
                if attempt == READ_ONLY_ATTEMPTS - 1:
                    raise
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        with self._mutex:
            if self._closed:
                return
            if self._lock is None:  # read-only: nothing to write, no lock to release
                self._closed = True
                return
            try:
                if self._journal.entries or self._journal.size:
                    self.checkpoint()
            finally:
                self._journal.close()
                self._closed = True
                self._lock.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --------------------------------------------------------- lazy loading
    @locked
    def _ensure(self, kind: str) -> None:
        """Parse a kind's records the first time they are needed."""
        pending = self._lazy.pop(kind, None)
        if pending is None:
            return
        file, mapped, offset = pending
        try:
            snapshot.still_as_mapped(mapped, file, self._kind_n[kind])
        except StoreCorrupt:
            self._lazy[kind] = pending  # asked again, it says so again: never a half-read kind
            raise
        tables = snapshot.decode_body(mapped.data, offset, file)
        records = self._raw("records")
        folded = tables.get("fold", {})
        for rid, doc in tables.get("records", {}).items():
            if rid in records or rid in self._dropped:
                continue  # the journal holds a newer state
            records[rid] = doc
            self.index.add(doc, folded.get(rid))
        self._table("records").clear_cache()

    @locked
    def ensure_loaded(self, kinds: Iterable[str] | None = None) -> None:
        """Parse the given kinds (all when None); the TUI calls this after its first paint."""
        for kind in list(self._lazy) if kinds is None else kinds:
            self._ensure(kind)

    @locked
    def lazy_bytes(self, kind: str) -> int:
        """The size of a kind's file if its records are not parsed yet, else 0."""
        pending = self._lazy.get(kind)
        return len(pending[1].data) if pending is not None else 0

    @property
    def loaded_kinds(self) -> set[str]:
        with self._mutex:
            return set(self.index.by_kind) - set(self._lazy)

    # ------------------------------------------------------------- internals
    def _table(self, name: str) -> ReplicaTable:
        return self._tables[name]

    def _raw(self, name: str) -> dict[str, Any]:
        return self._raws[name]

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return self._clock().astimezone().date()

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("store.closed")

    # ------------------------------------------------------------------ meta
    @locked
    def meta(self, key: str, default: Any = None) -> Any:
        doc = self._raw("meta").get(key)
        return default if doc is None else doc["value"]

    @property
    def office(self) -> str:
        return str(self.meta("office"))

    @property
    def role(self) -> str:
        return str(self.meta("role", "office"))

    @property
    def replica_id(self) -> str:
        return str(self.meta("replica_id"))

    @property
    def author(self) -> str:
        return str(self.meta("author") or self.meta("name") or "")

    # ----------------------------------------------------------------- reads
    @locked
    def doc(self, record_id: str) -> dict[str, Any] | None:
        """The stored document (not a copy: never change it).

        THE lookup by ID — transactions, confirmations and imports read through it — so a
        record of a kind not parsed yet is found like any other: an ID that is not among
        the parsed records parses the rest first.
        """
        records = self._raw("records")
        found = records.get(record_id)
        if found is None and self._lazy:
            self.ensure_loaded()
            found = records.get(record_id)
        return found

    # ---------------------------------------------------------------- writes
    @locked
    def commit_writes(self, writes: Writes) -> None:
        """THE write: a transaction's staged writes saved as one journal entry — journal
        first (fsync), memory second; then a checkpoint if the journal is large.  Called by
        :meth:`sync.transaction.Transaction.commit` only."""
        if not writes:
            return
        records = self._raw("records")
        ops: list[tuple[Any, ...]] = []
        for (table, key), doc in writes.items():
            if table == "records" and doc is None:
                old = records.get(key)
                ops.append((table, key, None, old["kind"] if old else None))
            else:
                ops.append((table, key, doc))
        self._journal.append({"t": self.now().isoformat(), "ops": ops})
        touched: set[str] = set()
        for op in ops:
            self._apply(op, records)
            touched.add(op[0])
        for table in touched - {"history"}:  # TinyDB's query cache, once per table
            self._table(table).clear_cache()
        if self._journal.size > CHECKPOINT_BYTES and not self._checkpoint_held:
            self.checkpoint()
        for listener in list(self.listeners):
            listener(self)

    def _apply(self, op: tuple[Any, ...], records: dict[str, Any]) -> None:
        """One staged write in memory: the table's dict and the indexes (the caller clears
        TinyDB's cache of each table once a commit, not once a write)."""
        table, key, doc = op[0], op[1], op[2]
        if table == "history":
            self.history_log.add(doc)
            return
        raw = self._raw(table)
        old = raw.get(key)
        if table == "records":
            self.index.replace(old, doc)
            kind = (doc or old or {}).get("kind")
            if kind:
                self._dirty.add(kind)
            if doc is None:
                self._dropped.add(key)
        elif table == "outbox":
            if old is not None:
                self.index.remove_op(old)
            if doc is not None:
                self.index.add_op(doc)
        if doc is None:
            raw.pop(key, None)
        else:
            raw[key] = doc

    # ------------------------------------------------------------ checkpoint
    @contextmanager
    def one_checkpoint(self) -> Iterator[None]:
        """Several commits (the entries of an import, the pages of a sync), each durable as
        it returns, with the checkpoint a large journal calls for made once after the last
        instead of after each entry past the bound: a 10k import or push wrote every kind
        file and the core twice.  If the block fails, the next commit or :meth:`close`
        checkpoints as usual.  Other threads' commits go on meanwhile (the lock is not held
        across the block)."""
        with self._mutex:
            self._checkpoint_held += 1
        try:
            yield
        finally:
            with self._mutex:
                self._checkpoint_held -= 1
        with self._mutex:
            if not self._checkpoint_held and self._journal.size > CHECKPOINT_BYTES:
                self.checkpoint()

    def checkpoint(self, *, force: bool = False) -> None:
        """Write the changed kinds and the core atomically (keeping each previous file), move
        the history lines to the history log, then rotate the journal.

        A crash at any step leaves files that :meth:`open` reads back completely: entries
        carry numbers and every file records the last entry it holds.
        """
        with self._mutex:
            if self.read_only:  # nothing in memory that is not on disk: never write
                return
            last_n = self._journal.next_n - 1
            if not force and last_n == self._core_n and not self._dirty:
                return
            try:
                self.history_log.flush()
                for kind in sorted(self._dirty):
                    self._write_kind(kind, last_n)
                core: dict[str, dict[str, Any]] = {name: self._raw(name) for name in CORE_TABLES}
                if self.history_log.state is not None:
                    core[HISTORY_TABLE] = {"state": self.history_log.state.to_doc()}
                snapshot.write(self.path / CORE, core, last_n, keep_previous=prev(self.path / CORE))
                self._journal.close()
                if (self.path / JOURNAL).exists():
                    fsio._replace(self.path / JOURNAL, self.path / JOURNAL_PREV)
                fsio.fsync_dir(self.path)
            except OSError as exc:
                self._reopen_journal()
                raise fsio.store_error(exc, "ghi ảnh chụp dữ liệu") from exc
            except StoreError:
                self._reopen_journal()
                raise
            self._core_n = last_n
            self._dirty.clear()
            self._dropped.clear()
            self._reopen_journal()

    def _write_kind(self, kind: str, last_n: int) -> None:
        self._ensure(kind)
        records = self._raw("records")
        ids = self.index.by_kind.get(kind, {})
        text = self.index.text
        tables = {
            "records": {rid: records[rid] for rid in ids},
            "fold": {rid: text.get(rid, "") for rid in ids},
        }
        file = self.path / f"{KIND_PREFIX}{kind}"
        snapshot.write(file, tables, last_n, keep_previous=prev(file))
        self._kind_n[kind] = last_n

    def _reopen_journal(self) -> None:
        path = self.path / JOURNAL
        size = path.stat().st_size if path.exists() else 0
        next_n = self._journal.next_n
        self._journal.close()
        self._journal = Journal(path, next_n, size)

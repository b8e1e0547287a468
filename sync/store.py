"""The office's replica on disk: TinyDB in memory, made durable by a journal.

Every logical change — the records it touches, their outbox ops, their history lines, the
sync cursor — is ONE journal entry, written and fsynced before the call returns, and only
then applied in memory.  So a call that returned is on disk, and a call that raised changed
nothing (see :mod:`sync.journal` and :mod:`sync.snapshot` for the files).

Layout of a stored record (``records`` table)::

    {"id", "kind", "scope", "fields": {flat local state}, "deleted": bool,
     "base": None | {"fields", "deleted", "scope"},   # None: same as local (or never synced)
     "versions": {key: version},                       # server versions, compact (see protocol)
     "seq": int,                                       # server seq of the base; 0 = never synced
     "pending": int, "updated_at": iso}

Local state = base + pending outbox ops re-applied in order (a replica only rebases its own
edits; the server decides conflicts).
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Table

from domain.errors import (
    Conflict,
    NotFound,
    Problem,
    SotayError,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    ValidationError,
)
from domain.ids import uuid7
from domain.records import (
    apply_flat,
    diff_flat,
    from_flat,
    long_text_fields,
    model_for,
    prepare,
    to_flat,
)
from domain.scopes import check_scope, within
from domain.text import fold
from sync import fsio, snapshot
from sync.index import Indexes
from sync.journal import Journal, read_journal, set_aside_torn_tail
from sync.record import Record

SNAPSHOT = "store.snapshot"
SNAPSHOT_PREV = "store.snapshot.prev"
JOURNAL = "store.journal"
JOURNAL_PREV = "store.journal.prev"
LOCK = "store.lock"
TABLES = ("records", "outbox", "history", "meta", "rejected")
CHECKPOINT_BYTES = 16 * 1024 * 1024
CONFLICT_EDITABLE = frozenset({"status", "resolution", "resolved_by"})

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def _op_key(op_seq: int) -> str:
    return f"{op_seq:012d}"


class ReplicaTable(Table):
    """A TinyDB table keyed by record ID whose writes change one document in place.

    TinyDB's own insert/update rebuild the whole table dict on every call (O(n)); the store
    writes through :meth:`put_raw` / :meth:`remove_raw` instead and keeps TinyDB for queries.
    """

    document_id_class = str  # type: ignore[assignment]

    def raw(self) -> dict[str, Any]:
        return self._read_table()

    def put_raw(self, doc_id: str, doc: dict[str, Any]) -> None:
        self._read_table()[doc_id] = doc
        self.clear_cache()

    def remove_raw(self, doc_id: str) -> None:
        self._read_table().pop(doc_id, None)
        self.clear_cache()


class _DB(TinyDB):
    table_class = ReplicaTable


def base_state(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    """The last state the server confirmed, or None for a record the server never saw."""
    if not doc.get("seq"):
        return None
    base = doc.get("base")
    if base is None:
        return {"fields": doc["fields"], "deleted": doc["deleted"], "scope": doc["scope"]}
    return dict(base)


def field_version(doc: Mapping[str, Any], key: str) -> int:
    """The server version of ``key`` in the record's base (see sync.protocol on compaction)."""
    versions = doc.get("versions") or {}
    if key in versions:
        return int(versions[key])
    base = base_state(doc)
    if base is None:
        return 0
    present = base["deleted"] if key == "deleted" else key in base["fields"]
    return int(doc["seq"]) if present else 0


class Store:
    """One profile's replica.  Open with :meth:`open` or :meth:`create`; close when done.

    All access goes through this object (TinyDB is not thread-safe): public methods hold a
    re-entrant lock, so the TUI may call them from worker threads.
    """

    def __init__(self, path: Path, db: _DB, journal: Journal, lock: FileLock, clock: Clock,
                 last_n: int) -> None:
        self.path = path
        self._db = db
        self._journal = journal
        self._lock = lock
        self._clock = clock
        self._mutex = threading.RLock()
        self._snapshot_n = last_n
        self._closed = False
        self.index = Indexes()
        self.index.build(self._raw("records"), self._raw("outbox").values())
        self.listeners: builtins.list[Callable[[Store], None]] = []

    # ------------------------------------------------------------------ open
    @staticmethod
    def exists(path: Path) -> bool:
        return (path / SNAPSHOT).exists() or (path / SNAPSHOT_PREV).exists()

    @classmethod
    def create(cls, path: Path, *, office: str, name: str, role: str = "office",
               author: str | None = None, lang: str = "vi", clock: Clock = utc_now) -> Store:
        """Make a new profile in ``path`` (refused if one exists)."""
        path = Path(path)
        office = check_scope(office, "office")
        path.mkdir(parents=True, exist_ok=True)
        lock = cls._acquire(path)
        try:
            if cls.exists(path):
                raise Conflict("store.profile_exists", path=str(path), office=office)
            meta = {
                "office": office, "name": name, "role": role, "author": author or name,
                "lang": lang, "replica_id": uuid7(), "created_at": clock().isoformat(),
                "next_op_seq": 1, "cursor": 0,
            }
            tables: dict[str, dict[str, Any]] = {t: {} for t in TABLES}
            tables["meta"] = {k: {"value": v} for k, v in meta.items()}
            snapshot.write(path / SNAPSHOT, tables, 0)
        except BaseException:
            lock.release()
            raise
        lock.release()
        return cls.open(path, clock=clock)

    @staticmethod
    def _acquire(path: Path) -> FileLock:
        lock = FileLock(str(path / LOCK), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise StoreLocked(path=str(path)) from None
        except OSError as exc:
            raise fsio.store_error(exc, "khóa kho dữ liệu") from exc
        return lock

    @classmethod
    def open(cls, path: Path, *, clock: Clock = utc_now) -> Store:
        """Open an existing profile: snapshot + journal replay (a torn tail is set aside)."""
        path = Path(path)
        if not cls.exists(path):
            raise NotFound("store.no_profile", path=str(path))
        lock = cls._acquire(path)
        try:
            tables, last_n, next_n, size, from_prev = cls._load(path)
            db = _DB(storage=MemoryStorage)
            db.storage.write(tables)
            journal = Journal(path / JOURNAL, next_n, size)
            store = cls(path, db, journal, lock, clock, last_n)
        except BaseException:
            lock.release()
            raise
        if from_prev:
            store.checkpoint()
        return store

    @staticmethod
    def _load(path: Path) -> tuple[dict[str, dict[str, Any]], int, int, int, bool]:
        (path / (SNAPSHOT + ".tmp")).unlink(missing_ok=True)
        snap = path / SNAPSHOT
        from_prev = not snap.exists()
        tables, last_n = snapshot.read(path / SNAPSHOT_PREV if from_prev else snap)
        for name in TABLES:
            tables.setdefault(name, {})
        older = read_journal(path / JOURNAL_PREV, allow_torn_tail=False)
        live = read_journal(path / JOURNAL, allow_torn_tail=True)
        set_aside_torn_tail(path / JOURNAL, live)
        expected = last_n + 1
        for entry in [*older.entries, *live.entries]:
            n = entry["n"]
            if n < expected:
                continue
            if n != expected:
                raise StoreCorrupt(file=str(path / JOURNAL), detail=f"thiếu mục {expected}")
            _apply_entry(tables, entry)
            expected += 1
        return tables, last_n, expected, live.good_size, from_prev

    def close(self) -> None:
        with self._mutex:
            if self._closed:
                return
            try:
                if self._journal.entries or self._journal.size:
                    self.checkpoint()
            finally:
                self._journal.close()
                self._closed = True
                self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- internals
    def _table(self, name: str) -> ReplicaTable:
        return self._db.table(name)  # type: ignore[return-value]

    def _raw(self, name: str) -> dict[str, Any]:
        return self._table(name).raw()

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return self._clock().astimezone().date()

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("store.closed")

    # ------------------------------------------------------------------ meta
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

    def set_meta(self, **values: Any) -> None:
        with self.transaction() as tx:
            for key, value in values.items():
                tx.set_meta(key, value)

    # ----------------------------------------------------------------- reads
    def get(self, record_id: str) -> Record | None:
        doc = self._raw("records").get(record_id)
        return Record(doc) if doc is not None else None

    def require(self, record_id: str) -> Record:
        record = self.get(self.resolve_id(record_id))
        if record is None:
            raise NotFound(id=record_id)
        return record

    def resolve_id(self, text: str) -> str:
        """A full ID, or a unique suffix / prefix of one (people type the short form)."""
        records = self._raw("records")
        if text in records:
            return text
        needle = text.replace("-", "").lower()
        if len(needle) < 4:
            raise NotFound(id=text)
        hits = [rid for rid in records
                if rid.replace("-", "").endswith(needle) or rid.replace("-", "").startswith(needle)]
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise NotFound(id=text)
        raise ValidationError.single("id", "validation.reference_ambiguous", value=text,
                                     kind="", matches=", ".join(h[-8:] for h in hits[:5]))

    def list(self, kind: str | None = None, *, where: Callable[[Record], bool] | None = None,
             include_deleted: bool = False) -> builtins.list[Record]:
        records = self._raw("records")
        ids: Iterable[str] = self.index.by_kind.get(kind, {}) if kind else records.keys()
        out = []
        for rid in ids:
            record = Record(records[rid])
            if record.deleted and not include_deleted:
                continue
            if where is None or where(record):
                out.append(record)
        return out

    def query(self, kind: str, cond: Any) -> builtins.list[Record]:
        """TinyDB query over raw documents, e.g. ``where("fields").status == "done"``."""
        return [Record(d) for d in self._table("records").search(cond)
                if d["kind"] == kind and not d.get("deleted")]

    def count(self, kind: str) -> int:
        return len(self.index.by_kind.get(kind, {}))

    def children(self, parent_id: str, kind: str | None = None, *,
                 include_deleted: bool = False) -> builtins.list[Record]:
        records = self._raw("records")
        out = []
        for rid in self.index.children.get(parent_id, {}):
            doc = records.get(rid)
            if doc is None or (kind and doc["kind"] != kind):
                continue
            if doc.get("deleted") and not include_deleted:
                continue
            out.append(Record(doc))
        return out

    def search(self, text: str, *, kinds: Iterable[str] | None = None, limit: int | None = 200,
               include_deleted: bool = False) -> builtins.list[Record]:
        """Accent-insensitive search: "ung dung" finds "ứng dụng", every word must occur."""
        records = self._raw("records")
        ids: Iterable[str] | None = None
        if kinds is not None:
            ids = [rid for k in kinds for rid in self.index.by_kind.get(k, {})]
        found = []
        for rid in self.index.search(text, ids, None):
            doc = records[rid]
            if doc.get("deleted") and not include_deleted:
                continue
            found.append(Record(doc))
            if limit is not None and len(found) >= limit:
                break
        return found

    def find_by_name(self, kind: str, text: str) -> builtins.list[Record]:
        """Records of ``kind`` whose name, abbreviation or title matches ``text`` (folded):
        exact matches if any, else those containing it."""
        needle = fold(text.strip())
        exact, partial = [], []
        for record in self.list(kind):
            names = [record.flat.get(k) for k in ("name", "abbr", "title")]
            folded = [fold(n) for n in names if isinstance(n, str)]
            if needle in folded:
                exact.append(record)
            elif any(needle in f for f in folded):
                partial.append(record)
        return exact or partial

    def history(self, record_id: str) -> builtins.list[dict[str, Any]]:
        """Local history of a record, oldest first: local edits and changes pulled in."""
        rows = [h for h in self._raw("history").values() if h["rid"] == record_id]
        return sorted(rows, key=lambda h: (h["at"], h["id"]))

    def state_at(self, record_id: str, when: datetime) -> dict[str, Any] | None:
        """The record as it was at ``when`` (flat fields plus ``"deleted"``), from its history.

        ``None`` if it did not exist yet.  Reports use this to show a task's status and an
        indicator's readings as of a period's data cut-off rather than as of today.
        """
        record = self.get(record_id)
        if record is None:
            return None
        fields: dict[str, Any] = dict(record.flat)
        deleted = record.deleted
        stamp = _utc_iso(when)
        for entry in reversed(self.history(record_id)):
            if entry["at"] <= stamp:
                break
            if entry.get("created"):
                return None
            for key, (old, _new) in entry["changes"].items():
                if key == "deleted":
                    deleted = bool(old)
                elif old is None:
                    fields.pop(key, None)
                else:
                    fields[key] = old
        return {**fields, "deleted": deleted}

    def history_since(self, when: datetime) -> Iterator[dict[str, Any]]:
        stamp = when.isoformat()
        for h in self._raw("history").values():
            if h["at"] > stamp:
                yield h

    # ---------------------------------------------------------------- writes
    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Several changes saved as one journal entry: all of them or none."""
        with self._mutex:
            self._check_open()
            tx = Transaction(self)
            yield tx
            tx.commit()

    def add(self, kind: str, fields: Mapping[str, Any], *, scope: str | None = None,
            record_id: str | None = None) -> Record:
        with self.transaction() as tx:
            return tx.add(kind, fields, scope=scope, record_id=record_id)

    def update(self, record_id: str, changes: Mapping[str, Any]) -> Record:
        with self.transaction() as tx:
            return tx.update(record_id, changes)

    def delete(self, record_id: str) -> Record:
        with self.transaction() as tx:
            return tx.delete(record_id)

    def restore(self, record_id: str) -> Record:
        with self.transaction() as tx:
            return tx.restore(record_id)

    def adopt_new_server(self) -> int:
        """Start over with a new (or reset) server without losing anything.

        A new replica identity and cursor; every record this office may write is queued again
        as a full op based on nothing (the server answers values it already has with no-ops
        and keeps any difference as a conflict); read-only records wait for the first pull.
        Returns the number of ops queued.
        """
        with self.transaction() as tx:
            return tx.requeue_everything()

    def import_records(self, items: Iterable[tuple[int, Mapping[str, Any]]], *,
                       enforce_scope: bool = True) -> dict[str, int]:
        """Bring records in the export form into the store, idempotent by ID, all or nothing.

        ``items`` are (line number, record) pairs; every bad line is reported at once.
        """
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        problems: builtins.list[Problem] = []
        with self.transaction() as tx:
            tx.enforce_scope = enforce_scope
            for line, item in items:
                try:
                    counts[tx.put_export(item)] += 1
                except SotayError as exc:
                    problems.append(Problem("__root__", "import.bad_line",
                                            {"line": line, "file": "", "detail": exc.message()}))
            if problems:
                raise ValidationError(problems)
        return counts

    def _commit(self, writes: dict[tuple[str, str], dict[str, Any] | None]) -> None:
        """Journal first (fsync), memory second; then checkpoint if the journal is large."""
        if not writes:
            return
        ops = [(table, key, doc) for (table, key), doc in writes.items()]
        self._journal.append({"t": self.now().isoformat(), "ops": ops})
        records = self._raw("records")
        for table, key, doc in ops:
            if table == "records":
                self.index.replace(records.get(key), doc)
            elif table == "outbox":
                old = self._raw("outbox").get(key)
                if old is not None:
                    self.index.remove_op(old)
                if doc is not None:
                    self.index.add_op(doc)
            tbl = self._table(table)
            if doc is None:
                tbl.remove_raw(key)
            else:
                tbl.put_raw(key, doc)
        if self._journal.size > CHECKPOINT_BYTES:
            self.checkpoint()
        for listener in list(self.listeners):
            listener(self)

    def checkpoint(self) -> None:
        """Write a new snapshot atomically, keep the previous one, rotate the journal.

        Crash at any step leaves a state :meth:`open` reads back completely (entries carry
        numbers; the snapshot records the last one it holds).
        """
        with self._mutex:
            last_n = self._journal.next_n - 1
            tables = {name: self._raw(name) for name in TABLES}
            path = self.path
            data = snapshot.encode(tables, last_n)
            tmp = path / (SNAPSHOT + ".tmp")
            try:
                fsio.atomic_write(tmp, data)
                if (path / SNAPSHOT).exists():
                    fsio._replace(path / SNAPSHOT, path / SNAPSHOT_PREV)
                self._journal.close()
                if (path / JOURNAL).exists():
                    fsio._replace(path / JOURNAL, path / JOURNAL_PREV)
                fsio._replace(tmp, path / SNAPSHOT)
                fsio.fsync_dir(path)
            except OSError as exc:
                self._reopen_journal(last_n + 1)
                raise fsio.store_error(exc, "ghi ảnh chụp dữ liệu") from exc
            except StoreError:
                self._reopen_journal(last_n + 1)
                raise
            self._snapshot_n = last_n
            self._reopen_journal(last_n + 1)

    def _reopen_journal(self, next_n: int) -> None:
        path = self.path / JOURNAL
        size = path.stat().st_size if path.exists() else 0
        self._journal.close()
        self._journal = Journal(path, next_n, size)

    # ------------------------------------------------------------------ sync
    def pending_ops(self, limit: int | None = None) -> builtins.list[dict[str, Any]]:
        outbox = self._raw("outbox")
        keys = sorted(outbox)
        if limit is not None:
            keys = keys[:limit]
        return [outbox[k] for k in keys]

    def pending_count(self) -> int:
        return len(self._raw("outbox"))

    def ops_for(self, record_id: str) -> builtins.list[dict[str, Any]]:
        outbox = self._raw("outbox")
        return [outbox[_op_key(s)] for s in self.index.ops_by_record.get(record_id, [])]

    def rejected(self) -> builtins.list[dict[str, Any]]:
        return sorted(self._raw("rejected").values(), key=lambda r: r["op"]["op_seq"])

    def stats(self) -> dict[str, Any]:
        counts = {kind: 0 for kind in sorted(self.index.by_kind)}
        records = self._raw("records")
        open_conflicts = 0
        for kind, ids in self.index.by_kind.items():
            for rid in ids:
                doc = records[rid]
                if doc.get("deleted"):
                    continue
                counts[kind] += 1
                if kind == "conflict" and doc["fields"].get("status", "open") == "open":
                    open_conflicts += 1
        return {
            "counts": {k: v for k, v in counts.items() if v},
            "pending": self.pending_count(),
            "open_conflicts": open_conflicts,
            "rejected": len(self._raw("rejected")),
            "journal_bytes": self._journal.size,
        }


def _utc_iso(when: datetime | str) -> str:
    """One timestamp format for history (UTC ISO 8601), so strings compare in time order."""
    if isinstance(when, str):
        when = datetime.fromisoformat(when.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()


def _apply_entry(tables: dict[str, dict[str, Any]], entry: Mapping[str, Any]) -> None:
    for table, key, doc in entry["ops"]:
        target = tables.setdefault(table, {})
        if doc is None:
            target.pop(key, None)
        else:
            target[key] = doc


# ---------------------------------------------------------------------------
# Transactions
# ---------------------------------------------------------------------------
class Transaction:
    """Stages changes; :meth:`Store.transaction` commits them as one journal entry."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.writes: dict[tuple[str, str], dict[str, Any] | None] = {}
        # record id -> {op_seq: op or None (dropped)} for ops staged in this transaction
        self._staged_ops: dict[str, dict[int, dict[str, Any] | None]] = {}
        self._next_op_seq = int(store.meta("next_op_seq", 1))
        self._now = store.now()
        self._today = self._now.astimezone().date()
        #: Imports and the demo data may write records of other offices (the server decides).
        self.enforce_scope = True

    # -- staged reads ------------------------------------------------------
    def doc(self, record_id: str) -> dict[str, Any] | None:
        key = ("records", record_id)
        if key in self.writes:
            return self.writes[key]
        return self.store._raw("records").get(record_id)

    def _require(self, record_id: str) -> dict[str, Any]:
        found = self.doc(record_id)
        if found is None:
            found = self.doc(self.store.resolve_id(record_id))
        if found is None:
            raise NotFound(id=record_id)
        return found

    def staged_ops(self, record_id: str) -> list[dict[str, Any]]:
        """The record's pending ops as they will be after this transaction, in order."""
        ops = {op["op_seq"]: op for op in self.store.ops_for(record_id)}
        for op_seq, op in self._staged_ops.get(record_id, {}).items():
            if op is None:
                ops.pop(op_seq, None)
            else:
                ops[op_seq] = op
        return [ops[s] for s in sorted(ops)]

    def _stage_op(self, record_id: str, op_seq: int, op: dict[str, Any] | None) -> None:
        self.writes[("outbox", _op_key(op_seq))] = op
        self._staged_ops.setdefault(record_id, {})[op_seq] = op

    def set_meta(self, key: str, value: Any) -> None:
        self.writes[("meta", key)] = {"value": value}

    # -- local edits -------------------------------------------------------
    def add(self, kind: str, fields: Mapping[str, Any], *, scope: str | None = None,
            record_id: str | None = None) -> Record:
        model_for(kind)
        if kind == "conflict" and self.enforce_scope:
            raise ValidationError.single("kind", "store.readonly_kind", kind=kind)
        logical = prepare(kind, fields, today=self._today)
        flat = to_flat(kind, logical)
        rid = record_id or uuid7()
        if self.doc(rid) is not None:
            raise Conflict("store.exists", id=rid)
        scope = check_scope(scope or self.store.office)
        self._check_writable(scope)
        doc = {"id": rid, "kind": kind, "scope": scope, "fields": flat, "deleted": False,
               "base": None, "versions": {}, "seq": 0, "pending": 0,
               "updated_at": self._now.isoformat()}
        self._record_local(None, doc, flat)
        return Record(doc)

    def update(self, record_id: str, changes: Mapping[str, Any]) -> Record:
        old = self._require(record_id)
        if old.get("deleted"):
            raise Conflict("store.deleted", id=old["id"])
        kind = old["kind"]
        self._check_writable(old["scope"])
        if kind == "conflict" and self.enforce_scope:
            bad = [k for k in changes if k not in CONFLICT_EDITABLE]
            if bad:
                raise ValidationError.single(bad[0], "validation.immutable", field=bad[0])
        previous = from_flat(kind, old["fields"])
        logical = prepare(kind, changes, previous=previous, today=self._today)
        flat = to_flat(kind, logical)
        delta = diff_flat(old["fields"], flat)
        if not delta:
            return Record(old)
        new = {**old, "fields": flat, "updated_at": self._now.isoformat()}
        self._record_local(old, new, delta)
        return Record(new)

    def delete(self, record_id: str) -> Record:
        return self._set_deleted(record_id, True)

    def restore(self, record_id: str) -> Record:
        return self._set_deleted(record_id, False)

    def put_export(self, item: Mapping[str, Any]) -> str:
        """Make the record match an exported one; returns "added", "updated" or "unchanged"."""
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str) \
                or not isinstance(item.get("fields"), Mapping):
            raise ValidationError.single("__root__", "validation.bad_value",
                                         detail="cần các khóa id, kind, scope, fields")
        rid, kind = item["id"], str(item.get("kind"))
        fields = dict(item["fields"])
        old = self.doc(rid)
        if old is None:
            self.add(kind, fields, scope=item.get("scope"), record_id=rid)
            if item.get("deleted"):
                self.delete(rid)
            return "added"
        if old["kind"] != kind:
            raise ValidationError.single("kind", "validation.bad_value", detail=f"{rid}: {kind}")
        want_deleted = bool(item.get("deleted"))
        if old.get("deleted") and want_deleted:
            return "unchanged"
        changed = bool(old.get("deleted"))
        if changed:
            self.restore(rid)
        current = self.doc(rid)
        wanted = {**{k: None for k in Record(old).data}, **fields}
        changed = self.update(rid, wanted).doc is not current or changed
        if want_deleted:
            self.delete(rid)
            changed = True
        return "updated" if changed else "unchanged"

    def _set_deleted(self, record_id: str, deleted: bool) -> Record:
        old = self._require(record_id)
        if bool(old.get("deleted")) == deleted:
            return Record(old)
        self._check_writable(old["scope"])
        new = {**old, "deleted": deleted, "updated_at": self._now.isoformat()}
        self._record_local(old, new, {"deleted": deleted})
        return Record(new)

    def _check_writable(self, scope: str) -> None:
        store = self.store
        if self.enforce_scope and store.role != "hq" and not within(scope, store.office):
            raise Conflict("store.out_of_scope", scope=scope, office=store.office)

    def _record_local(self, old: dict[str, Any] | None, new: dict[str, Any],
                      delta: Mapping[str, Any]) -> None:
        """Stage the new record, its outbox op and its history line."""
        base = base_state(old) if old is not None else None
        new["base"] = base
        new["pending"] = int(new.get("pending", 0)) + 1
        op = self._make_op(old, new, delta, base)
        self.writes[("records", new["id"])] = new
        self._stage_op(new["id"], op["op_seq"], op)
        self._history(new["id"], old["fields"] if old else {}, new["fields"], delta,
                      source="local", author=self.store.author, office=self.store.office,
                      at=self._now.isoformat(), created=old is None)

    def _make_op(self, old: dict[str, Any] | None, new: dict[str, Any],
                 delta: Mapping[str, Any], base: dict[str, Any] | None) -> dict[str, Any]:
        long_text = long_text_fields(new["kind"])
        changes: dict[str, dict[str, Any]] = {}
        for key, value in delta.items():
            change: dict[str, Any] = {"value": value,
                                      "base_version": field_version(old, key) if old else 0}
            if key in long_text and base is not None and isinstance(base["fields"].get(key), str):
                change["base_text"] = base["fields"][key]
            changes[key] = change
        op_seq = self._next_op_seq
        self._next_op_seq += 1
        self.set_meta("next_op_seq", self._next_op_seq)
        return {
            "op_seq": op_seq, "record_id": new["id"], "kind": new["kind"], "scope": new["scope"],
            "changes": changes, "base_seq": int(old.get("seq", 0)) if old else 0,
            "edited_at": self._now.isoformat(), "author": self.store.author,
        }

    def _history(self, rid: str, before: Mapping[str, Any], after: Mapping[str, Any],
                 delta: Mapping[str, Any], *, source: str, author: str | None,
                 office: str | None, at: str, created: bool = False) -> None:
        changes = {}
        for key in delta:
            if key == "deleted":
                changes[key] = [not delta[key], delta[key]]
            else:
                changes[key] = [before.get(key), after.get(key)]
        hid = uuid7()
        entry: dict[str, Any] = {"id": hid, "rid": rid, "at": _utc_iso(at), "source": source,
                 "author": author, "office": office, "changes": changes}
        if created:
            entry["created"] = True
        self.writes[("history", hid)] = entry

    # -- sync: results and pulled records -------------------------------------
    def drop_op(self, op: Mapping[str, Any]) -> None:
        """An op the server has answered leaves the outbox."""
        self._stage_op(op["record_id"], op["op_seq"], None)

    def keep_rejected(self, op: Mapping[str, Any], reason: str | None, message: str | None) -> None:
        self.writes[("rejected", _op_key(op["op_seq"]))] = {
            "op": dict(op), "reason": reason, "message": message, "at": self._now.isoformat()}

    def take_base(self, state: Mapping[str, Any], *, at: str | None = None) -> None:
        """Make a server state the record's base and re-apply the record's pending ops."""
        rid = state["id"]
        old = self.doc(rid)
        if old is not None and int(old.get("seq", 0)) > int(state["seq"]):
            return  # an older answer arriving late changes nothing
        base = {"fields": dict(state["fields"]), "deleted": bool(state.get("deleted")),
                "scope": state["scope"]}
        fields, deleted, scope = base["fields"], base["deleted"], base["scope"]
        pending = self.staged_ops(rid)
        for op in pending:
            values = {k: c.get("value") for k, c in op["changes"].items()}
            if "deleted" in values:
                deleted = bool(values.pop("deleted"))
            fields = apply_flat(fields, values)
            scope = op.get("scope", scope)
        new = {"id": rid, "kind": state["kind"], "scope": scope, "fields": fields,
               "deleted": deleted, "base": base if pending else None,
               "versions": dict(state.get("versions") or {}), "seq": int(state["seq"]),
               "pending": len(pending), "updated_at": at or self._now.isoformat()}
        self.writes[("records", rid)] = new
        before = old["fields"] if old else {}
        delta = diff_flat(before, fields)
        if old is None or bool(old.get("deleted")) != deleted:
            delta["deleted"] = deleted
        if delta and not (old is None and deleted):
            self._history(rid, before, fields, delta, source="server",
                          author=state.get("updated_by"), office=state.get("office"),
                          at=at or state.get("updated_at") or self._now.isoformat(),
                          created=old is None)

    def requeue_everything(self) -> int:
        store = self.store
        for op in store.pending_ops():
            self.drop_op(op)
        self._next_op_seq = 1
        for key, value in (("replica_id", uuid7()), ("cursor", 0), ("server_id", None)):
            self.set_meta(key, value)
        queued = 0
        for record in store.list(None, include_deleted=True):
            doc = {**record.doc, "seq": 0, "versions": {}, "base": None, "pending": 0}
            self.writes[("records", doc["id"])] = doc
            if self.enforce_scope and store.role != "hq" and not within(doc["scope"], store.office):
                continue
            delta: dict[str, Any] = dict(doc["fields"])
            if doc.get("deleted"):
                delta["deleted"] = True
            doc["pending"] = 1
            op = self._make_op(None, doc, delta, None)
            self._stage_op(doc["id"], op["op_seq"], op)
            queued += 1
        return queued

    def forget(self, record_id: str) -> bool:
        """A record left this office's scope: drop it unless it has unsent local changes."""
        if self.staged_ops(record_id):
            return False
        if self.doc(record_id) is not None:
            self.writes[("records", record_id)] = None
        return True

    def refresh_pending(self, record_id: str) -> None:
        """After ops were answered without a record state, recount what is still pending.

        With nothing pending the local state stands as the base until the next pull brings
        the server's (the server applied these very changes).
        """
        doc = self.doc(record_id)
        if doc is None:
            return
        count = len(self.staged_ops(record_id))
        new = {**doc, "pending": count}
        if count == 0:
            new["base"] = None
        self.writes[("records", record_id)] = new

    def commit(self) -> None:
        self.store._commit(self.writes)

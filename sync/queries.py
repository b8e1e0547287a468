"""The replica's queries: records by ID, kind, parent and text; the outbox; statistics.

Every public read holds the store's lock (:func:`sync.durable.locked`) and returns a new
list, so it is safe against a commit on another thread; the records it returns wrap the
stored documents (never change them), which a commit replaces rather than changes.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from typing import Any

from domain.errors import NotFound, ValidationError
from domain.schema import is_open_conflict
from domain.text import fold
from sync.docs import op_key
from sync.durable import Durable, locked
from sync.record import Record


class Queries(Durable):
    """The reads of :class:`sync.store.Store` (see the module docstring)."""

    def get(self, record_id: str) -> Record | None:
        doc = self.doc(record_id)
        return Record(doc) if doc is not None else None

    @locked
    def require(self, record_id: str) -> Record:
        record = self.get(self.resolve_id(record_id))
        if record is None:
            raise NotFound(id=record_id)
        return record

    @locked
    def resolve_id(self, text: str) -> str:
        """A full ID, or a unique suffix / prefix of one (people type the short form)."""
        if self.doc(text) is not None:
            return text
        needle = text.replace("-", "").lower()
        if len(needle) < 4:
            raise NotFound(id=text)
        self.ensure_loaded()
        hits = [
            rid
            for rid in self._raw("records")
            if rid.replace("-", "").endswith(needle) or rid.replace("-", "").startswith(needle)
        ]
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise NotFound(id=text)
        raise ValidationError.single(
            "id",
            "validation.reference_ambiguous",
            value=text,
            kind="",
            matches=", ".join(h[-8:] for h in hits[:5]),
        )

    @locked
    def list(
        self,
        kind: str | None = None,
        *,
        where: Callable[[Record], bool] | None = None,
        include_deleted: bool = False,
    ) -> builtins.list[Record]:
        if kind:
            self._ensure(kind)
        else:
            self.ensure_loaded()
        records = self._raw("records")
        ids: Iterable[str] = self.index.by_kind.get(kind, {}) if kind else builtins.list(records)
        out = []
        for rid in ids:
            record = Record(records[rid])
            if record.deleted and not include_deleted:
                continue
            if where is None or where(record):
                out.append(record)
        return out

    @locked
    def count(self, kind: str) -> int:
        self._ensure(kind)
        return len(self.index.by_kind.get(kind, {}))

    @locked
    def count_hint(self, kind: str) -> int:
        """:meth:`count` without parsing a kind not parsed yet: then its file's size in
        kilobytes (a record and its folded text take ~0.4–0.9 kB there), so a screen can tell
        a long list from a short one before it reads it."""
        return self.lazy_bytes(kind) // 1000 or len(self.index.by_kind.get(kind, {}))

    @locked
    def children(
        self, parent_id: str, kind: str | None = None, *, include_deleted: bool = False
    ) -> builtins.list[Record]:
        if kind:
            self._ensure(kind)
        else:
            self.ensure_loaded()
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

    @locked
    def search(
        self,
        text: str,
        *,
        kinds: Iterable[str] | None = None,
        limit: int | None = 200,
        include_deleted: bool = False,
    ) -> builtins.list[Record]:
        """Accent-insensitive search: "ung dung" finds "ứng dụng", every word must occur."""
        wanted = builtins.list(kinds) if kinds is not None else None
        self.ensure_loaded(wanted)
        records = self._raw("records")
        order = wanted if wanted is not None else builtins.list(self.index.by_kind)
        found = []
        # ask for a few more than the limit: deleted records are filtered out afterwards
        ask = None if limit is None else limit + 32
        for rid in self.index.search(text, order, ask):
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

    # ---------------------------------------------------------------- outbox
    @locked
    def pending_ops(self, limit: int | None = None) -> builtins.list[dict[str, Any]]:
        outbox = self._raw("outbox")
        keys = sorted(outbox)
        if limit is not None:
            keys = keys[:limit]
        return [outbox[k] for k in keys]

    @locked
    def pending_count(self) -> int:
        return len(self._raw("outbox"))

    @locked
    def ops_for(self, record_id: str) -> builtins.list[dict[str, Any]]:
        outbox = self._raw("outbox")
        return [outbox[op_key(s)] for s in self.index.ops_by_record.get(record_id, [])]

    @locked
    def rejected(self) -> builtins.list[dict[str, Any]]:
        return sorted(self._raw("rejected").values(), key=lambda r: r["op"]["op_seq"])

    def is_open_conflict(self, record: Record) -> bool:
        """A conflict waiting for a person here: open (:func:`domain.schema.is_open_conflict`),
        made by the server, and not resolved here by an op waiting to be sent."""
        return (
            is_open_conflict(record.kind, record.flat, record.deleted)
            and record.seq > 0
            and record.id not in self.index.resolving
        )

    def open_conflicts(self) -> builtins.list[Record]:
        return self.list("conflict", where=self.is_open_conflict)

    def open_conflict_count(self) -> int:
        return len(self.open_conflicts())

    def held_removals(self) -> builtins.list[str]:
        """Records the server said left this office's reach, held back by the mass-removal
        guard until a person accepts them (``sotay removals --accept``)."""
        return builtins.list(self.meta("held_removals") or [])

    @locked
    def stats(self) -> dict[str, Any]:
        self.ensure_loaded()
        records = self._raw("records")
        counts: dict[str, int] = {}
        for kind, ids in self.index.by_kind.items():
            live = sum(1 for rid in ids if not records[rid].get("deleted"))
            if live:
                counts[kind] = live
        return {
            "counts": dict(sorted(counts.items())),
            "pending": self.pending_count(),
            "open_conflicts": self.open_conflict_count(),
            "rejected": len(self._raw("rejected")),
            "journal_bytes": self._journal.size,
        }

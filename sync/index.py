"""In-memory indexes over the records, built as kinds load and kept current on every change.

* by kind, so lists never scan the whole store;
* children of a plan / meeting / conclusion (and a record's conflicts), from each kind's
  ``PARENTS`` reference fields;
* folded text (see :func:`domain.text.fold`) for accent-insensitive search.  Per kind, the
  texts are also joined into chunks of a few hundred records so that a query scans them with
  ``str.find`` in C instead of one Python comparison per record: 100k records in a few ms.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from typing import Any

from domain.schema import SPECS
from domain.text import fold

CHUNK = 512
_SEP = "\x00"


def _parent_fields(kind: str) -> tuple[str, ...]:
    spec = SPECS.get(kind)
    return spec.parents if spec else ()


_SKIP: dict[str, frozenset[str]] = {
    kind: frozenset(spec.refs) | frozenset({"published_to"}) for kind, spec in SPECS.items()
}


def search_text(kind: str, fields: Mapping[str, Any]) -> str:
    """The text of a record that search looks at: every string value except references."""
    skip = _SKIP.get(kind, frozenset())
    parts: list[str] = []
    for key, value in fields.items():
        if ":" in key or key in skip:
            if isinstance(value, dict):  # map elements such as readings' evidence
                parts.extend(v for v in value.values() if isinstance(v, str))
            continue
        if isinstance(value, str) and not (
            len(value) == 10 and value[4:5] == "-" and value[:4].isdigit()
        ):
            parts.append(value)
    return fold("\n".join(parts)).replace(_SEP, " ")


class _Chunks:
    """One kind's folded texts joined in chunks, rebuilt lazily after changes."""

    def __init__(self) -> None:
        self.ids: list[list[str]] = []
        self.where: dict[str, int] = {}
        self.joined: list[tuple[str, list[int]] | None] = []

    def add(self, rid: str) -> None:
        if rid in self.where:
            self.joined[self.where[rid]] = None
            return
        if not self.ids or len(self.ids[-1]) >= CHUNK:
            self.ids.append([])
            self.joined.append(None)
        self.ids[-1].append(rid)
        self.where[rid] = len(self.ids) - 1
        self.joined[-1] = None

    def remove(self, rid: str) -> None:
        at = self.where.pop(rid, None)
        if at is not None:
            self.ids[at].remove(rid)
            self.joined[at] = None

    def chunk(self, at: int, text: Mapping[str, str]) -> tuple[str, list[int]]:
        built = self.joined[at]
        if built is None:
            parts = [text.get(rid, "") for rid in self.ids[at]]
            starts, pos = [], 0
            for part in parts:
                starts.append(pos)
                pos += len(part) + 1
            built = (_SEP.join(parts), starts)
            self.joined[at] = built
        return built


class Indexes:
    def __init__(self) -> None:
        self.by_kind: dict[str, dict[str, None]] = {}
        self.children: dict[str, dict[str, None]] = {}
        self._text: dict[str, str] = {}
        #: records whose folded text is not computed yet: folding waits for the first search
        #: or checkpoint, so a pull of 10k records does not pay for it while it applies them
        self._unfolded: dict[str, tuple[str, Mapping[str, Any]]] = {}
        self.ops_by_record: dict[str, list[int]] = {}
        #: conflict id -> op_seq of the pending op that resolves it
        self.resolving: dict[str, int] = {}
        self._chunks: dict[str, _Chunks] = {}

    @property
    def text(self) -> dict[str, str]:
        """Folded search text by record ID (computed now for records that changed)."""
        if self._unfolded:
            pending, self._unfolded = self._unfolded, {}
            for rid, (kind, fields) in pending.items():
                self._text[rid] = search_text(kind, fields)
        return self._text

    def _chunks_of(self, kind: str) -> _Chunks:
        """The kind's chunks (made the first time: not an empty one made and dropped a record)."""
        chunks = self._chunks.get(kind)
        if chunks is None:
            chunks = self._chunks[kind] = _Chunks()
        return chunks

    # -- records -----------------------------------------------------------
    def add(self, doc: Mapping[str, Any], folded: str | None = None) -> None:
        rid, kind, fields = doc["id"], doc["kind"], doc["fields"]
        self.by_kind.setdefault(kind, {})[rid] = None
        for name in _parent_fields(kind):
            parent = fields.get(name)
            if isinstance(parent, str):
                self.children.setdefault(parent, {})[rid] = None
        if folded is not None:
            self._text[rid] = folded
        else:
            self._unfolded[rid] = (kind, fields)
        self._chunks_of(kind).add(rid)

    def remove(self, doc: Mapping[str, Any]) -> None:
        rid, kind, fields = doc["id"], doc["kind"], doc["fields"]
        self.by_kind.get(kind, {}).pop(rid, None)
        for name in _parent_fields(kind):
            parent = fields.get(name)
            if isinstance(parent, str):
                self.children.get(parent, {}).pop(rid, None)
        self._text.pop(rid, None)
        self._unfolded.pop(rid, None)
        chunks = self._chunks.get(kind)
        if chunks is not None:
            chunks.remove(rid)

    def replace(self, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> None:
        if old is not None and new is not None and old["kind"] == new["kind"]:
            self._update(old, new)
            return
        if old is not None:
            self.remove(old)
        if new is not None:
            self.add(new)

    def _update(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        rid, kind = new["id"], new["kind"]
        for name in _parent_fields(kind):
            before, after = old["fields"].get(name), new["fields"].get(name)
            if before != after:
                if isinstance(before, str):
                    self.children.get(before, {}).pop(rid, None)
                if isinstance(after, str):
                    self.children.setdefault(after, {})[rid] = None
        if old["fields"] is not new["fields"] and old["fields"] != new["fields"]:
            self._unfolded[rid] = (kind, new["fields"])
            self._chunks_of(kind).add(rid)

    # -- outbox ------------------------------------------------------------
    def add_op(self, op: Mapping[str, Any]) -> None:
        seqs = self.ops_by_record.setdefault(op["record_id"], [])
        if op["op_seq"] not in seqs:
            bisect.insort(seqs, op["op_seq"])
        if op.get("resolves"):
            self.resolving[op["resolves"]] = op["op_seq"]

    def remove_op(self, op: Mapping[str, Any]) -> None:
        seqs = self.ops_by_record.get(op["record_id"])
        if seqs and op["op_seq"] in seqs:
            seqs.remove(op["op_seq"])
            if not seqs:
                del self.ops_by_record[op["record_id"]]
        if op.get("resolves") and self.resolving.get(op["resolves"]) == op["op_seq"]:
            del self.resolving[op["resolves"]]

    def build_ops(self, outbox: Iterable[Mapping[str, Any]]) -> None:
        for op in outbox:
            self.add_op(op)

    # -- search ------------------------------------------------------------
    def search(self, query: str, kinds: Iterable[str], limit: int | None = None) -> list[str]:
        """IDs of records of ``kinds`` whose folded text contains ``query``.

        Records containing the words as typed, side by side ("ung dung" in "ứng dụng"),
        come first; then records containing every word somewhere.  Syllables are words in
        Vietnamese, so the phrase is usually what a person means.
        """
        words = fold(query).replace(_SEP, " ").split()
        if not words:
            return []
        kinds = list(kinds)
        _ = self.text  # fold what changed since the last search
        phrase = " ".join(words)
        found = self._search([phrase], kinds, limit, set())
        rest = sorted(set(words), key=len, reverse=True)
        if len(rest) > 1 and (limit is None or len(found) < limit):
            more = None if limit is None else limit - len(found)
            found += self._search(rest, kinds, more, set(found))
        return found

    def _search(
        self, words: list[str], kinds: list[str], limit: int | None, skip: set[str]
    ) -> list[str]:
        found: list[str] = []
        for kind in kinds:
            chunks = self._chunks.get(kind)
            if chunks is None:
                continue
            for at in range(len(chunks.ids)):
                if self._scan(chunks, at, words, found, limit, skip):
                    return found
        return found

    def _scan(
        self,
        chunks: _Chunks,
        at: int,
        words: list[str],
        found: list[str],
        limit: int | None,
        skip: set[str],
    ) -> bool:
        """Scan one chunk; True when ``limit`` is reached."""
        joined, starts = chunks.chunk(at, self._text)
        ids = chunks.ids[at]
        first, rest = words[0], words[1:]
        pos = joined.find(first)
        while pos != -1:
            i = bisect.bisect_right(starts, pos) - 1
            rid = ids[i]
            end = starts[i + 1] - 1 if i + 1 < len(starts) else len(joined)
            body = joined[starts[i] : end]
            if rid not in skip and all(w in body for w in rest):
                found.append(rid)
                if limit is not None and len(found) >= limit:
                    return True
            pos = joined.find(first, end)
        return False

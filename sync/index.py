"""In-memory indexes over the records table, built at open and kept current on every change.

* by kind, so lists never scan the whole store;
* children of a plan / meeting / conclusion (and a record's conflicts), from each kind's
  ``PARENTS`` reference fields;
* folded text (see :func:`domain.text.fold`) for accent-insensitive search.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from domain.models import KINDS
from domain.text import fold


def _parent_fields(kind: str) -> tuple[str, ...]:
    model = KINDS.get(kind)
    return model.PARENTS if model else ()


def _skip_keys(kind: str) -> frozenset[str]:
    model = KINDS.get(kind)
    if model is None:
        return frozenset()
    return frozenset(model.REFS) | frozenset({"published_to"})


def search_text(kind: str, fields: Mapping[str, Any]) -> str:
    """The text of a record that search looks at: every string value except references."""
    skip = _skip_keys(kind)
    parts: list[str] = []
    for key, value in fields.items():
        if ":" in key or key in skip:
            if isinstance(value, dict):  # map elements such as readings' evidence
                parts.extend(v for v in value.values() if isinstance(v, str))
            continue
        if isinstance(value, str) and not (len(value) == 10 and value[4:5] == "-" and value[:4].isdigit()):
            parts.append(value)
    return fold("\n".join(parts))


class Indexes:
    def __init__(self) -> None:
        self.by_kind: dict[str, dict[str, None]] = {}
        self.children: dict[str, dict[str, None]] = {}
        self.text: dict[str, str] = {}
        self.ops_by_record: dict[str, list[int]] = {}

    # -- records -----------------------------------------------------------
    def build(self, records: Mapping[str, Mapping[str, Any]],
              outbox: Iterable[Mapping[str, Any]]) -> None:
        for doc in records.values():
            self.add(doc)
        for op in sorted(outbox, key=lambda o: o["op_seq"]):
            self.ops_by_record.setdefault(op["record_id"], []).append(op["op_seq"])

    def add(self, doc: Mapping[str, Any]) -> None:
        rid, kind, fields = doc["id"], doc["kind"], doc["fields"]
        self.by_kind.setdefault(kind, {})[rid] = None
        for name in _parent_fields(kind):
            parent = fields.get(name)
            if isinstance(parent, str):
                self.children.setdefault(parent, {})[rid] = None
        self.text[rid] = search_text(kind, fields)

    def remove(self, doc: Mapping[str, Any]) -> None:
        rid, kind, fields = doc["id"], doc["kind"], doc["fields"]
        self.by_kind.get(kind, {}).pop(rid, None)
        for name in _parent_fields(kind):
            parent = fields.get(name)
            if isinstance(parent, str):
                self.children.get(parent, {}).pop(rid, None)
        self.text.pop(rid, None)

    def replace(self, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> None:
        if old is not None:
            self.remove(old)
        if new is not None:
            self.add(new)

    # -- outbox ------------------------------------------------------------
    def add_op(self, op: Mapping[str, Any]) -> None:
        self.ops_by_record.setdefault(op["record_id"], []).append(op["op_seq"])

    def remove_op(self, op: Mapping[str, Any]) -> None:
        seqs = self.ops_by_record.get(op["record_id"])
        if seqs and op["op_seq"] in seqs:
            seqs.remove(op["op_seq"])
            if not seqs:
                del self.ops_by_record[op["record_id"]]

    # -- search ------------------------------------------------------------
    def search(self, query: str, ids: Iterable[str] | None = None, limit: int | None = None) -> list[str]:
        """IDs whose folded text contains every word of ``query`` (in index order)."""
        words = sorted(set(fold(query).split()), key=len, reverse=True)
        if not words:
            return []
        text = self.text
        first, rest = words[0], words[1:]
        candidates = text.keys() if ids is None else ids
        found: list[str] = []
        for rid in candidates:
            body = text.get(rid, "")
            if first in body and all(w in body for w in rest):
                found.append(rid)
                if limit is not None and len(found) >= limit:
                    break
        return found

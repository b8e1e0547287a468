"""Resolving a conflict: an ordinary edit of the record plus marking the conflict resolved,
saved together and synced like any change.

A conflict record (made by the server) holds the value now in the record (``current_*``) and
the value the server kept aside (``other_*``).  "Mine" is whichever side my office wrote.
"""

from __future__ import annotations

from typing import Any

from domain.errors import Conflict, ValidationError
from domain.records import from_flat, spec_for
from sync.record import Record
from sync.store import Store, Transaction

KEEP_WORDS = {"mine": "mine", "cua-toi": "mine", "theirs": "theirs", "cua-ho": "theirs",
              "current": "current", "hien-tai": "current", "other": "other", "con-lai": "other"}


def sides(store: Store, conflict: Record) -> dict[str, str]:
    """Which side is mine and which theirs, by office (``{}`` if neither side is mine)."""
    data = conflict.data
    if data.get("other_office") == store.office and data.get("current_office") != store.office:
        return {"mine": "other", "theirs": "current"}
    if data.get("current_office") == store.office and data.get("other_office") != store.office:
        return {"mine": "current", "theirs": "other"}
    return {}


def open_conflicts(store: Store) -> list[Record]:
    return [c for c in store.list("conflict") if c.data.get("status", "open") == "open"]


def _logical_field(kind: str, key: str) -> str:
    prefix, sep, _element = key.partition(":")
    if not sep:
        return key
    for name, (p, _shape) in spec_for(kind).sets.items():
        if p == prefix:
            return name
    return key


def _set_flat(tx: Transaction, record_id: str, key: str, value: Any) -> None:
    """Set one flat key (a field or a set element) through the ordinary, validated edit path."""
    doc = tx.doc(record_id)
    if doc is None:
        raise Conflict("store.not_found", id=record_id)
    flat = dict(doc["fields"])
    if value is None:
        flat.pop(key, None)
    else:
        flat[key] = value
    name = _logical_field(doc["kind"], key)
    logical = from_flat(doc["kind"], flat)
    tx.update(record_id, {name: logical.get(name)})


def resolve(store: Store, conflict_id: str, keep: str, *, value: Any = None) -> Record:
    """Keep ``mine`` / ``theirs`` / ``current`` / ``other``, or a merged ``value``.

    ``keep="value"`` writes ``value`` (e.g. hand-merged minutes).  Returns the record.
    """
    conflict = store.require(conflict_id)
    if conflict.kind != "conflict":
        raise ValidationError.single("id", "validation.bad_value", detail=conflict.id)
    data = conflict.data
    side = KEEP_WORDS.get(keep, keep)
    if side in ("mine", "theirs"):
        mapping = sides(store, conflict)
        if not mapping:
            raise Conflict("sync.resolve_ambiguous")
        side = mapping[side]
    with store.transaction() as tx:
        record_id, key = data["record_id"], data["field"]
        if key == "deleted":
            _resolve_delete(tx, record_id, side, data)
        elif side in ("current", "other"):
            chosen = data.get("current_value" if side == "current" else "other_value")
            _set_flat(tx, record_id, key, chosen)
        elif side == "value":
            _set_flat(tx, record_id, key, value)
        else:
            raise ValidationError.single("keep", "validation.bad_choice", value=keep,
                                         choices="mine, theirs, current, other, value")
        tx.update(conflict.id, {"status": "resolved", "resolution": side,
                                "resolved_by": store.author})
    return store.require(record_id)


def _resolve_delete(tx: Transaction, record_id: str, side: str, data: dict[str, Any]) -> None:
    """Delete vs edit: keep the record deleted, or bring it back with the kept edit."""
    chosen = data.get("current_value" if side == "current" else "other_value")
    if side == "value":
        chosen = False
    doc = tx.doc(record_id)
    if doc is None:
        raise Conflict("store.not_found", id=record_id)
    if chosen:
        if not doc.get("deleted"):
            tx.delete(record_id)
        return
    if doc.get("deleted"):
        tx.restore(record_id)
    kept = data.get("other_fields") or {}
    if kept:
        flat = {**tx.doc(record_id)["fields"], **{k: v for k, v in kept.items() if v is not None}}  # type: ignore[index]
        logical = from_flat(doc["kind"], flat)
        names = {_logical_field(doc["kind"], k) for k in kept}
        tx.update(record_id, {n: logical.get(n) for n in names})

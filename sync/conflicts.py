"""Resolving a conflict: ONE ordinary edit of the conflicted record that names the conflict.

Conflict records are the server's alone.  A conflict holds the value now in the record
(``current_*``) and the value the server kept aside (``other_*``); "mine" is whichever side
this office (or, between two computers of one office, this person) wrote.  Resolving stages
one op on the record — the chosen value, a restore, a move, or nothing at all — carrying
``resolves`` (see :mod:`sync.protocol`); the server applies it and closes the conflict in the
same transaction, unless another replica closed it first, in which case every replica ends
up with that first choice.  Until the op is sent the conflict shows as resolved here
(:meth:`sync.store.Store.is_open_conflict`).

Three shapes of conflict:

* a field — keep ``current``, ``other`` or a ``value`` of one's own (hand-merged minutes);
* ``deleted`` — a delete against an edit: keep the record deleted (``current``), or bring it
  back with the edit the server kept (``other``);
* ``scope`` — an edit made where the record no longer is: keep it where it is now
  (``current``), move it back with the edit (``other``: whoever may write both scopes), or
  keep a ``copy`` with the edit in the other scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.errors import Conflict, NotFound, ValidationError
from domain.ids import short
from domain.records import apply_flat, from_flat
from domain.schema import logical_name
from domain.scopes import within
from sync.record import Record
from sync.store import Store
from sync.transaction import Transaction

KEEP_WORDS = {
    "mine": "mine",
    "cua-toi": "mine",
    "theirs": "theirs",
    "cua-ho": "theirs",
    "current": "current",
    "hien-tai": "current",
    "other": "other",
    "con-lai": "other",
    "copy": "copy",
    "ban-sao": "copy",
}


def sides(store: Store, conflict: Record) -> dict[str, str]:
    """Which side is mine and which theirs: by office, and between two computers of one
    office by author, then by computer (``{}`` when neither or both sides are mine)."""
    data = conflict.data
    mine_by = (("office", store.office), ("author", store.author), ("replica", store.replica_id))
    for who, mine in mine_by:
        current, other = data.get(f"current_{who}"), data.get(f"other_{who}")
        if other == mine and current != mine:
            return {"mine": "other", "theirs": "current"}
        if current == mine and other != mine:
            return {"mine": "current", "theirs": "other"}
    return {}


def _choice(store: Store, conflict: Record, keep: str) -> str:
    side = KEEP_WORDS.get(keep, keep)
    if side in ("mine", "theirs"):
        mapping = sides(store, conflict)
        if not mapping:
            raise Conflict("sync.resolve_ambiguous")
        side = mapping[side]
    if side not in ("current", "other", "value", "copy"):
        raise ValidationError.single(
            "keep",
            "validation.bad_choice",
            value=keep,
            choices="mine, theirs, current, other, copy",
        )
    return side


def check_resolvable(store: Store, conflict: Record) -> None:
    """Refuse what is not a conflict the server made, or one closed already."""
    if conflict.kind != "conflict":
        raise ValidationError.single("id", "validation.bad_value", detail=conflict.id)
    if conflict.seq <= 0:
        raise Conflict("sync.conflict_not_server", id=short(conflict.id))
    if not store.is_open_conflict(conflict):
        waiting = conflict.id in store.index.resolving
        raise Conflict(
            "sync.conflict_closed",
            id=short(conflict.id),
            waiting="§sync.conflict_waiting" if waiting else "",
        )


def resolve(store: Store, conflict_id: str, keep: str, *, value: Any = None) -> Record | None:
    """Keep ``mine`` / ``theirs`` / ``current`` / ``other`` / ``copy``, or a merged ``value``
    (``keep="value"``).  Returns the record as it is here afterwards (``None`` when this
    replica does not hold it)."""
    conflict = store.require(conflict_id)
    check_resolvable(store, conflict)
    side = _choice(store, conflict, keep)
    data = conflict.data
    with store.transaction() as tx:
        if data["field"] == "scope":
            _resolve_scope(tx, conflict, side)
        elif data["field"] == "deleted":
            _resolve_delete(tx, conflict, side)
        else:
            _resolve_field(tx, conflict, side, value)
    return store.get(str(data["record_id"]))


def _logical(kind: str, flat: Mapping[str, Any], keys: set[str]) -> dict[str, Any]:
    """The logical fields that hold ``keys`` (flat keys or set elements), from ``flat``."""
    names = {logical_name(kind, key) for key in keys}
    logical = from_flat(kind, flat)
    return {name: logical.get(name) for name in names}


def _close(tx: Transaction, conflict: Record, side: str) -> None:
    """Resolve without changing the record (it already holds the kept side)."""
    data = conflict.data
    rid, scope = str(data["record_id"]), conflict.scope
    if data["field"] == "scope":
        scope = str(data.get("current_value") or scope)
    if tx.doc(rid) is not None:
        tx.edit(rid, resolves=conflict.id, resolution=side)
    else:
        tx.dismiss(rid, str(data.get("record_kind")), scope, resolves=conflict.id, resolution=side)


def _resolve_field(tx: Transaction, conflict: Record, side: str, value: Any) -> None:
    data = conflict.data
    if side == "copy":
        raise Conflict("sync.conflict_copy_scope")
    rid, key = str(data["record_id"]), str(data["field"])
    doc = tx.doc(rid)
    if doc is None or (side == "current" and doc.get("deleted")):
        _close(tx, conflict, side)
        return
    chosen = value if side == "value" else data.get(f"{side}_value")
    flat = apply_flat(doc["fields"], {key: chosen})
    changes = _logical(doc["kind"], flat, {key})
    tx.edit(rid, changes, deleted=False, resolves=conflict.id, resolution=side)


def _resolve_delete(tx: Transaction, conflict: Record, side: str) -> None:
    """Delete vs edit: keep the record deleted, or bring it back with the kept edit."""
    data = conflict.data
    rid = str(data["record_id"])
    doc = tx.doc(rid)
    if side == "copy":
        raise Conflict("sync.conflict_copy_scope")
    if side == "current":
        if doc is not None and not doc.get("deleted"):
            tx.edit(rid, deleted=True, resolves=conflict.id, resolution=side)
        else:
            _close(tx, conflict, side)
        return
    if doc is None:
        raise NotFound(id=rid)
    kept = dict(data.get("other_fields") or {})
    scope = kept.pop("scope", None)
    flat = apply_flat(doc["fields"], kept)
    changes = _logical(doc["kind"], flat, set(kept)) if kept else None
    tx.edit(
        rid,
        changes,
        deleted=False,
        scope=scope if isinstance(scope, str) else None,
        resolves=conflict.id,
        resolution=side,
    )


def _resolve_scope(tx: Transaction, conflict: Record, side: str) -> None:
    """An edit made where the record no longer is."""
    data = conflict.data
    rid = str(data["record_id"])
    current, other = str(data.get("current_value")), str(data.get("other_value"))
    kept = {k: v for k, v in (data.get("other_fields") or {}).items() if k != "scope"}
    doc = tx.doc(rid)
    if side in ("current", "value"):
        _close(tx, conflict, "current")
        return
    if side == "other":
        store = tx.store
        may = store.role == "hq" or (within(current, store.office) and within(other, store.office))
        if doc is None or not may:
            raise Conflict(
                "sync.conflict_move_back", scope=other, current=current, office=store.office
            )
        flat = apply_flat(doc["fields"], kept)
        changes = _logical(doc["kind"], flat, set(kept)) if kept else None
        tx.edit(rid, changes, deleted=False, scope=other, resolves=conflict.id, resolution=side)
        return
    kind = str(data.get("record_kind") or (doc or {}).get("kind"))
    source = data.get("record_fields") or (doc["fields"] if doc is not None else {})
    flat = apply_flat(dict(source), kept)
    tx.add(kind, from_flat(kind, flat), scope=other)
    _close(tx, conflict, "copy")

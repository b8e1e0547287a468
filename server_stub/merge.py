"""The merge rules, pure: one record's stored state plus one op → the new state and conflicts.

No SQL, no clock, no randomness except what the caller passes in (``next_seq``, ``new_id``),
so every rule here is unit- and property-tested on plain values.  See DESIGN.md, "Merge, per
field".  In short, per flat key of the op:

* the replica saw the current value (``base_version >= version``), or the current value was
  written by this same replica (its own earlier op; a replica's ops arrive in order) → take;
* otherwise the edit is concurrent: the same value → nothing to do; a long text with its base
  text → three-way line merge when clearly safe (:mod:`server_stub.textmerge`); otherwise the
  later-arriving edit wins **and** the value it replaced is kept in a new ``conflict`` record.

Deletion is the versioned key ``deleted``.  A delete concurrent with edits it never saw applies
and keeps those edits in a conflict record; an edit arriving on a record another replica deleted
meanwhile leaves the record deleted and keeps the edit in a conflict record.  Nothing a replica
sent is dropped without a trace, and no wall clock is ever compared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from domain.ids import uuid7
from domain.records import check_flat_key, check_flat_value, long_text_fields
from domain.schema import SPECS, elements, flat_key
from domain.scopes import is_scope
from server_stub.state import DELETED, SCOPE_KEY, Stored, Writer
from server_stub.textmerge import merge_text
from server_stub.wire import Change, OpIn
from sync.protocol import MAX_FIELDS_PER_OP

Status = Literal["applied", "merged", "conflict", "rejected"]
#: The writer id of records the server makes itself (conflict records).
SERVER_WRITER = "@server"
#: Appended to a writer id for values the server merged (no replica wrote them as they are).
MERGED_SUFFIX = "#merged"
_RANK = {"applied": 0, "merged": 1, "conflict": 2}


class Who(NamedTuple):
    """Who applies the op: ``writer`` identifies the replica (unique across offices), and
    ``op_seq`` the op (so that the very same op applied again is recognised).  A named
    tuple: an initial push makes one per op."""

    writer: str
    author: str
    office: str
    edited_at: str
    now: str
    op_seq: int = 0

    def entry(self) -> Writer:
        return [self.writer, self.author, self.office, self.edited_at, self.op_seq]

    def wrote(self, entry: Writer | None) -> bool:
        """Is ``entry`` this very op's writing (exact or merged)?"""
        return (
            entry is not None
            and self.op_seq > 0
            and len(entry) > 4
            and entry[4] == self.op_seq
            and entry[0] in (self.writer, self.writer + MERGED_SUFFIX)
        )


@dataclass
class Outcome:
    status: Status
    #: The record after the op; the unchanged record (or ``None``) when nothing was written.
    record: Stored | None = None
    #: flat key → {"old", "new"} for the history; empty when the record was not written.
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)
    conflicts: list[Stored] = field(default_factory=list)
    reason: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    #: For a new record instead of ``changed`` (every old value is ``None``): key → value.
    created: dict[str, Any] | None = None


def same(a: Any, b: Any) -> bool:
    """JSON equality: ``True`` is not ``1`` and ``1`` is not ``1.0`` (they serialise apart)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# ---------------------------------------------------------------------------
# Checks: a bad op is rejected (and consumed) before anything is touched.
# ---------------------------------------------------------------------------
_PLAIN_KEYS: dict[str, dict[str, bool]] = {}


def _key_ok(kind: str, key: str) -> bool:
    """:func:`domain.records.check_flat_key`, cached per kind and field name.

    A set element's key is ``prefix:element``; elements are unbounded (person ids, dates), so
    the cache holds the prefix with a stand-in element and the element rule is checked here.
    """
    known = _PLAIN_KEYS.setdefault(kind, {})
    ok = known.get(key)
    if ok is not None:
        return ok
    prefix, sep, element = key.partition(":")
    if sep:
        stand_in = prefix + ":x"
        if stand_in not in known:
            known[stand_in] = check_flat_key(kind, stand_in)
        return 0 < len(element) <= 200 and known[stand_in]
    if len(known) < 4096:
        known[key] = check_flat_key(kind, key)
        return known[key]
    return check_flat_key(kind, key)


def _value_ok(value: Any) -> bool:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    return check_flat_value(value)


def check_header(op: OpIn, current: Stored | None) -> Outcome | None:
    """The rejection for an op of an unknown kind, the wrong kind, a bad scope or too many
    fields, or ``None``.  ``current`` is the record as far as the token may know it."""
    if op.kind not in SPECS:
        return Outcome(
            "rejected", current, reason="sync.reject.unknown_kind", params={"kind": op.kind}
        )
    if "\x00" in op.record_id:  # no backend key holds it (PostgreSQL text has no NUL)
        return Outcome("rejected", current, reason="sync.reject.bad_id")
    if current is not None and current.kind != op.kind:
        return Outcome(
            "rejected",
            current,
            reason="sync.reject.kind_mismatch",
            params={"id": op.record_id, "current": current.kind, "kind": op.kind},
        )
    if not is_scope(op.scope):
        return Outcome(
            "rejected", current, reason="sync.reject.bad_scope", params={"scope": op.scope}
        )
    if len(op.changes) > MAX_FIELDS_PER_OP:
        return Outcome(
            "rejected",
            current,
            reason="sync.reject.too_many_fields",
            params={"count": len(op.changes), "limit": MAX_FIELDS_PER_OP},
        )
    return None


def check_op(op: OpIn, current: Stored | None) -> Outcome | None:
    """The rejection for a malformed op, or ``None`` when the op may be merged.

    Structural only (kinds, keys, JSON values); the service also holds every value to the
    domain's rules (:mod:`server_stub.validation`).
    """
    rejected = check_header(op, current)
    if rejected is not None:
        return rejected
    kind = op.kind
    for key, change in op.changes.items():
        if key == DELETED:
            if not isinstance(change.value, bool):
                return _bad_value(current, key)
        elif not _key_ok(kind, key):
            return Outcome(
                "rejected",
                current,
                reason="sync.reject.bad_field",
                params={"kind": kind, "field": key},
            )
        elif not _value_ok(change.value):
            return _bad_value(current, key)
    return None


def _bad_value(current: Stored | None, key: str) -> Outcome:
    return Outcome("rejected", current, reason="sync.reject.bad_value", params={"field": key})


# ---------------------------------------------------------------------------
# Building records
# ---------------------------------------------------------------------------
def _audience(record: Stored) -> list[str]:
    wanted = [record.scope, *(flat_key("published_to", p) for p in record.published)]
    if all(a in record.audience for a in wanted):
        return record.audience
    return sorted({*record.audience, *wanted})


def _finish(
    record: Stored, seq: int, who: Who, entry: Writer, more: dict[str, Writer] | None = None
) -> None:
    """Stamp ``record`` as written at ``seq`` and drop writer entries nothing refers to."""
    record.seq = seq
    record.writers[str(seq)] = entry
    record.writers.update(more or {})
    live = {str(v) for v in record.versions.values()}
    record.writers = {k: w for k, w in record.writers.items() if k in live}
    record.updated_at = who.now
    record.updated_by = who.author or None
    record.office = who.office or None
    record.refresh_published()
    record.audience = _audience(record)


def _title(kind: str, fields: dict[str, Any]) -> str | None:
    spec = SPECS.get(kind)
    value = fields.get(spec.title) if spec else None
    return value if isinstance(value, str) else None


@dataclass
class _Pending:
    """A conflict to create once the record's new seq is known."""

    field: str
    current_value: Any
    other_value: Any
    base_value: Any = None
    other_fields: dict[str, Any] | None = None
    record_fields: dict[str, Any] | None = None
    current: Writer | None = None
    other: Writer | None = None


def _replica(writer: str) -> str | None:
    """The replica id in a writer id (``office|replica``): which computer wrote a side, so
    two computers of one office with the same author still tell "mine" from "theirs"."""
    _office, bar, replica = writer.partition("|")
    return replica.removesuffix(MERGED_SUFFIX) or None if bar else None


def _conflict_record(
    pending: _Pending, record: Stored, seq: int, record_id: str, who: Who, scope: str | None = None
) -> Stored:
    cur = pending.current or ["", "", "", ""]
    other = pending.other or ["", "", "", ""]
    values: dict[str, Any] = {
        "record_id": record.id,
        "record_kind": record.kind,
        "record_title": _title(record.kind, record.fields),
        "field": pending.field,
        "current_value": pending.current_value,
        "other_value": pending.other_value,
        "base_value": pending.base_value,
        "other_fields": pending.other_fields or None,
        "record_fields": pending.record_fields,
        "current_author": cur[1] or None,
        "current_office": cur[2] or None,
        "current_at": cur[3] or None,
        "other_author": other[1] or None,
        "other_office": other[2] or None,
        "other_at": other[3] or None,
        "current_replica": _replica(cur[0]),
        "other_replica": _replica(other[0]),
        "status": "open",
    }
    fields = {k: v for k, v in values.items() if v is not None}
    conflict = Stored(
        id=record_id,
        kind="conflict",
        scope=scope or record.scope,
        fields=fields,
        versions=dict.fromkeys([*fields, SCOPE_KEY], seq),
    )
    _finish(
        conflict,
        seq,
        Who(SERVER_WRITER, "", "", who.now, who.now),
        [SERVER_WRITER, "", "", who.now],
    )
    conflict.updated_by = None
    conflict.office = None
    return conflict


def _make_conflicts(
    pending: list[_Pending],
    record: Stored,
    who: Who,
    next_seq: Callable[[], int],
    new_id: Callable[[], str],
) -> list[Stored]:
    return [_conflict_record(p, record, next_seq(), new_id(), who) for p in pending]


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------
def apply_op(
    current: Stored | None,
    op: OpIn,
    who: Who,
    next_seq: Callable[[], int],
    new_id: Callable[[], str] = uuid7,
    *,
    checked: bool = False,
) -> Outcome:
    """Apply one (authorised) op to ``current``; see the module docstring for the rules.

    ``checked`` says the caller already ran :func:`check_op` (it is not repeated).
    """
    if not checked:
        rejected = check_op(op, current)
        if rejected is not None:
            return rejected
    if current is None:
        return create(op, who, next_seq)
    if not op.changes and op.scope == current.scope:
        return Outcome("applied", current)
    if current.deleted and _deleted_meanwhile(current, op, who):
        return _edit_on_deleted(current, op, who, next_seq, new_id)
    return _update(current, op, who, next_seq, new_id)


def may_create(op: OpIn) -> bool:
    """Does :func:`check_header` pass ``op`` as the creation of a record (``current`` None),
    with nothing to look at but the op itself?  (The header half of the bulk path.)"""
    return (
        op.kind in SPECS
        and "\x00" not in op.record_id
        and len(op.changes) <= MAX_FIELDS_PER_OP
        and is_scope(op.scope)
    )


def create(op: OpIn, who: Who, next_seq: Callable[[], int]) -> Outcome:
    """A record the server has never seen takes every field of the op (the hot path of an
    initial push: written for speed, same result as :func:`_update` on an empty record).

    The caller has checked the op (:func:`check_op`, or :func:`may_create` and the values).
    """
    seq = next_seq()
    fields: dict[str, Any] = {k: c[0] for k, c in op.changes.items() if c[0] is not None}
    deleted = False
    if DELETED in fields:
        deleted = fields.pop(DELETED)
        versions = dict.fromkeys(fields, seq)
        versions[DELETED] = seq
        created = {**fields, DELETED: deleted}
    else:
        versions = dict.fromkeys(fields, seq)
        created = fields
    versions[SCOPE_KEY] = seq
    published = elements("published_to", fields)
    record = Stored(
        op.record_id,
        op.kind,
        op.scope,
        fields,
        versions,
        {str(seq): who.entry()},
        deleted,
        seq,
        who.now,
        who.author or None,
        who.office or None,
        sorted({op.scope, *(flat_key("published_to", p) for p in published)})
        if published
        else [op.scope],
        published,
    )
    return Outcome("applied", record, created=created)


def _deleted_meanwhile(current: Stored, op: OpIn, who: Who) -> bool:
    """Was the record deleted by another replica after the op's replica last saw it?"""
    version = current.version(DELETED)
    writer = current.writer(DELETED)
    if version <= op.base_seq or (writer is not None and writer[0] == who.writer):
        return False
    # An undelete made after seeing the delete, or another delete, is not an edit on it.
    change = op.changes.get(DELETED)
    return change is None or (change.base_version < version and change.value is not True)


def _edit_on_deleted(
    current: Stored, op: OpIn, who: Who, next_seq: Callable[[], int], new_id: Callable[[], str]
) -> Outcome:
    """The record stays deleted; the op's edits are kept in a conflict record."""
    edits = {k: c.value for k, c in op.changes.items() if k != DELETED}
    if op.scope != current.scope:
        edits["scope"] = op.scope
    pending = _Pending(
        DELETED, True, False, other_fields=edits, current=current.writer(DELETED), other=who.entry()
    )
    conflicts = _make_conflicts([pending], current, who, next_seq, new_id)
    return Outcome("conflict", current, conflicts=conflicts)


def _update(
    current: Stored, op: OpIn, who: Who, next_seq: Callable[[], int], new_id: Callable[[], str]
) -> Outcome:
    record = Stored(
        id=current.id,
        kind=current.kind,
        scope=current.scope,
        fields=dict(current.fields),
        versions=dict(current.versions),
        writers=dict(current.writers),
        deleted=current.deleted,
        seq=current.seq,
        updated_at=current.updated_at,
        updated_by=current.updated_by,
        office=current.office,
        audience=list(current.audience),
        published=current.published,
    )
    status: Status = "applied"
    taken: dict[str, Any] = {}
    merged: set[str] = set()
    pending: list[_Pending] = []
    long_texts = long_text_fields(op.kind)
    for key, change in op.changes.items():
        outcome, value, conflict = _merge_key(current, key, change, who, key in long_texts)
        if outcome == "same":
            continue
        taken[key] = value
        if outcome == "merged":
            merged.add(key)
        if conflict is not None:
            pending.append(conflict)
        if _RANK[outcome] > _RANK[status]:
            status = outcome  # type: ignore[assignment]
    moved = _merge_scope(current, op, who, pending)
    if taken.get(DELETED) is True:
        _delete_vs_edits(current, op, who, pending)
    if pending:
        status = "conflict"
    if not taken and not moved:
        conflicts = _make_conflicts(pending, current, who, next_seq, new_id)
        return Outcome(status, current, conflicts=conflicts)
    seq, own_seq, more = _stamps(
        who, next_seq, exact=moved or bool(set(taken) - merged), merged=bool(merged)
    )
    changed: dict[str, dict[str, Any]] = {}
    for key, value in taken.items():
        changed[key] = {"old": current.value(key), "new": value}
        record.versions[key] = seq if key in merged else own_seq
        if key == DELETED:
            record.deleted = bool(value)
        elif value is None:
            record.fields.pop(key, None)
        else:
            record.fields[key] = value
    if moved:
        changed["scope"] = {"old": current.scope, "new": op.scope}
        record.scope = op.scope
        record.versions[SCOPE_KEY] = own_seq
    entry = [who.writer + MERGED_SUFFIX, *who.entry()[1:]] if merged else who.entry()
    _finish(record, seq, who, entry, more)
    conflicts = _make_conflicts(pending, record, who, next_seq, new_id)
    return Outcome(status, record, changed, conflicts)


def _stamps(
    who: Who, next_seq: Callable[[], int], *, exact: bool, merged: bool
) -> tuple[int, int, dict[str, Writer]]:
    """(record seq, seq of the values written as sent, extra writer entries).

    A merged text is nobody's exact writing, so it gets its own seq whose writer is marked
    ``#merged``: a later op from the same replica, made before it saw the merge, must be
    merged again, not taken as "its own earlier value" (that would drop the other side).
    """
    if not merged:
        seq = next_seq()
        return seq, seq, {}
    own = next_seq() if exact else 0
    seq = next_seq()
    return seq, own, ({str(own): who.entry()} if exact else {})


def _merge_key(
    current: Stored, key: str, change: Change, who: Who, long_text: bool
) -> tuple[str, Any, _Pending | None]:
    """One flat key: ("same"|"applied"|"merged"|"conflict", the value to store, conflict)."""
    old = current.value(key)
    new = change.value
    if same(old, new):
        return "same", None, None
    writer = current.writer(key)
    if who.wrote(writer):
        return "same", None, None  # this op already wrote (or merged) it: a replay
    if change.base_version >= current.version(key) or (writer and writer[0] == who.writer):
        return "applied", new, None
    if long_text and change.base_text is not None and isinstance(old, str) and isinstance(new, str):
        merged = merge_text(change.base_text, old, new)
        if merged is not None:
            return ("same", None, None) if merged == old else ("merged", merged, None)
    conflict = _Pending(
        key, new, old, base_value=change.base_text, current=who.entry(), other=writer
    )
    return "conflict", new, conflict


def _merge_scope(current: Stored, op: OpIn, who: Who, pending: list[_Pending]) -> bool:
    """Does the op move the record?  A move the replica did not see is kept, not undone.

    Every op carries the scope its replica believed in, so an op made before the replica
    learnt of a move would silently undo it; instead the current scope stays and the op's
    scope is kept in a conflict record (it may have been a deliberate move).
    """
    if op.scope == current.scope:
        return False
    writer = current.writer(SCOPE_KEY)
    if op.base_seq >= current.version(SCOPE_KEY) or (writer and writer[0] == who.writer):
        return True
    pending.append(_Pending("scope", current.scope, op.scope, current=writer, other=who.entry()))
    return False


def _delete_vs_edits(current: Stored, op: OpIn, who: Who, pending: list[_Pending]) -> None:
    """A delete that never saw another replica's edits keeps them in a conflict record."""
    unseen: dict[str, Any] = {}
    latest = 0
    for key, version in current.versions.items():
        if key in (DELETED, SCOPE_KEY) or version <= op.base_seq:
            continue
        writer = current.writers.get(str(version))
        if writer is not None and writer[0] == who.writer:
            continue
        unseen[key] = current.fields.get(key)
        latest = max(latest, version)
    if unseen:
        pending.append(
            _Pending(
                DELETED,
                True,
                False,
                other_fields=unseen,
                current=who.entry(),
                other=current.writers.get(str(latest)),
            )
        )


def keep_orphan_edit(
    current: Stored,
    op: OpIn,
    who: Who,
    next_seq: Callable[[], int],
    new_id: Callable[[], str] = uuid7,
) -> Outcome:
    """An office edited a record that was moved out of its subtree after it last saw it.

    The office may no longer write (or read) the record, but what it typed must not vanish:
    the edit is kept in a conflict record in the op's scope, where the office can see it:
    ``other_fields`` are the edits, ``record_fields`` the record's flat fields whose version
    is below the move's (what the office could read before the move) with the edits on top —
    what "keep a copy" makes a new record from.  The caller has checked that the office could
    read the record before the move.
    """
    edits = {k: c.value for k, c in op.changes.items()}
    moved_at = current.version(SCOPE_KEY)
    readable = {k: v for k, v in current.fields.items() if current.version(k) < moved_at}
    for key, value in edits.items():
        if key == DELETED:
            continue
        if value is None:
            readable.pop(key, None)
        else:
            readable[key] = value
    pending = _Pending(
        "scope",
        current.scope,
        op.scope,
        other_fields=edits or None,
        record_fields=readable,
        current=current.writer(SCOPE_KEY),
        other=who.entry(),
    )
    conflict = _conflict_record(pending, current, next_seq(), new_id(), who, scope=op.scope)
    return Outcome("conflict", None, conflicts=[conflict])


def close_conflict(
    conflict: Stored, resolution: str, resolved_by: str, now: str, next_seq: Callable[[], int]
) -> tuple[Stored, dict[str, dict[str, Any]]]:
    """``conflict`` marked resolved (by the server, for ``resolved_by``), and what changed.

    Written as the server (:data:`SERVER_WRITER`), like the conflict itself, so it reaches
    every replica by pull — the resolving replica included.
    """
    closed = Stored(
        id=conflict.id,
        kind=conflict.kind,
        scope=conflict.scope,
        fields=dict(conflict.fields),
        versions=dict(conflict.versions),
        writers=dict(conflict.writers),
        deleted=conflict.deleted,
        seq=conflict.seq,
        updated_at=conflict.updated_at,
        updated_by=None,
        office=None,
        audience=list(conflict.audience),
        published=conflict.published,
    )
    seq = next_seq()
    changed: dict[str, dict[str, Any]] = {}
    for key, value in (
        ("status", "resolved"),
        ("resolution", resolution),
        ("resolved_by", resolved_by),
    ):
        changed[key] = {"old": conflict.fields.get(key), "new": value}
        closed.fields[key] = value
        closed.versions[key] = seq
    server = Who(SERVER_WRITER, "", "", now, now)
    _finish(closed, seq, server, [SERVER_WRITER, "", "", now])
    closed.updated_by = None
    closed.office = None
    return closed, changed

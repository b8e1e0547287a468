"""Transactions: several changes staged, then saved as ONE journal entry (all or nothing).

Two halves share the staged state:

* **Local edits** — :meth:`Transaction.add` for a new record and :meth:`Transaction.edit`
  for every change of an existing one (:meth:`update`, :meth:`delete`, :meth:`restore`,
  :meth:`move` and conflict resolutions are all ``edit``).  Validated by the domain, each
  stages the new local state, ONE outbox op and one history line.  The op is built by one
  function, :func:`op_changes`, from the state before and after: every flat key whose value
  changed (derived fields and removals included), the tombstone and the scope.  So whatever
  the entry path — form, CLI ``set``, ``import``, plan import, the meeting editor, undo,
  resolving a conflict — base + pending ops is exactly the local state.
* **Sync answers** — :meth:`take_base`, :meth:`confirm`, :meth:`drop_op`, :meth:`forget`
  (see :mod:`sync.apply`).

Its public interface is the staged reads — :meth:`doc`, :meth:`require`, :meth:`meta`,
:meth:`staged_ops`: the record, meta value or ops as they will be after this transaction —
and :meth:`commit`; it reads the store only through the store's public methods.  Every read
of a record goes through :meth:`doc`: the staged write if there is one, else
:meth:`Store.doc`, which parses a lazily loaded kind when it must — a transaction in a
freshly opened store sees exactly what one in a store open all day sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from domain.errors import Conflict, NotFound, ValidationError
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
from sync.docs import base_state, field_version, op_key, utc_iso
from sync.protocol_rules import compact_versions, version_of
from sync.record import Record

if TYPE_CHECKING:
    from sync.store import Store

#: Kinds only the server writes: a replica never stages an op for them.
SERVER_OWNED = frozenset({"conflict"})
DELETED = "deleted"
_ABSENT = object()  # a meta value the store does not hold


def op_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """THE rule for what an op carries: every flat key whose value differs between the
    record before (``None``: a new record) and after, removals as ``None``, and ``deleted``
    when the tombstone changed (or the new record is born deleted)."""
    delta = diff_flat(old["fields"] if old is not None else {}, new["fields"])
    was_deleted = bool(old.get(DELETED)) if old is not None else False
    if bool(new.get(DELETED)) != was_deleted:
        delta[DELETED] = bool(new.get(DELETED))
    return delta


class Transaction:
    """Stages changes; :meth:`Store.transaction` commits them as one journal entry."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._writes: dict[tuple[str, str], dict[str, Any] | None] = {}
        # record id -> {op_seq: op or None (dropped)} for ops staged in this transaction
        self._staged_ops: dict[str, dict[int, dict[str, Any] | None]] = {}
        self._next_op_seq = int(store.meta("next_op_seq", 1))
        self._now = store.now()
        self._now_iso = self._now.isoformat()
        self._today = self._now.astimezone().date()
        # the store's identity, read once: the store's lock is held for the whole transaction
        self._office, self._role, self._author = store.office, store.role, store.author
        #: Imports and the demo data may write records of other offices (the server decides).
        self.enforce_scope = True

    # -- staged reads ------------------------------------------------------
    def doc(self, record_id: str) -> dict[str, Any] | None:
        """The record as this transaction sees it: staged, or as the store holds it."""
        key = ("records", record_id)
        if key in self._writes:
            return self._writes[key]
        return self.store.doc(record_id)

    def require(self, record_id: str) -> dict[str, Any]:
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

    def outbox_empty(self) -> bool:
        """Will the outbox hold no op after this transaction?"""
        dropped: set[int] = set()
        for staged in self._staged_ops.values():
            for op_seq, op in staged.items():
                if op is not None:
                    return False
                dropped.add(op_seq)
        if self.store.pending_count() > len(dropped):
            return False  # the common case of a batch answered with more to send: no scan
        return all(op["op_seq"] in dropped for op in self.store.pending_ops())

    def meta(self, key: str, default: Any = None) -> Any:
        staged = self._writes.get(("meta", key))
        if staged is not None:
            return staged["value"]
        return self.store.meta(key, default)

    def _stage_op(self, record_id: str, op_seq: int, op: dict[str, Any] | None) -> None:
        self._writes[("outbox", op_key(op_seq))] = op
        self._staged_ops.setdefault(record_id, {})[op_seq] = op

    def _put(self, doc: dict[str, Any]) -> None:
        """Stage a record; its ``pending`` count is always its staged ops (one definition)."""
        doc["pending"] = len(self.staged_ops(doc["id"]))
        self._writes[("records", doc["id"])] = doc

    def set_meta(self, key: str, value: Any) -> None:
        """Stage a meta value; one the store already holds (the same JSON value) is not
        written again, so a save that changes nothing writes no journal entry."""
        if ("meta", key) not in self._writes:
            held = self.store.meta(key, _ABSENT)
            if type(held) is type(value) and held == value:
                return
        self._writes[("meta", key)] = {"value": value}

    # -- local edits -------------------------------------------------------
    def add(
        self,
        kind: str,
        fields: Mapping[str, Any],
        *,
        scope: str | None = None,
        record_id: str | None = None,
    ) -> Record:
        model_for(kind)
        if kind in SERVER_OWNED:
            raise ValidationError.single("kind", "store.readonly_kind", kind=kind)
        logical = prepare(kind, fields, today=self._today)
        rid = record_id or uuid7()
        if record_id is not None and self.doc(rid) is not None:  # a new UUIDv7 cannot exist
            raise Conflict("store.exists", id=rid)
        scope = check_scope(scope or self._office)
        self._check_writable(scope)
        doc = {
            "id": rid,
            "kind": kind,
            "scope": scope,
            "fields": to_flat(kind, logical),
            "deleted": False,
            "base": None,
            "versions": {},
            "seq": 0,
            "pending": 0,
            "updated_at": self._now_iso,
        }
        self._record_local(None, doc)
        return Record(doc)

    def update(self, record_id: str, changes: Mapping[str, Any]) -> Record:
        return self.edit(record_id, changes)

    def delete(self, record_id: str) -> Record:
        return self.edit(record_id, deleted=True)

    def restore(self, record_id: str) -> Record:
        return self.edit(record_id, deleted=False)

    def move(self, record_id: str, scope: str) -> Record:
        """Move a record to another scope (whoever may write both scopes)."""
        return self.edit(record_id, scope=scope)

    def edit(
        self,
        record_id: str,
        changes: Mapping[str, Any] | None = None,
        *,
        deleted: bool | None = None,
        scope: str | None = None,
        resolves: str | None = None,
        resolution: str | None = None,
    ) -> Record:
        """The one way to change an existing record: logical field ``changes``, the
        tombstone, the scope, and the conflict it resolves, staged as ONE op.

        Field changes on a deleted record that stays deleted are refused.
        """
        old = self.require(record_id)
        kind = old["kind"]
        if kind in SERVER_OWNED:
            raise ValidationError.single("kind", "store.readonly_kind", kind=kind)
        is_deleted = bool(old.get(DELETED)) if deleted is None else deleted
        if changes and is_deleted and old.get(DELETED):
            raise Conflict("store.deleted", id=old["id"])
        new_scope = check_scope(scope) if scope is not None else old["scope"]
        self._check_writable(old["scope"])
        self._check_writable(new_scope)
        fields = old["fields"]
        if changes:
            previous = from_flat(kind, fields)
            fields = to_flat(kind, prepare(kind, changes, previous=previous, today=self._today))
        new = {**old, "fields": fields, "deleted": is_deleted, "scope": new_scope}
        if not op_changes(old, new) and new_scope == old["scope"] and resolves is None:
            return Record(old)
        new["updated_at"] = self._now_iso
        self._record_local(old, new, resolves=resolves, resolution=resolution)
        return Record(new)

    def dismiss(
        self, record_id: str, kind: str, scope: str, *, resolves: str, resolution: str
    ) -> None:
        """Resolve a conflict about a record this replica does not hold (it was moved out of
        the office's reach): an op that changes nothing and only closes the conflict."""
        op = self._new_op(record_id, kind, scope, {}, 0)
        op["resolves"], op["resolution"] = resolves, resolution
        self._stage_op(record_id, op["op_seq"], op)

    def put_export(self, item: Mapping[str, Any]) -> str:
        """Make the record match an exported one; returns "added", "updated" or "unchanged"."""
        if (
            not isinstance(item, Mapping)
            or not isinstance(item.get("id"), str)
            or not isinstance(item.get("fields"), Mapping)
        ):
            raise ValidationError.single(
                "__root__", "validation.bad_value", detail="cần các khóa id, kind, scope, fields"
            )
        rid, kind = item["id"], str(item.get("kind"))
        fields = dict(item["fields"])
        want_deleted = bool(item.get(DELETED))
        old = self.doc(rid)
        if old is None:
            self.add(kind, fields, scope=item.get("scope"), record_id=rid)
            if want_deleted:
                self.delete(rid)
            return "added"
        if old["kind"] != kind:
            raise ValidationError.single("kind", "validation.bad_value", detail=f"{rid}: {kind}")
        if old.get(DELETED) and want_deleted:
            return "unchanged"
        scope = item.get("scope") or old["scope"]
        wanted = {**dict.fromkeys(Record(old).data), **fields}
        after = self.edit(rid, wanted, deleted=want_deleted, scope=scope)
        return "unchanged" if after.doc is old else "updated"

    def _check_writable(self, scope: str) -> None:
        if self.enforce_scope and self._role != "hq" and not within(scope, self._office):
            raise Conflict("store.out_of_scope", scope=scope, office=self._office)

    def _record_local(
        self,
        old: dict[str, Any] | None,
        new: dict[str, Any],
        *,
        resolves: str | None = None,
        resolution: str | None = None,
    ) -> None:
        """Stage the new record, its outbox op and its history line."""
        delta = op_changes(old, new)
        new["base"] = base_state(old) if old is not None else None
        op = self._make_op(old, new, delta, new["base"])
        if resolves is not None:
            op["resolves"], op["resolution"] = resolves, resolution
        self._stage_op(new["id"], op["op_seq"], op)
        self._put(new)
        self._history(
            new["id"],
            old["fields"] if old else {},
            new["fields"],
            delta,
            source="local",
            author=self._author,
            office=self._office,
            at=self._now_iso,
            created=old is None,
            scope=(old["scope"], new["scope"])
            if old is not None and old["scope"] != new["scope"]
            else None,
        )

    def _make_op(
        self,
        old: dict[str, Any] | None,
        new: dict[str, Any],
        delta: Mapping[str, Any],
        base: dict[str, Any] | None,
    ) -> dict[str, Any]:
        long_text = long_text_fields(new["kind"])
        changes: dict[str, dict[str, Any]] = {}
        for key, value in delta.items():
            change: dict[str, Any] = {"value": value}
            version = field_version(old, key) if old else 0
            if version:  # 0 is the protocol's default: left out, it costs nothing on the wire
                change["base_version"] = version
            if key in long_text and base is not None and isinstance(base["fields"].get(key), str):
                change["base_text"] = base["fields"][key]
            changes[key] = change
        base_seq = int(old.get("seq", 0)) if old else 0
        return self._new_op(new["id"], new["kind"], new["scope"], changes, base_seq)

    def _new_op(
        self, record_id: str, kind: str, scope: str, changes: dict[str, Any], base_seq: int
    ) -> dict[str, Any]:
        op_seq = self._next_op_seq
        self._next_op_seq += 1
        self.set_meta("next_op_seq", self._next_op_seq)
        return {
            "op_seq": op_seq,
            "record_id": record_id,
            "kind": kind,
            "scope": scope,
            "changes": changes,
            "base_seq": base_seq,
            "edited_at": self._now_iso,
            "author": self._author,
        }

    def _history(
        self,
        rid: str,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        delta: Mapping[str, Any],
        *,
        source: str,
        author: str | None,
        office: str | None,
        at: str,
        created: bool = False,
        scope: tuple[str, str] | None = None,
        mark: str | None = None,
    ) -> None:
        changes: dict[str, list[Any]] = {}
        for key in delta:
            if key == DELETED:
                changes[key] = [not delta[key], delta[key]]
            else:
                changes[key] = [before.get(key), after.get(key)]
        hid = uuid7()
        entry: dict[str, Any] = {
            "id": hid,
            "rid": rid,
            "at": utc_iso(at),
            "source": source,
            "author": author,
            "office": office,
            "changes": changes,
        }
        if scope is not None:
            entry["scope"] = list(scope)  # a move: [from, to]
        if created:
            entry["created"] = True
        if mark is not None:
            entry[mark] = True
        self._writes[("history", hid)] = entry

    # -- sync: results and pulled records -------------------------------------
    def drop_op(self, op: Mapping[str, Any]) -> None:
        """An op the server has answered leaves the outbox."""
        self._stage_op(op["record_id"], op["op_seq"], None)

    def keep_rejected(self, op: Mapping[str, Any], reason: str | None, message: str | None) -> None:
        self._writes[("rejected", op_key(op["op_seq"]))] = {
            "op": dict(op),
            "reason": reason,
            "message": message,
            "at": self._now_iso,
        }

    def take_base(self, state: Mapping[str, Any], *, at: str | None = None) -> None:
        """Make a server state the record's base and re-apply the record's pending ops."""
        rid = state["id"]
        old = self.doc(rid)
        if old is not None and int(old.get("seq", 0)) > int(state["seq"]):
            return  # an older answer arriving late changes nothing
        base = {
            "fields": dict(state["fields"]),
            "deleted": bool(state.get(DELETED)),
            "scope": state["scope"],
        }
        fields, deleted, scope = base["fields"], base["deleted"], base["scope"]
        pending = self.staged_ops(rid)
        for op in pending:
            values = {k: c.get("value") for k, c in op["changes"].items()}
            if DELETED in values:
                deleted = bool(values.pop(DELETED))
            fields = apply_flat(fields, values)
            scope = op.get("scope", scope)
        new = {
            "id": rid,
            "kind": state["kind"],
            "scope": scope,
            "fields": fields,
            "deleted": deleted,
            "base": base if pending else None,
            "versions": dict(state.get("versions") or {}),
            "seq": int(state["seq"]),
            "pending": len(pending),
            "updated_at": at or self._now_iso,
        }
        self._put(new)
        self._server_history(old, new, state, at)

    def take_bases(self, states: Sequence[Mapping[str, Any]]) -> set[str]:
        """A pulled page of server states, in order (:meth:`take_base` for each); returns
        the IDs the replica did not hold.  The bulk path: a record this replica has never
        seen, with nothing pending, becomes the server's state as it is (see
        :meth:`_take_new`), without re-applying ops or comparing states."""
        fresh: set[str] = set()
        held = [self.doc(s["id"]) for s in states]  # each looked up once
        unknown = [s["id"] for s, doc in zip(states, held, strict=True) if doc is None]
        seen = self.store.seen_before(unknown) if unknown else set()  # history: read if need be
        for state, doc in zip(states, held, strict=True):
            rid = state["id"]
            if doc is not None or rid in fresh:  # held, or taken earlier in this page
                self.take_base(state)
                continue
            fresh.add(rid)
            if rid in seen or self._has_pending(rid):
                self.take_base(state)
            else:
                self._take_new(state)
        return fresh

    def _has_pending(self, record_id: str) -> bool:
        """``bool(self.staged_ops(record_id))``, without ordering or copying them."""
        ops = self.store.ops_for(record_id)
        staged = self._staged_ops.get(record_id)
        if staged is None:
            return bool(ops)
        return any(op is not None for op in staged.values()) or any(
            op["op_seq"] not in staged for op in ops
        )

    def _take_new(self, state: Mapping[str, Any]) -> None:
        """A record first seen here, nothing pending: exactly the document and the one
        "created" history line :meth:`take_base` would stage (none for a tombstone)."""
        rid, fields, deleted = state["id"], dict(state["fields"]), bool(state.get(DELETED))
        self._writes[("records", rid)] = {
            "id": rid,
            "kind": state["kind"],
            "scope": state["scope"],
            "fields": fields,
            "deleted": deleted,
            "base": None,
            "versions": dict(state.get("versions") or {}),
            "seq": int(state["seq"]),
            "pending": 0,
            "updated_at": self._now_iso,
        }
        if not deleted:
            self._history(
                rid,
                {},
                fields,
                {},
                source="server",
                author=state.get("updated_by"),
                office=state.get("office"),
                at=state.get("updated_at") or self._now_iso,
                created=True,
            )

    def _server_history(
        self,
        old: Mapping[str, Any] | None,
        new: Mapping[str, Any],
        state: Mapping[str, Any],
        at: str | None,
    ) -> None:
        """One history line for what a server state changed here.  A record first seen on
        this replica gets one "created" line; one seen before (it left the office's reach
        and came back) gets a line "arrived" with its values, never a second creation."""
        rid = new["id"]
        seen_before = old is None and bool(self.store.history(rid))
        before = old["fields"] if old is not None else {}
        delta = op_changes(old, new) if old is not None or seen_before else {}
        if old is None and not seen_before and new["deleted"]:
            return  # a tombstone never seen alive here: nothing to remember
        if old is not None and not delta and old["scope"] == new["scope"]:
            return
        self._history(
            rid,
            before,
            new["fields"],
            delta,
            source="server",
            author=state.get("updated_by"),
            office=state.get("office"),
            at=at or state.get("updated_at") or self._now_iso,
            created=old is None and not seen_before,
            scope=(old["scope"], new["scope"])
            if old is not None and old["scope"] != new["scope"]
            else None,
            mark="arrived" if seen_before else None,
        )

    def confirm(self, op: Mapping[str, Any], seq: int) -> None:
        """The server applied ``op`` exactly as sent, at ``seq`` (a compact result).

        The server answers compactly only when the replica can compute its state: the op
        created the record, or the replica's base plus the op is the server's record (see
        :mod:`sync.protocol`).  The new base is then the old base plus the op, with the op's
        keys at ``seq``; versions compacted by the protocol's rule.
        """
        doc = self.doc(op["record_id"])
        if doc is None or int(doc.get("seq", 0)) > seq:
            return
        values = {k: c.get("value") for k, c in op["changes"].items()}
        deleted_change = values.pop(DELETED, None)
        old = base_state(doc)
        if old is None and self._confirm_created(doc, op, values, deleted_change, seq):
            return
        absolute: dict[str, int] = {}
        if old is None:  # the create: nothing but the op
            fields = {k: v for k, v in values.items() if v is not None}
            deleted = bool(deleted_change)
        else:
            versions = doc.get("versions") or {}
            for key in {*old["fields"], *versions, DELETED}:
                absolute[key] = version_of(
                    key, old["fields"], old[DELETED], int(doc["seq"]), versions
                )
            fields = apply_flat(old["fields"], values)
            deleted = bool(old[DELETED] if deleted_change is None else deleted_change)
        absolute.update(dict.fromkeys(op["changes"], seq))
        self.take_base(
            {
                "id": doc["id"],
                "kind": doc["kind"],
                "scope": op["scope"],
                "fields": fields,
                "deleted": deleted,
                "versions": compact_versions(absolute.items(), fields, deleted, seq),
                "seq": seq,
            }
        )

    def _confirm_created(
        self,
        doc: dict[str, Any],
        op: Mapping[str, Any],
        values: dict[str, Any],
        deleted_change: Any,
        seq: int,
    ) -> bool:
        """The bulk path of :meth:`confirm`: the op created the record and nothing is pending
        for it, so the replica's record is exactly the op — the same document
        :meth:`take_base` would stage (no history line: nothing changed here), made without
        re-applying ops or comparing states.  False for anything else (the general path)."""
        fields = {k: v for k, v in values.items() if v is not None}
        deleted = bool(deleted_change)
        if (
            doc["fields"] != fields
            or bool(doc.get(DELETED)) != deleted
            or doc["scope"] != op["scope"]
            or self._has_pending(doc["id"])
        ):
            return False
        # every key of the op is at ``seq``: compact, only the keys the record lacks are sent
        # (sync.protocol.compact_versions)
        versions = {k: seq for k in op["changes"] if not (deleted if k == DELETED else k in fields)}
        self._writes[("records", doc["id"])] = {
            "id": doc["id"],
            "kind": doc["kind"],
            "scope": op["scope"],
            "fields": fields,
            "deleted": deleted,
            "base": None,
            "versions": versions,
            "seq": seq,
            "pending": 0,
            "updated_at": self._now_iso,
        }
        return True

    def requeue_everything(self) -> int:
        store = self.store
        unsent = {op["record_id"] for op in store.pending_ops()}
        for op in store.pending_ops():
            self.drop_op(op)
        self._next_op_seq = 1
        for key, value in (
            ("replica_id", uuid7()),
            ("cursor", 0),
            ("server_id", None),
            ("acked_op_seq", 0),
            ("feed_tag", None),
            ("full_pull", True),
        ):
            self.set_meta(key, value)
        queued = 0
        for record in store.list(None, include_deleted=True):
            doc = {**record.doc, "seq": 0, "versions": {}, "base": None}
            writable = record.id in unsent or not (
                self.enforce_scope and store.role != "hq" and not within(doc["scope"], store.office)
            )
            if writable and doc["kind"] not in SERVER_OWNED:
                op = self._make_op(None, doc, op_changes(None, doc), None)
                self._stage_op(doc["id"], op["op_seq"], op)
                queued += 1
            self._put(doc)
        return queued

    def forget(self, record_id: str) -> bool:
        """A record left this office's reach: drop it unless it has unsent local changes
        (those are answered by the server with the removal again)."""
        if self.staged_ops(record_id):
            return False
        doc = self.doc(record_id)
        if doc is not None:
            self._writes[("records", record_id)] = None
            self._history(
                record_id,
                doc["fields"],
                {},
                dict.fromkeys(doc["fields"]),
                source="server",
                author=None,
                office=None,
                at=self._now_iso,
                mark="removed",
            )
        return True

    def commit(self) -> None:
        """Save everything staged as ONE journal entry, through the store's one write
        (:meth:`sync.durable.Durable.commit_writes`); :meth:`Store.transaction` calls it."""
        self.store.commit_writes(self._writes)

    def commit_in_batches(self, records: int) -> int:
        """Save everything staged as one journal entry per ``records`` records (an import):
        each entry holds whole records — the record, its outbox ops, its history lines —
        and the op counter as far as its ops go, so a crash between two entries leaves a
        store as consistent as after any save (the records of the entries written; running
        the import again, idempotent by ID, brings the rest).  Returns the entries written."""
        owner = {op_key(n): rid for rid, ops in self._staged_ops.items() for n in ops}
        groups: dict[str, dict[tuple[str, str], dict[str, Any] | None]] = {}
        rest: dict[tuple[str, str], dict[str, Any] | None] = {}
        for (table, key), doc in self._writes.items():
            rid: str | None = None
            if table == "records":
                rid = key
            elif table == "outbox":
                rid = owner.get(key)
            elif table == "history" and doc is not None:
                rid = doc.get("rid")
            target = rest if rid is None else groups.setdefault(rid, {})
            target[(table, key)] = doc
        ids = list(groups)
        batches = [ids[i : i + records] for i in range(0, len(ids), records)] or [[]]
        top = 0  # the highest op number saved so far
        for n, batch in enumerate(batches):
            writes = {k: v for rid in batch for k, v in groups[rid].items()}
            for rid in batch:
                staged = self._staged_ops.get(rid, {})
                top = max([top, *(op_seq for op_seq, op in staged.items() if op is not None)])
            if n == len(batches) - 1:
                writes.update(rest)  # the meta values (the op counter's final value)
            elif top:
                writes[("meta", "next_op_seq")] = {"value": top + 1}
            self.store.commit_writes(writes)
        return len(batches)

"""Transactions: several changes staged, then saved as ONE journal entry (all or nothing).

Local edits go through :meth:`Transaction.add` / :meth:`update` / :meth:`delete`: validated
by the domain, they change the record, append an outbox op carrying the base version each
field was edited on, and write a history line.  The sync client uses the other half —
:meth:`take_base`, :meth:`drop_op`, :meth:`forget` — to take the server's answers.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from sync.record import Record

if TYPE_CHECKING:
    from sync.store import Store

CONFLICT_EDITABLE = frozenset({"status", "resolution", "resolved_by"})


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
        self.writes[("outbox", op_key(op_seq))] = op
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
        if record_id is not None and self.doc(rid) is not None:  # a new UUIDv7 cannot exist
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
            change: dict[str, Any] = {"value": value}
            version = field_version(old, key) if old else 0
            if version:  # 0 is the protocol's default: left out, it costs nothing on the wire
                change["base_version"] = version
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
        entry: dict[str, Any] = {"id": hid, "rid": rid, "at": utc_iso(at), "source": source,
                 "author": author, "office": office, "changes": changes}
        if created:
            entry["created"] = True
        self.writes[("history", hid)] = entry

    # -- sync: results and pulled records -------------------------------------
    def drop_op(self, op: Mapping[str, Any]) -> None:
        """An op the server has answered leaves the outbox."""
        self._stage_op(op["record_id"], op["op_seq"], None)

    def keep_rejected(self, op: Mapping[str, Any], reason: str | None, message: str | None) -> None:
        self.writes[("rejected", op_key(op["op_seq"]))] = {
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
            # a record first seen here needs only "created" (its values are the record's own)
            self._history(rid, before, fields, {} if old is None else delta, source="server",
                          author=state.get("updated_by"), office=state.get("office"),
                          at=at or state.get("updated_at") or self._now.isoformat(),
                          created=old is None)

    def confirm(self, op: Mapping[str, Any], seq: int) -> None:
        """The server applied ``op`` exactly as sent, at ``seq`` (a compact result).

        The record's new base is its old base plus the op, with the op's keys at ``seq``;
        versions are kept in the protocol's compact form (see :mod:`sync.protocol`).
        """
        doc = self.doc(op["record_id"])
        if doc is None or int(doc.get("seq", 0)) > seq:
            return
        values = {k: c.get("value") for k, c in op["changes"].items()}
        deleted_change = values.pop("deleted", None)
        old = base_state(doc)
        if old is None:  # the create: nothing but the op, every key at seq
            fields = {k: v for k, v in values.items() if v is not None}
            deleted = bool(deleted_change)
            versions = {k: seq for k, v in values.items() if v is None}
        else:
            keys = {*old["fields"], *(doc.get("versions") or {}), "deleted"}
            absolute = {k: field_version(doc, k) for k in keys}
            absolute.update(dict.fromkeys(op["changes"], seq))
            fields = apply_flat(old["fields"], values)
            deleted = bool(old["deleted"] if deleted_change is None else deleted_change)
            versions = {}
            for key, version in absolute.items():
                present = deleted if key == "deleted" else key in fields
                if version != (seq if present else 0):
                    versions[key] = version
        if deleted_change is not None and not deleted:
            versions["deleted"] = seq  # an undelete: the replica cannot infer its version
        self.take_base({"id": doc["id"], "kind": doc["kind"], "scope": op["scope"],
                        "fields": fields, "deleted": deleted, "versions": versions, "seq": seq})

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

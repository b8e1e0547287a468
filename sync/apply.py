"""Taking a sync answer into the replica: the results of the pushed ops, the pulled page,
the cursor — inside ONE store transaction that the client opens (see :mod:`sync.client`).

The HTTP client knows nothing of the replica's document layout: it hands the decoded answer
here.  What each result means (see :mod:`sync.protocol`):

* ``record`` — the server's state after the op: it becomes the record's base, and the
  record's still-pending ops are re-applied on top;
* ``applied`` with only ``seq`` — the replica can compute the state itself: its base plus
  the op (or the op alone, for a create);
* ``removed`` — the office may not read the record after the op: the replica drops its copy
  (unless later ops of its own for it are still pending: the server answers those with the
  removal again);
* anything else is an answer the replica cannot rebase on: it asks the server for
  everything again with the next sync rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.schema import is_open_conflict
from sync.errors import ProtocolError
from sync.transaction import Transaction


@dataclass
class Taken:
    """What answers changed, for the sync result and the interface (added up)."""

    pushed: int = 0
    pulled: int = 0
    removed: int = 0
    rejected: int = 0
    #: removals the mass-removal guard holds back for a person to accept (now, in all)
    held_removals: int = 0
    new_conflicts: list[str] = field(default_factory=list)
    #: an answer gave nothing to rebase on: fetch everything again (see module docstring)
    refetch: bool = False


def take_results(
    tx: Transaction, answer: Mapping[str, Any], batch: Sequence[Mapping[str, Any]], taken: Taken
) -> None:
    """The answers to ``batch``, in op order: each answered op leaves the outbox."""
    last = int(answer.get("last_op_seq", 0))
    answered = {r["op_seq"]: r for r in answer.get("results") or [] if isinstance(r, dict)}
    removed: set[str] = set()
    unknown: set[str] = set()
    for op in batch:
        if op.get("noop"):
            continue
        res = answered.get(op["op_seq"])
        if res is None and op["op_seq"] > last:
            continue  # not processed (the server stopped at a gap): sent again
        tx.drop_op(op)
        taken.pushed += 1
        rid = op["record_id"]
        if res is None:
            unknown.add(rid)
            continue
        if res.get("status") == "rejected":
            tx.keep_rejected(op, res.get("reason"), res.get("message"))
            taken.rejected += 1
        if res.get("removed"):
            removed.add(rid)
            continue
        removed.discard(rid)
        if res.get("record"):
            tx.take_base(res["record"])
        elif res.get("status") == "applied" and res.get("seq"):
            tx.confirm(op, int(res["seq"]))
        else:
            unknown.add(rid)
    for rid in removed:
        tx.forget(rid)
    if unknown - removed:
        taken.refetch = True


def take_page(
    tx: Transaction, records: Iterable[Any], removes: Iterable[str], taken: Taken, *, hold: bool
) -> None:
    """A page of the change feed; with ``hold`` the removals wait for a person."""
    held = set(tx.meta("held_removals") or [])
    before = len(held)
    for state in records:
        if not isinstance(state, dict) or "id" not in state or "seq" not in state:
            raise ProtocolError(detail="record")
        known = tx.doc(state["id"]) is not None
        tx.take_base(state)
        held.discard(state["id"])
        taken.pulled += 1
        if not known and is_open_conflict(
            state.get("kind"), state.get("fields") or {}, state.get("deleted")
        ):
            taken.new_conflicts.append(state["id"])
    for rid in removes:
        if hold:
            if tx.doc(rid) is not None:
                held.add(rid)
        elif tx.forget(rid):
            held.discard(rid)
            taken.removed += 1
    if len(held) != before or held != set(tx.meta("held_removals") or []):
        tx.set_meta("held_removals", sorted(held))
    taken.held_removals = len(held)


def accept_removals(tx: Transaction, ids: Iterable[str] | None = None) -> int:
    """Apply held removals (all, or ``ids``); returns how many records were dropped."""
    held = list(tx.meta("held_removals") or [])
    chosen = set(held if ids is None else ids)
    dropped = 0
    keep = []
    for rid in held:
        if rid not in chosen:
            keep.append(rid)
        elif tx.doc(rid) is not None and tx.forget(rid):
            dropped += 1
    tx.set_meta("held_removals", keep)
    return dropped


def sweep_unconfirmed(tx: Transaction) -> int:
    """After a complete full pull: drop what the server neither sent nor holds for us.

    Adopting a server marks every record unconfirmed (``seq`` 0) and sends again what the
    office may write; a full pull then brings back, confirmed, everything the server holds
    that the office may read.  A record still unconfirmed with nothing pending is one the
    server does not have (lost with the server's old data, or no longer readable here).
    """
    dropped = 0
    for record in tx.store.list(None, include_deleted=True):
        if (
            not record.seq
            and tx.doc(record.id) is not None
            and not tx.staged_ops(record.id)
            and tx.forget(record.id)
        ):
            dropped += 1
    return dropped

"""The replica's side of a sync: where it stands, and taking an answer in.

:func:`position` says what the next request starts from (the cursor, its tag, whether
everything is being fetched again); :func:`take_answer` commits the results of the pushed
ops, the pulled page and the new cursor in ONE store transaction, and closes the sync in it
when that answer ends it; otherwise (a full pull's sweep) :func:`finish` does.  The HTTP
client (:mod:`sync.client`) does HTTP, the protocol and retries and knows nothing of the
replica's documents or meta values: it hands the decoded answer here.

What each result means (see :mod:`sync.protocol`):

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
from dataclasses import dataclass, field, replace
from typing import Any

from domain.schema import is_open_conflict
from sync.errors import ProtocolError
from sync.store import Store
from sync.transaction import Transaction

#: A page that would remove at least this many records, and more than this share of the
#: office's records, is held back for a person to accept (see :func:`mass_removal`).
MASS_REMOVAL_MIN = 20
MASS_REMOVAL_SHARE = 0.5


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


@dataclass(frozen=True)
class Position:
    """Where the replica stands with the server, for the next request."""

    replica_id: str
    server_id: str | None
    #: the pull cursor and the server's tag for it
    since: int
    since_tag: str | None
    #: the highest ``last_op_seq`` a server has acknowledged to this replica
    acked: int
    #: everything is being fetched again (own records included)
    full: bool


def position(store: Store) -> Position:
    return Position(
        replica_id=store.replica_id,
        server_id=store.meta("server_id"),
        since=int(store.meta("cursor", 0) or 0),
        since_tag=store.meta("feed_tag"),
        acked=int(store.meta("acked_op_seq", 0) or 0),
        full=bool(store.meta("full_pull")),
    )


def after(at: Position, answer: Mapping[str, Any]) -> Position:
    """Where :func:`take_answer` leaves a replica that stood at ``at`` (unless it asks for
    everything again): the answer's cursor and tag, its server, what it acknowledged."""
    return replace(
        at,
        server_id=at.server_id or answer.get("server_id"),
        since=int(answer["cursor"]),
        since_tag=answer.get("cursor_tag"),
        acked=max(at.acked, int(answer.get("last_op_seq", 0))),
    )


def take_answer(
    store: Store,
    answer: Mapping[str, Any],
    batch: Sequence[Mapping[str, Any]],
    taken: Taken,
    *,
    hold: bool,
    clock_skew: float | None,
    finish_at: str | None = None,
) -> bool:
    """The answers to ``batch``, the page and the cursor, committed together; afterwards
    ``taken.refetch`` says the replica asked for everything again (the cursor is back at 0).

    With ``finish_at``, an answer that ends the sync (:func:`ends_sync`) also closes it, as
    :func:`finish` without a sweep would, in the same transaction: one journal write (and
    one flush) fewer per sync.  True if it did."""
    taken.refetch = False
    with store.transaction() as tx:
        there = after(position(store), answer)  # read under the transaction's lock
        take_results(tx, answer, batch, taken)
        take_page(tx, answer.get("records") or [], answer.get("remove") or [], taken, hold=hold)
        if taken.refetch:  # nothing to rebase some record on: read everything again
            tx.set_meta("cursor", 0)
            tx.set_meta("feed_tag", None)
            tx.set_meta("full_pull", True)
        else:
            tx.set_meta("cursor", there.since)
            tx.set_meta("feed_tag", there.since_tag)
        tx.set_meta("acked_op_seq", there.acked)
        if there.server_id:
            tx.set_meta("server_id", there.server_id)
        if clock_skew is not None:  # to the second: an idle sync need not save it again
            tx.set_meta("clock_skew", float(round(clock_skew)))
        finished = finish_at is not None and ends_sync(tx, answer, taken)
        if finished:
            _close(tx, finish_at or "")
    return finished


def ends_sync(tx: Transaction, answer: Mapping[str, Any], taken: Taken) -> bool:
    """Does this answer, as taken in ``tx``, leave the sync nothing more to do: no further
    page, nothing to fetch again, no op left to send (so no gap to fill either)?"""
    return not answer.get("has_more") and not taken.refetch and tx.outbox_empty()


def finish(store: Store, *, sweep: bool, at: str) -> None:
    """A sync ended well; after a complete full pull, :func:`sweep_unconfirmed` too (which
    reads the committed records: never in the transaction that takes the last page)."""
    with store.transaction() as tx:
        if sweep:
            sweep_unconfirmed(tx)
        _close(tx, at)


def _close(tx: Transaction, at: str) -> None:
    tx.set_meta("last_sync_at", at)
    tx.set_meta("last_sync_ok", True)
    tx.set_meta("full_pull", False)


def mass_removal(store: Store, removes: Sequence[str], removed: int) -> bool:
    """Would this page (after ``removed`` removals already taken) remove most of the
    office's records?  Then its removals wait for a person (the rest is still taken)."""
    if not removes:
        return False
    present = [rid for rid in removes if store.get(rid) is not None]
    total = sum(store.stats()["counts"].values())
    count = len(present) + removed
    return count >= MASS_REMOVAL_MIN and count > MASS_REMOVAL_SHARE * total


def gap_noops(store: Store, last: int, at: str) -> list[dict[str, Any]]:
    """Placeholders for op numbers after the server's ``last`` that this replica no longer
    has (lost in a recovery): sent before its first pending op."""
    pending = store.pending_ops(1)
    if not pending or pending[0]["op_seq"] <= last + 1:
        return []
    return [
        {
            "op_seq": n,
            "record_id": "-",
            "kind": "noop",
            "scope": store.office,
            "changes": {},
            "base_seq": 0,
            "edited_at": at,
            "author": "",
            "noop": True,
        }
        for n in range(last + 1, pending[0]["op_seq"])
    ]


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
    states = list(records)
    for state in states:
        if not isinstance(state, dict) or "id" not in state or "seq" not in state:
            raise ProtocolError(detail="record")
    fresh = tx.take_bases(states)  # the page in bulk
    for state in states:
        rid = state["id"]
        held.discard(rid)
        if rid in fresh and is_open_conflict(
            state.get("kind"), state.get("fields") or {}, state.get("deleted")
        ):
            taken.new_conflicts.append(rid)
        fresh.discard(rid)  # the same record twice in a page is new the first time only
    taken.pulled += len(states)
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

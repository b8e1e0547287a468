"""The replica's bulk confirmation (issue 10): an answer "applied at seq" to the op that
created a record, with nothing else pending for it, makes the record's document directly
(sync.transaction.Transaction._confirm_created).  It must be exactly what the general path —
the base computed from the op, the pending ops re-applied on top — makes, for every shape
of record: born deleted (queued again for a new server), moved, edited again before the
answer came."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import apply, transaction
from sync.store import Store
from tests.helpers.clock import Clock

BG = "vn/bac-giang"


@st.composite
def replicas(draw: st.DrawFn) -> list[dict[str, Any]]:
    """What happens to each record before the answer: created, maybe deleted at once, maybe
    edited or moved again (a second pending op)."""
    return draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "notes": st.sampled_from([None, "Ghi chú", "Dòng một\nDòng hai"]),
                    "progress": st.sampled_from([None, 0, 55]),
                    "deleted": st.booleans(),
                    "then": st.sampled_from([None, None, "edit", "move", "delete"]),
                }
            ),
            min_size=1,
            max_size=8,
        )
    )


def _replica(folder: Path, plan: list[dict[str, Any]]) -> Store:
    clock = Clock(datetime(2024, 5, 1, 2, 0, tzinfo=UTC))
    store = Store.create(folder, office=BG, name="Bắc Giang", clock=clock)
    for n, step in enumerate(plan):
        rid = f"0190a0b0-0000-7000-8000-{n:012d}"
        fields = {"title": f"Việc số {n}", "lead_unit_id": "u1"}
        fields |= {k: step[k] for k in ("notes", "progress") if step[k] is not None}
        with store.transaction() as tx:
            tx.add("task", fields, record_id=rid)
            if step["deleted"]:
                tx.delete(rid)
    return store


def _answer_and_state(store: Store, plan: list[dict[str, Any]], requeue: bool = False) -> Any:
    if requeue:  # every record queued again as one op based on nothing (born deleted, too)
        store.adopt_new_server()
    ops = store.pending_ops()
    for n, step in enumerate(plan):  # made after the push was sent: still pending after it
        rid = f"0190a0b0-0000-7000-8000-{n:012d}"
        if step["then"] == "edit" and not step["deleted"]:
            store.update(rid, {"progress": 99})
        elif step["then"] == "move":
            with store.transaction() as tx:
                tx.move(rid, BG + "/yen-the")
        elif step["then"] == "delete" and not step["deleted"]:
            store.delete(rid)
    answer = {
        "last_op_seq": ops[-1]["op_seq"],
        "results": [
            {"op_seq": op["op_seq"], "status": "applied", "seq": 100 + i}
            for i, op in enumerate(ops)
        ],
        "records": [],
        "remove": [],
        "cursor": 100 + len(ops),
        "cursor_tag": "tag",
    }
    apply.take_answer(store, answer, ops, apply.Taken(), hold=False, clock_skew=None)
    docs = {r.id: r.doc for r in store.list(None, include_deleted=True)}
    lines = {r: [_line(h) for h in store.history(r)] for r in docs}
    return docs, lines, store.pending_ops()


def _line(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "id"}


@settings(max_examples=40)
@given(plan=replicas(), requeue=st.booleans())
def test_a_bulk_confirmation_is_the_general_one(
    plan: list[dict[str, Any]], requeue: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    states = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("bulk", "general"):
            with monkeypatch.context() as patch:
                if name == "general":
                    patch.setattr(
                        transaction.Transaction, "_confirm_created", lambda *a, **k: False
                    )
                store = _replica(Path(tmp) / name, plan)
                try:
                    states.append(_answer_and_state(store, plan, requeue))
                finally:
                    store.close()
    assert states[0] == states[1]


def test_the_bulk_confirmation_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[bool] = []
    real = transaction.Transaction._confirm_created

    def spy(self: transaction.Transaction, *args: Any) -> bool:
        made.append(real(self, *args))
        return made[-1]

    monkeypatch.setattr(transaction.Transaction, "_confirm_created", spy)
    plan: list[dict[str, Any]] = [
        {"notes": None, "progress": 5, "deleted": False, "then": None}
    ] * 3
    plan.append({"notes": None, "progress": None, "deleted": False, "then": "edit"})
    store = _replica(tmp_path / "p", plan)
    try:
        docs, _lines, pending = _answer_and_state(store, plan)
    finally:
        store.close()
    assert made == [True, True, True, False]  # the edited one: the general path
    assert [d["seq"] for d in docs.values()] == [100, 101, 102, 103]
    assert len(pending) == 1


@settings(max_examples=40, deadline=None)
@given(
    ops=st.integers(min_value=0, max_value=3),
    dropped=st.sets(st.integers(min_value=0, max_value=2)),
    added=st.integers(min_value=0, max_value=2),
)
def test_has_pending_is_whether_any_op_stays_staged(
    ops: int, dropped: set[int], added: int
) -> None:
    """The bulk paths' test of "anything pending for this record" (no ordering, no copy), and
    the end of a sync's "nothing left in the outbox", say what the record's staged ops say,
    whatever was dropped or added in the transaction."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store.create(Path(folder) / "p", office=BG, name="Bắc Giang")
        try:
            with store.transaction() as tx:
                rid = tx.add("task", {"title": "Việc", "lead_unit_id": "u1"}).id
                for n in range(ops):
                    tx.update(rid, {"progress": n})
            with store.transaction() as tx:
                for n, op in enumerate(store.ops_for(rid)):
                    if n in dropped:
                        tx.drop_op(op)
                for n in range(added):
                    tx.update(rid, {"progress": 90 + n})
                assert tx._has_pending(rid) == bool(tx.staged_ops(rid))
                assert tx.outbox_empty() == (not tx.staged_ops(rid))  # its only record
        finally:
            store.close()

"""A pulled page is written to the replica in bulk (issue 10): a record the replica has never
seen, with nothing pending, becomes the server's state directly
(sync.transaction.Transaction._take_new), not through the general path that re-applies
pending ops and compares states (take_base).  It must be exactly what the general path makes
— documents, history lines, new conflicts — whatever the page holds: records new here, known
here, seen before and dropped, with an edit pending, tombstones, the same record twice."""

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
SHAPES = ("new", "new_deleted", "new_conflict", "known", "dropped", "pending", "twice")


def _rid(n: int) -> str:
    return f"0190a0b0-0000-7000-8000-{n:012d}"


def _state(n: int, shape: str, seq: int) -> dict[str, Any]:
    state: dict[str, Any] = {
        "id": _rid(n),
        "kind": "task",
        "scope": BG,
        "fields": {"title": f"Việc số {n} (máy chủ)", "lead_unit_id": "u1", "progress": seq},
        "deleted": shape == "new_deleted",
        "versions": {"progress": seq},
        "seq": seq,
        "updated_at": f"2024-05-0{1 + n % 3}T0{n % 9}:00:00+00:00",
        "updated_by": "Huyện Yên Thế",
        "office": BG + "/yen-the",
    }
    if shape == "new_conflict":
        state["kind"] = "conflict"
        state["fields"] = {"record_id": _rid(99), "field": "title", "status": "open"}
    return state


def _replica(folder: Path, shapes: list[str]) -> Store:
    """A replica where each record of the page is in the state its shape says."""
    clock = Clock(datetime(2024, 5, 1, 2, 0, tzinfo=UTC))
    store = Store.create(folder, office=BG, name="Bắc Giang", clock=clock)
    for n, shape in enumerate(shapes):
        if shape in ("known", "dropped", "pending"):
            apply.take_answer(store, _page([_state(n, "new", 1)]), [], apply.Taken(), **_NO)
        if shape == "dropped":  # it left the office's reach: history stays
            answer = {**_page([]), "remove": [_rid(n)]}
            apply.take_answer(store, answer, [], apply.Taken(), **_NO)
        if shape == "pending":
            store.update(_rid(n), {"progress": 77})
    return store


_NO: dict[str, Any] = {"hold": False, "clock_skew": None}


def _page(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"last_op_seq": 0, "results": [], "records": records, "remove": [], "cursor": 9}


def _pull(store: Store, shapes: list[str]) -> Any:
    records = []
    for n, shape in enumerate(shapes):
        records.append(_state(n, shape, 5))
        if shape == "twice":
            records.append(_state(n, shape, 6))
    taken = apply.Taken()
    apply.take_answer(store, _page(records), [], taken, **_NO)
    docs = {r.id: r.doc for r in store.list(None, include_deleted=True)}
    lines = {r: [_line(h) for h in store.history(_rid(r))] for r in range(len(shapes))}
    return docs, lines, taken, store.pending_ops()


def _line(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "id"}


def _general(self: transaction.Transaction, state: dict[str, Any]) -> None:
    self.take_base(state)


@settings(max_examples=30, deadline=None)
@given(shapes=st.lists(st.sampled_from(SHAPES), min_size=1, max_size=7))
def test_a_bulk_page_is_the_general_one(shapes: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("bulk", "general"):
            with monkeypatch.context() as patch:
                if name == "general":
                    patch.setattr(transaction.Transaction, "_take_new", _general)
                store = _replica(Path(tmp) / name, shapes)
                try:
                    results.append(_pull(store, shapes))
                finally:
                    store.close()
    assert results[0] == results[1]


def test_the_bulk_path_writes_new_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    general: list[str] = []
    real = transaction.Transaction.take_base

    def spy(self: transaction.Transaction, state: Any, **kwargs: Any) -> None:
        general.append(state["id"])
        real(self, state, **kwargs)

    monkeypatch.setattr(transaction.Transaction, "take_base", spy)
    shapes = ["new", "new", "new_conflict", "pending", "new_deleted"]
    store = _replica(tmp_path / "p", shapes)
    general.clear()  # the replica's set-up took its records through the general path
    try:
        docs, lines, taken, pending = _pull(store, shapes)
    finally:
        store.close()
    assert general == [_rid(3)]  # only the record with an edit pending
    assert taken.pulled == 5
    assert taken.new_conflicts == [_rid(2)]
    assert [docs[_rid(n)]["seq"] for n in range(5)] == [5, 5, 5, 5, 5]
    assert docs[_rid(3)]["fields"]["progress"] == 77  # the pending edit stays on top
    assert lines[0] == [
        {
            "rid": _rid(0),
            "at": "2024-05-01T00:00:00+00:00",
            "source": "server",
            "author": "Huyện Yên Thế",
            "office": BG + "/yen-the",
            "changes": {},
            "created": True,
        }
    ]
    assert lines[4] == []  # a tombstone never seen alive here: nothing to remember
    assert len(pending) == 1


def test_a_page_of_known_records_does_not_read_the_history(tmp_path: Path) -> None:
    """Only a record the replica does not hold needs its history looked at (was it here
    before?): an idle sync, or a page of records held here, leaves the history file unread."""
    store = _replica(tmp_path / "p", ["known", "known"])
    store.close()
    store = Store.open(tmp_path / "p")
    try:
        apply.take_answer(store, _page([]), [], apply.Taken(), **_NO)
        apply.take_answer(store, _page([_state(0, "known", 7)]), [], apply.Taken(), **_NO)
        assert store.history_log.loaded is False
        assert store.get(_rid(0)) is not None and store.get(_rid(0)).seq == 7  # type: ignore[union-attr]
    finally:
        store.close()

"""Property: any sequence of saves, checkpoints and reopenings gives back exactly the state
that was saved (records, deletions, pending ops)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, precondition, rule

from sync import durable
from sync.store import Store

TITLES = (
    st.text(alphabet="aăâbcdđeêoôơuưy ÁÀẢÃẠáàảãạ0123456789", min_size=1, max_size=24)
    .map(str.strip)
    .filter(bool)
)


class StoreMachine(RuleBasedStateMachine):
    records = Bundle("records")

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="sotay-rt-"))
        self.old_bound = durable.CHECKPOINT_BYTES
        durable.CHECKPOINT_BYTES = 6_000  # checkpoints happen inside the run too
        self.store = Store.create(self.dir / "p", office="vn/x", name="x")
        self.unit = self.store.add("unit", {"name": "Đơn vị"}).id
        self.model: dict[str, dict[str, Any]] = {self.unit: self._snapshot(self.unit)}

    def _snapshot(self, rid: str) -> dict[str, Any]:
        record = self.store.get(rid)
        assert record is not None
        return record.export()

    @rule(target=records, title=TITLES, kind=st.sampled_from(["task", "plan", "person"]))
    def add(self, title: str, kind: str) -> str:
        fields = {
            "task": {"title": title, "lead_unit_id": self.unit},
            "plan": {"title": title},
            "person": {"name": title},
        }[kind]
        rid = self.store.add(kind, fields).id
        self.model[rid] = self._snapshot(rid)
        return rid

    @rule(rid=records, title=TITLES)
    def rename(self, rid: str, title: str) -> None:
        record = self.store.get(rid)
        if record is None or record.deleted:
            return
        name = "name" if record.kind == "person" else "title"
        self.store.update(rid, {name: title})
        self.model[rid] = self._snapshot(rid)

    @rule(rid=records)
    def toggle_delete(self, rid: str) -> None:
        record = self.store.get(rid)
        if record is None:
            return
        (self.store.restore if record.deleted else self.store.delete)(rid)
        self.model[rid] = self._snapshot(rid)

    @rule(titles=st.lists(TITLES, min_size=2, max_size=4))
    def meeting_with_tasks(self, titles: list[str]) -> None:
        with self.store.transaction() as tx:
            meeting = tx.add("meeting", {"title": titles[0], "date": "27/05/2022"})
            ids = [meeting.id] + [
                tx.add("task", {"title": t, "lead_unit_id": self.unit, "meeting_id": meeting.id}).id
                for t in titles[1:]
            ]
        for rid in ids:
            self.model[rid] = self._snapshot(rid)

    @rule()
    def checkpoint(self) -> None:
        self.store.checkpoint()

    @rule()
    def reopen(self) -> None:
        pending = self.store.pending_ops()
        self.store.close()
        self.store = Store.open(self.dir / "p")
        assert self.store.pending_ops() == pending

    @precondition(lambda self: len(self.model) > 1)
    @rule(data=st.data())
    def reopen_and_read_one_kind_first(self, data: st.DataObject) -> None:
        self.store.close()
        self.store = Store.open(self.dir / "p")
        rid = data.draw(st.sampled_from(sorted(self.model)))
        assert self.store.require(rid).export() == self.model[rid]

    @invariant()
    def same_as_model(self) -> None:
        exported = {r.id: r.export() for r in self.store.list(None, include_deleted=True)}
        assert exported == self.model

    def teardown(self) -> None:
        self.store.close()
        durable.CHECKPOINT_BYTES = self.old_bound
        shutil.rmtree(self.dir, ignore_errors=True)


TestStoreRoundTrip = StoreMachine.TestCase
TestStoreRoundTrip.settings = settings(stateful_step_count=30, deadline=None)

"""One commit applies its writes in memory in bulk (issue 10): TinyDB's query cache of each
table it touched is cleared once, not once a record — and the queries still see every write."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync import durable
from sync.store import Store

BG = "vn/bac-giang"


def test_a_commit_clears_each_table_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.create(tmp_path / "p", office=BG, name="Bắc Giang")
    cleared: list[str] = []
    real = durable.ReplicaTable.clear_cache

    def spy(self: durable.ReplicaTable) -> None:
        cleared.append(self.name)
        real(self)

    try:
        assert store.list("task") == []  # TinyDB has now cached the empty table
        monkeypatch.setattr(durable.ReplicaTable, "clear_cache", spy)
        with store.transaction() as tx:
            for n in range(300):
                tx.add("task", {"title": f"Việc số {n}", "lead_unit_id": "u1"})
        assert sorted(cleared) == ["meta", "outbox", "records"]
        assert len(store.list("task")) == 300
        assert store.pending_count() == 300
    finally:
        store.close()

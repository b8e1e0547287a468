"""An idle sync saves one journal entry (the time of the sync), not one per exchange plus
one at the end: values that did not change are not written again (issue 10, idle ≤ 5 ms)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from sync import journal
from sync.store import Store
from tests.helpers.server import BG, Server


def test_an_idle_sync_writes_one_journal_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = Server.make(tmp_path / "hq.db")
    store = Store.create(tmp_path / "office", office=BG, name="Bắc Giang")
    store.add("unit", {"name": "Sở Thông tin và Truyền thông"})
    client, _switch = server.client(store)
    entries: list[list[Any]] = []
    real = journal.Journal.append

    def append(self: journal.Journal, entry: dict[str, Any]) -> int:
        entries.append(entry["ops"])
        return real(self, entry)

    async def syncs(count: int) -> None:
        for _ in range(count):
            await client.sync()

    try:
        asyncio.run(syncs(2))  # the push, then a sync that finds nothing
        monkeypatch.setattr(journal.Journal, "append", append)
        before = {k: store.meta(k) for k in ("cursor", "feed_tag", "acked_op_seq")}
        asyncio.run(syncs(3))
        assert [[(op[0], op[1]) for op in ops] for ops in entries] == [
            [("meta", "last_sync_at")]
        ] * 3
        assert {k: store.meta(k) for k in before} == before
        assert store.meta("last_sync_ok") is True
    finally:
        asyncio.run(client.aclose())
        store.close()
        server.db.close()


def test_a_sync_that_pushes_writes_one_journal_entry_with_the_time_of_the_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer that ends a sync closes it in the same entry (one flush, not two)."""
    server = Server.make(tmp_path / "hq.db")
    store = Store.create(tmp_path / "office", office=BG, name="Bắc Giang")
    unit = store.add("unit", {"name": "Sở Thông tin và Truyền thông"}).id
    client, _switch = server.client(store)
    entries: list[list[Any]] = []
    real = journal.Journal.append

    def append(self: journal.Journal, entry: dict[str, Any]) -> int:
        entries.append(entry["ops"])
        return real(self, entry)

    try:
        asyncio.run(client.sync())
        store.update(unit, {"abbr": "STTTT"})
        monkeypatch.setattr(journal.Journal, "append", append)
        asyncio.run(client.sync())
        assert len(entries) == 1
        written = {(op[0], op[1]) for op in entries[0]}
        assert {("meta", "last_sync_at"), ("records", unit)} <= written
        assert store.pending_count() == 0 and store.meta("last_sync_ok") is True
        assert store.get(unit) is not None and store.get(unit).seq > 0  # type: ignore[union-attr]
    finally:
        asyncio.run(client.aclose())
        store.close()
        server.db.close()

"""Issue 10: a ``sotay sync`` that pushes and pulls many records checkpoints once, after its
last page, not once past the journal bound and again when the store closes (each checkpoint
rewrites the kind files and the core); every page is still its own durable journal entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sync import durable, journal
from sync.store import Store
from tests.helpers.server_process import Server, admin, token
from tui import cli

pytestmark = pytest.mark.e2e
OFFICE = "vn/bac-giang"


def test_a_sync_of_many_pages_checkpoints_once_after_the_last(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin(server.db, "office", "add", OFFICE, "--name", "Bắc Giang")
    data = tmp_path / "p"
    monkeypatch.setenv("SOTAY_LANG", "en")
    assert cli.run(["--data", str(data), "init", "--office", OFFICE, "--name", "Bắc Giang"]) == 0
    login = ["--data", str(data), "login", "--server", server.url, "--token"]
    assert cli.run([*login, token(server.db, OFFICE)]) == 0
    with Store.open(data) as store:
        unit = store.add("unit", {"name": "Sở Thông tin và Truyền thông"}).id
        with store.transaction() as tx:
            for n in range(300):
                tx.add("task", {"title": f"Việc số {n}", "lead_unit_id": unit})
    monkeypatch.setattr(durable, "CHECKPOINT_BYTES", 2_000)  # past it after any page
    monkeypatch.setattr("sync.client.MAX_OPS_PER_PUSH", 50)  # pushes of 50 ops
    checkpoints: list[int] = []
    entries: list[int] = []
    real_checkpoint, real_append = durable.Durable.checkpoint, journal.Journal.append

    def checkpoint(self: durable.Durable, *, force: bool = False) -> None:
        checkpoints.append(self._journal.entries)
        real_checkpoint(self, force=force)

    def append(self: journal.Journal, entry: dict[str, Any]) -> int:
        entries.append(len(entry["ops"]))
        return real_append(self, entry)

    monkeypatch.setattr(durable.Durable, "checkpoint", checkpoint)
    monkeypatch.setattr(journal.Journal, "append", append)
    assert cli.run(["--data", str(data), "sync"]) == 0
    assert len(entries) > 1, "several pages, each its own entry"
    assert checkpoints == [len(entries)], "one checkpoint, after the last entry"
    with Store.open(data) as store:
        assert store.pending_count() == 0
        assert len(store.list("task")) == 300

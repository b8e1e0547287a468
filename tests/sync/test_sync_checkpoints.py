"""Issue 10: a sync that pushes and pulls many records (``sotay sync``, or the app's, which
drives the client itself) checkpoints once, after its last page, not once past the journal
bound and again when the store closes (each checkpoint rewrites the kind files and the
core); every page is still its own durable journal entry."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from sync import durable, journal
from sync.credentials import client_for
from sync.store import Store
from tests.helpers.server_process import Server, admin, token
from tui import cli

pytestmark = pytest.mark.e2e
OFFICE = "vn/bac-giang"


def many_pages(tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A logged-in profile with 300 tasks to push in pages of 50, past the journal bound
    after any page."""
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
    return data


def count_writes(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], list[int]]:
    """(the journal entries written before each checkpoint, each entry's op count)."""
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
    return checkpoints, entries


def test_a_sync_of_many_pages_checkpoints_once_after_the_last(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = many_pages(tmp_path, server, monkeypatch)
    checkpoints, entries = count_writes(monkeypatch)
    assert cli.run(["--data", str(data), "sync"]) == 0
    assert len(entries) > 1, "several pages, each its own entry"
    assert checkpoints == [len(entries)], "one checkpoint, after the last entry"
    with Store.open(data) as store:
        assert store.pending_count() == 0
        assert len(store.list("task")) == 300


def test_the_apps_sync_of_many_pages_checkpoints_once_after_the_last_too(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app runs the client itself, with the store open the whole time."""
    data = many_pages(tmp_path, server, monkeypatch)
    with Store.open(data) as store:
        client = client_for(store, data)
        assert client is not None
        checkpoints, entries = count_writes(monkeypatch)

        async def run() -> None:
            async with client:
                await client.sync()

        asyncio.run(run())
        assert len(entries) > 1, "several pages, each its own entry"
        assert checkpoints == [len(entries)], "one checkpoint, after the last entry"
        assert store.pending_count() == 0

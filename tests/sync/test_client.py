"""The sync client against the in-process server: what a replica keeps and sends."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from server_stub.app import create_app
from server_stub.db import Database
from server_stub.settings import ServerSettings
from sync.apply import accept_removals
from sync.client import SyncClient, SyncProgress
from sync.errors import AuthFailed, ServerMismatch
from sync.store import Store
from tests.helpers.server import Server


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[dict[str, Any]]:
    server = Server.make(tmp_path / "hq.db")
    app = server.app(rate=1e6, burst=10**6)
    yield {"app": app, "token": server.tokens["bg"], "db": server.db, "root": tmp_path}
    server.db.close()


def replica(hq: dict[str, Any], name: str, **kw: Any) -> tuple[Store, SyncClient]:
    store = Store.create(hq["root"] / name, office="vn/bac-giang", name=name)
    client = SyncClient(
        store,
        server_url="http://hq",
        token=hq["token"],
        transport=httpx.ASGITransport(app=hq["app"]),
        **kw,
    )
    return store, client


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_a_push_confirms_the_base_without_echoing_records_back(hq: dict[str, Any]) -> None:
    store, client = replica(hq, "a")
    unit = store.add("unit", {"name": "Sở TT&TT"})
    task = store.add("task", {"title": "Việc", "lead_unit_id": unit.id})
    result = run(client.sync())
    assert result.pushed == 2 and result.pulled == 0, "its own records are not sent back"
    doc = store.require(task.id).doc
    assert doc["seq"] > 0 and doc["pending"] == 0 and doc["base"] is None
    store.update(task.id, {"progress": 30})
    assert store.pending_ops()[0]["changes"]["progress"] == {"value": 30}
    store.update(task.id, {"title": "Việc đã sửa"})
    title_change = store.pending_ops()[1]["changes"]["title"]
    assert title_change["base_version"] == doc["seq"], "the edit is based on the confirmed version"
    result = run(client.sync())
    assert result.pushed == 2 and result.rejected == 0 and not result.new_conflicts


def test_full_sync_brings_back_what_the_replica_wrote(hq: dict[str, Any]) -> None:
    store, client = replica(hq, "a")
    unit = store.add("unit", {"name": "Sở TT&TT"})
    run(client.sync())
    with store.transaction() as tx:  # as if a damaged file had lost it here
        tx.forget(unit.id)
    store.set_meta(cursor=0)
    run(client.sync())
    assert store.get(unit.id) is None, "an ordinary sync does not resend one's own records"
    store.set_meta(cursor=0, full_pull=True)
    run(client.sync())
    assert store.get(unit.id) is not None and store.meta("full_pull") is False


def test_a_second_laptop_of_the_office_receives_everything(hq: dict[str, Any]) -> None:
    a, ca = replica(hq, "a")
    b, cb = replica(hq, "b")
    unit = a.add("unit", {"name": "Sở TT&TT"})
    run(ca.sync())
    run(cb.sync())
    assert b.require(unit.id).data == {"name": "Sở TT&TT"}


def test_a_different_server_is_refused_and_nothing_is_deleted(
    hq: dict[str, Any], tmp_path: Path
) -> None:
    store, client = replica(hq, "a")
    store.add("unit", {"name": "Sở TT&TT"})
    run(client.sync())
    other = Server.make(tmp_path / "other.db")
    wrong = SyncClient(
        store,
        server_url="http://other",
        token=other.tokens["bg"],
        transport=httpx.ASGITransport(app=other.app(rate=1e6, burst=10**6)),
    )
    store.add("unit", {"name": "Sở Nội vụ"})
    with pytest.raises(ServerMismatch) as err:
        run(wrong.sync())
    assert "adopt-server" in err.value.message("en")
    assert len(store.list("unit")) == 2 and store.pending_count() == 1
    other.db.close()


def test_a_mass_removal_is_held_back_while_the_rest_of_the_page_is_taken(
    hq: dict[str, Any],
) -> None:
    store, client = replica(hq, "a")
    with store.transaction() as tx:
        for i in range(30):
            tx.add("unit", {"name": f"Đơn vị {i}"})
    run(client.sync())
    ids = sorted(r.id for r in store.list("unit"))
    arriving: dict[str, Any] = {
        "id": "0190aaaa-0000-7000-8000-000000000001",
        "kind": "plan",
        "scope": "vn",
        "fields": {"title": "Kế hoạch mới", "pub:vn/bac-giang": True},
        "versions": {},
        "deleted": False,
        "seq": 9_999,
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "schema_version": 1,
                "server_id": store.meta("server_id"),
                "server_time": "2026-01-01T00:00:00+00:00",
                "last_op_seq": 30,
                "results": [],
                "records": [arriving],
                "remove": ids,
                "cursor": 10_000,
                "has_more": False,
            },
        )

    evil = SyncClient(
        store, server_url="http://hq", token="t", transport=httpx.MockTransport(answer)
    )
    result = run(evil.sync())
    assert (result.held_removals, result.removed, result.pulled) == (30, 0, 1)
    assert sorted(r.id for r in store.list("unit")) == ids, "nothing removed yet"
    assert store.require(arriving["id"]).title == "Kế hoạch mới", "the rest of the page is taken"
    assert store.meta("cursor") == 10_000, "the cursor moves on: the next sync is not stuck"
    assert store.held_removals() == ids
    with store.transaction() as tx:
        assert accept_removals(tx) == 30
    assert store.list("unit") == [] and store.held_removals() == []


def test_a_bad_token_is_a_clear_error_and_keeps_the_outbox(hq: dict[str, Any]) -> None:
    store, _ = replica(hq, "a")
    store.add("unit", {"name": "Sở TT&TT"})
    bad = SyncClient(
        store,
        server_url="http://hq",
        token="st_wrong",
        transport=httpx.ASGITransport(app=hq["app"]),
    )
    with pytest.raises(AuthFailed) as err:
        run(bad.sync())
    assert "token" in err.value.message("en").lower()
    assert store.pending_count() == 1


def test_progress_is_reported_for_the_progress_bar(hq: dict[str, Any]) -> None:
    seen: list[SyncProgress] = []
    store, client = replica(hq, "a", progress=seen.append, batch_ops=10)
    with store.transaction() as tx:
        for i in range(35):
            tx.add("unit", {"name": f"Đơn vị {i}"})
    run(client.sync())
    assert [p.sent for p in seen if p.phase != "done"] == [10, 20, 30, 35]
    assert seen[-1].phase == "done" and seen[-1].to_send == 35


def _restore(hq: dict[str, Any], backup: Path) -> None:
    """Put an older copy of the server's database in place, as an operator would."""
    import shutil

    hq["db"].close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{hq['db'].path}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, hq["db"].path)
    settings = ServerSettings(db=hq["db"].path, rate=1e6, burst=10**6, synchronous="NORMAL")
    hq["db"] = Database(settings.db, synchronous="NORMAL")
    hq["app"] = create_app(settings, db=hq["db"])


def test_a_server_restored_from_a_backup_and_written_again_is_refused(hq: dict[str, Any]) -> None:
    """The head check cannot see it once others have pushed past the cursor; the cursor's
    tag can: the replica is told to adopt the server instead of skipping changes."""
    import sqlite3

    reader, reader_client = replica(hq, "reader")
    writer, writer_client = replica(hq, "writer")
    writer.add("unit", {"name": "Trước sao lưu"})
    run(writer_client.sync())
    backup = hq["root"] / "backup.db"
    with sqlite3.connect(hq["db"].path) as src, sqlite3.connect(backup) as dst:
        src.backup(dst)
    for i in range(3):
        writer.add("unit", {"name": f"Sau sao lưu {i}"})
    run(writer_client.sync())
    run(reader_client.sync())
    seen = sorted(r.title for r in reader.list("unit"))
    _restore(hq, backup)
    other, other_client = replica(hq, "other")  # writes new changes at the same positions
    for i in range(5):
        other.add("unit", {"name": f"Sau khôi phục {i}"})
    run(other_client.sync())
    fresh = SyncClient(
        reader,
        server_url="http://hq",
        token=hq["token"],
        transport=httpx.ASGITransport(app=hq["app"]),
    )
    with pytest.raises(ServerMismatch) as err:
        run(fresh.sync())
    assert "adopt-server" in err.value.message("en")
    assert sorted(r.title for r in reader.list("unit")) == seen, "nothing taken or lost"
    reader.adopt_new_server()
    run(fresh.sync())
    names = sorted(r.title for r in reader.list("unit"))
    assert names == sorted([*seen, *(f"Sau khôi phục {i}" for i in range(5))])


class _Recording(httpx.AsyncBaseTransport):
    """The app over ASGI, keeping the exact waits its 429 answers gave."""

    def __init__(self, app: Any) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.waits: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if response.status_code == 429:
            body = await response.aread()
            self.waits.append(orjson.loads(body)["retry_after"])
            assert response.headers["Retry-After"] == "1", "HTTP's whole seconds, rounded up"
        return response


def test_a_rate_limited_sync_waits_as_long_as_the_server_said_not_a_whole_second(
    tmp_path: Path,
) -> None:
    server = Server.make(tmp_path / "hq.db")
    transport = _Recording(server.app(rate=2.0, burst=1))  # one request each 0.5 s
    store = Store.create(tmp_path / "a", office="vn/bac-giang", name="a")
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.sleep(seconds)

    client = SyncClient(
        store, server_url="http://hq", token=server.tokens["bg"], transport=transport, sleep=sleep
    )

    async def twice() -> None:
        await client.sync()
        await client.sync()  # at once: the request budget is spent
        await client.aclose()

    try:
        run(twice())
    finally:
        store.close()
        server.db.close()
    assert transport.waits, "the second sync was refused for a moment"
    assert all(0 < wait <= 0.5 for wait in transport.waits), "less than the header's 1 s"
    assert slept == transport.waits, "each retry waited what its answer said (not 1 s)"

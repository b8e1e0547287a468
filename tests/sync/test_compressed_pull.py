"""A pull over real HTTP comes compressed with zstd: ~20 % fewer bytes than gzip on an
office's slow link (server_stub.compression), and the replica holds the same records."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from sync.client import SyncClient
from sync.store import Store
from tests.helpers.server_process import Server, admin, token

BG = "vn/bac-giang"


def test_a_pull_over_real_http_comes_in_zstd(tmp_path: Path, server: Server) -> None:
    admin(server.db, "office", "add", BG, "--name", "Bắc Giang")
    tok = token(server.db, BG)
    first = Store.create(tmp_path / "first", office=BG, name="Máy 1")
    second = Store.create(tmp_path / "second", office=BG, name="Máy 2")
    with first.transaction() as tx:
        unit = tx.add("unit", {"name": "Sở Thông tin và Truyền thông"}).id
        for n in range(60):
            notes = f"Rà soát, cập nhật cơ sở dữ liệu chuyên ngành lần {n}. " * 8
            tx.add("task", {"title": f"Nhiệm vụ số {n}", "lead_unit_id": unit, "notes": notes})
    encodings: list[str] = []

    async def seen(response: httpx.Response) -> None:
        if response.request.url.path == "/v1/sync":
            encodings.append(response.headers.get("content-encoding", "none"))

    async def sync_both() -> None:
        async with SyncClient(first, server_url=server.url, token=tok) as one:
            await one.sync()
        async with SyncClient(second, server_url=server.url, token=tok) as two:
            two._http.event_hooks["response"].append(seen)
            await two.sync()

    try:
        asyncio.run(sync_both())
        assert encodings == ["zstd"]
        ours = {r.id: r.export() for r in first.list(None)}
        assert {r.id: r.export() for r in second.list(None)} == ours
        assert len(ours) == 61
    finally:
        first.close()
        second.close()

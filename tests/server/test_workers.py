"""``sotay-server serve --workers N``: N processes on one socket over PostgreSQL; refused on
SQLite, which stays one process."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sync.client import SyncClient
from sync.store import Store
from tests.helpers.clock import Clock
from tests.helpers.server import BG, Databases
from tests.helpers.workers import alive, answered_by, seeded, serving
from tests.server.test_server_cli import cli


def _contents(store: Store) -> dict[str, Any]:
    return {unit.id: unit.data["name"] for unit in store.list("unit")}


async def _sync_both(pairs: list[tuple[Store, str]], url: str, tokens: dict[str, str]) -> None:
    clients = [SyncClient(store, server_url=url, token=tokens[who]) for store, who in pairs]
    try:
        await asyncio.gather(*(client.sync() for client in clients))
    finally:
        for client in clients:
            await client.aclose()


def test_two_workers_on_postgresql_serve_two_replicas_that_converge(
    tmp_path: Path, clock: Clock
) -> None:
    with Databases.of("postgresql", tmp_path) as pg:
        location = str(pg.new("workers"))
        tokens = seeded(location)
        one, two = (
            Store.create(tmp_path / name, office=BG, name=name, author=name, clock=clock)
            for name in ("bg-1", "bg-2")
        )
        pairs = [(one, "bg"), (two, "bg2")]
        with serving(location, 2) as served:
            url, pids = served.url, served.pids()
            assert len(set(pids)) == 2
            assert [answered_by(url, pids, alone) for alone in pids] == [200, 200]
            made = []
            for round_ in range(3):
                for store in (one, two):
                    for n in range(10):
                        made.append(store.add("unit", {"name": f"Phòng {round_}-{n}"}).id)
                one.update(made[0], {"name": f"Phòng Tổng hợp {round_}"})
                asyncio.run(_sync_both(pairs, url, tokens))
            asyncio.run(_sync_both(pairs, url, tokens))  # each now has what the other pushed
            assert alive(pids)
        assert _contents(one) == _contents(two)
        assert sorted(_contents(one)) == sorted(made)
        assert _contents(two)[made[0]] == "Phòng Tổng hợp 2"


def test_more_than_one_worker_on_sqlite_is_refused_in_the_users_language(
    tmp_path: Path,
) -> None:
    location = tmp_path / "server.db"
    refused = cli("--db", str(location), "serve", "--port", "0", "--workers", "2", ok=False)
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr == (
        "sotay-server: Cơ sở dữ liệu SQLite chỉ chạy được với một tiến trình phục vụ; "
        "muốn chạy 2 tiến trình, hãy dùng PostgreSQL (--db postgresql://…).\n"
    )
    assert not location.exists()
    english = cli("--db", str(location), "serve", "--workers", "0", ok=False, lang="en_US.UTF-8")
    assert (english.returncode, english.stderr) == (
        2,
        "sotay-server: The number of server processes must be at least 1 (got 0).\n",
    )

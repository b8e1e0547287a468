"""``sotay-server serve --workers N``: N processes on one socket over PostgreSQL; refused on
SQLite, which stays one process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from server_stub.db import Database
from sync.client import SyncClient
from sync.store import Store
from tests.helpers.clock import Clock
from tests.helpers.server import BG, Databases, seed
from tests.helpers.server_process import ENV
from tests.server.test_server_cli import cli


def _workers(parent: int) -> list[int]:
    """The worker processes of ``parent`` (multiprocessing's spawned children, not its
    resource tracker), from /proc."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [
        int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/v1/health", timeout=5.0).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def _serving(location: str, workers: int) -> Iterator[tuple[str, list[int]]]:
    """The real server with ``workers`` processes: its URL and the workers' pids, once each
    is up and the service answers."""
    # ``python -m``, as the demo and the test helpers start it (its ``__name__`` is __main__)
    command = [
        sys.executable,
        "-m",
        "server_stub.cli",
        "--db",
        location,
        "serve",
        "--port",
        "0",
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(
        [*command, "--log-level", "warning"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=ENV,
    )
    pids: list[int] = []
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        deadline = time.monotonic() + 30
        while len(pids) < workers or not _healthy(url):
            assert process.poll() is None and time.monotonic() < deadline, "server not up"
            time.sleep(0.2)
            pids = _workers(process.pid)
        yield url, pids
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stdout is not None
        process.stdout.close()


def _answered_by(url: str, pids: list[int], alone: int) -> int:
    """A health check on a new connection while every worker but ``alone`` is stopped: the
    status ``alone`` answered with."""
    stopped = [pid for pid in pids if pid != alone]
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    try:
        return httpx.get(url + "/v1/health", timeout=10.0).status_code
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)


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
        db = Database(location)
        try:
            tokens, _ids = seed(db)
        finally:
            db.close()
        one, two = (
            Store.create(tmp_path / name, office=BG, name=name, author=name, clock=clock)
            for name in ("bg-1", "bg-2")
        )
        pairs = [(one, "bg"), (two, "bg2")]
        with _serving(location, 2) as (url, pids):
            assert len(set(pids)) == 2
            assert [_answered_by(url, pids, alone) for alone in pids] == [200, 200]
            made = []
            for round_ in range(3):
                for store in (one, two):
                    for n in range(10):
                        made.append(store.add("unit", {"name": f"Phòng {round_}-{n}"}).id)
                one.update(made[0], {"name": f"Phòng Tổng hợp {round_}"})
                asyncio.run(_sync_both(pairs, url, tokens))
            asyncio.run(_sync_both(pairs, url, tokens))  # each now has what the other pushed
            assert _workers_alive(pids)
        assert _contents(one) == _contents(two)
        assert sorted(_contents(one)) == sorted(made)
        assert _contents(two)[made[0]] == "Phòng Tổng hợp 2"


def _workers_alive(pids: list[int]) -> bool:
    """No worker died (and was replaced) during the run."""
    return all(Path(f"/proc/{pid}").exists() for pid in pids)


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

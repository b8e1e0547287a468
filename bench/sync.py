"""Benchmark of sync over loopback (issue 3).  Run: ``python bench/sync.py``

A real ``sotay-server`` (uvicorn) process, real replica stores and the real sync client;
every byte between them goes through a counting TCP proxy, so the wire figures include
HTTP headers.  10,000 task-shaped records (~875 B of JSON each: Vietnamese titles of ~60
characters and notes of ~400, from a seeded generator), the same shape as the CouchDB-
protocol replication it is compared with (3.5 s and 404 requests / 10.8 MB to push, 2.9 s /
2.4 MB to pull, on this kind of machine).

Budgets: initial push of 10k ≤ 0.35 s and ≤ 2 MB; initial pull of 10k into an empty replica
≤ 0.3 s and ≤ 1.5 MB; incremental push of 200 edits ≤ 15 ms in 1 request; idle sync ≤ 5 ms,
1 request, ≤ 1 kB.  Also: 200 simulated offices syncing at once (p50 / p99 latency).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

# Scripts here are named after the packages they measure (sync.py, tui.py): keep this folder
# off the import path so ``import sync`` finds the package, and put the checkout first.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import httpx
import orjson

from bench.words import WORDS
from domain.runtime import tune_collector
from sync.client import SyncClient
from sync.store import Store
from tui.demo_server import DemoServer

SCOPE = "vn/bac-giang"


# ---------------------------------------------------------------------------
# The counting proxy
# ---------------------------------------------------------------------------
class CountingProxy:
    """Forwards loopback TCP and counts every byte both ways (headers included)."""

    def __init__(self, target_port: int) -> None:
        self.target = target_port
        self.up = self.down = self.connections = 0
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(512)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self.lock:
            self.up = self.down = self.connections = 0

    @property
    def total(self) -> int:
        return self.up + self.down

    def _accept(self) -> None:
        while True:
            client, _ = self.sock.accept()
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            server = socket.create_connection(("127.0.0.1", self.target))
            server.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._pipe, args=(client, server, "up"), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, "down"), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, direction: str) -> None:
        try:
            while data := src.recv(262144):
                dst.sendall(data)
                with self.lock:
                    setattr(self, direction, getattr(self, direction) + len(data))
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------
def admin(db: Path, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "server_stub.cli", "--db", str(db), *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def start_server(db: Path) -> DemoServer:
    """The real server (the demo's and the tests' way to start it), rate limits out of the way."""
    env = {**os.environ, "SOTAY_SERVER_RATE": "100000", "SOTAY_SERVER_BURST": "100000"}
    return DemoServer.serve(db, env=env)


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
def sentence(rng: random.Random, chars: int) -> str:
    words: list[str] = []
    while len(" ".join(words)) < chars:
        words.append(rng.choice(WORDS))
    return " ".join(words)[:chars].strip().capitalize()


def fill(store: Store, count: int, seed: int = 2022) -> list[str]:
    rng = random.Random(seed)
    unit = store.add("unit", {"name": "Sở Thông tin và Truyền thông", "abbr": "STTTT"}).id
    ids = []
    for start in range(0, count, 2000):
        with store.transaction() as tx:
            for i in range(start, min(count, start + 2000)):
                ids.append(
                    tx.add(
                        "task",
                        {
                            "title": sentence(rng, 60),
                            "notes": sentence(rng, 330),
                            "lead_unit_id": unit,
                            "stt": f"{i // 100 + 1}.{i % 100 + 1}",
                            "timeframe": "Quý III/2022",
                            "budget": rng.randint(1, 900) * 1_000_000,
                            "progress": rng.randint(0, 100),
                            "status": "in_progress",
                            "group": "internal_apps",
                        },
                    ).id
                )
    return ids


def record_size(store: Store, rid: str) -> int:
    record = store.get(rid)
    assert record is not None
    return len(orjson.dumps(record.export()))


# ---------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------
class Counter:
    def __init__(self, proxy: CountingProxy) -> None:
        self.proxy = proxy
        self.requests = 0

    def hook(self) -> Any:
        async def count(request: httpx.Request) -> None:
            self.requests += 1

        return count


def client_for(store: Store, url: str, token: str, counter: Counter) -> SyncClient:
    c = SyncClient(store, server_url=url, token=token)
    c._http.event_hooks["request"].append(counter.hook())
    return c


def measure(
    loop: asyncio.AbstractEventLoop, client: SyncClient, counter: Counter
) -> tuple[float, int, int]:
    counter.proxy.reset()
    counter.requests = 0
    t = time.perf_counter()
    loop.run_until_complete(client.sync())
    return time.perf_counter() - t, counter.requests, counter.proxy.total


def row(label: str, seconds: float, requests: int, wire: int, budget: str, ok: bool) -> None:
    took = f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
    size = f"{wire / 1e6:.2f} MB" if wire >= 100_000 else f"{wire:,} B"
    mark = "ok" if ok else "OVER BUDGET"
    print(f"{label:<34} {took:>10} {requests:>5} req {size:>11}   budget {budget:<28} {mark}")


def offices(
    loop: asyncio.AbstractEventLoop, url: str, tokens: list[str], rounds: int
) -> list[float]:
    """Many offices at once: each makes ``rounds`` syncs pushing five edits."""
    latencies: list[float] = []

    async def office(n: int, token: str) -> None:
        async with httpx.AsyncClient(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=600
        ) as http:
            replica, seq, cursor = str(uuid.uuid4()), 0, 0
            rid = str(uuid.UUID(int=n + 1))
            for _ in range(rounds):
                ops = []
                for _ in range(5):
                    seq += 1
                    ops.append(
                        {
                            "op_seq": seq,
                            "record_id": rid,
                            "kind": "task",
                            "scope": f"vn/o{n}",
                            "base_seq": 0,
                            "edited_at": "2022-06-01T09:00:00+07:00",
                            "author": "bench",
                            "changes": {
                                "title": {"value": f"Việc {seq}"},
                                "lead_unit_id": {"value": "u1"},
                            },
                        }
                    )
                body = {"schema_version": 1, "replica_id": replica, "ops": ops, "since": cursor}
                t = time.perf_counter()
                response = await http.post(
                    "/v1/sync",
                    content=orjson.dumps(body),
                    headers={"Content-Type": "application/json"},
                )
                latencies.append(time.perf_counter() - t)
                cursor = response.json()["cursor"]

    async def run() -> None:
        await asyncio.gather(*(office(n, tok) for n, tok in enumerate(tokens)))

    loop.run_until_complete(run())
    return latencies


def main() -> None:
    tune_collector()  # as the sotay entry point does (domain.runtime)
    parser = argparse.ArgumentParser(description="Sổ tay sync benchmark")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--offices", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5, help="syncs per simulated office")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sotay-bench-sync-"))
    loop = asyncio.new_event_loop()
    server: DemoServer | None = None
    try:
        db = root / "hq.db"
        admin(db, "office", "add", SCOPE, "--name", "Bắc Giang")
        token = admin(db, "token", "create", "--office", SCOPE, "--role", "office").split()[-1]
        server = start_server(db)
        port = int(httpx.URL(server.url).port or 0)
        proxy = CountingProxy(port)
        url = f"http://127.0.0.1:{proxy.port}"
        counter = Counter(proxy)

        a = Store.create(root / "a", office=SCOPE, name="a")
        ids = fill(a, args.records)
        size = statistics.median(record_size(a, rid) for rid in ids[:200])
        print(f"Sổ tay sync benchmark — {args.records:,} tasks, median {size:.0f} B of JSON each\n")
        ca = client_for(a, url, token, counter)
        took, reqs, wire = measure(loop, ca, counter)
        row(
            "initial push of 10k (whole sync)",
            took,
            reqs,
            wire,
            "≤ 0.35 s, ≤ 2 MB",
            took <= 0.35 and wire <= 2_000_000,
        )

        b = Store.create(root / "b", office=SCOPE, name="b")
        cb = client_for(b, url, token, counter)
        took, reqs, wire = measure(loop, cb, counter)
        row(
            "initial pull of 10k, empty replica",
            took,
            reqs,
            wire,
            "≤ 0.3 s, ≤ 1.5 MB",
            took <= 0.3 and wire <= 1_500_000,
        )
        assert len(b.list("task")) == args.records

        rng = random.Random(5)
        edits = []
        for _ in range(5):
            with a.transaction() as tx:
                for rid in rng.sample(ids, 200):
                    tx.update(rid, {"progress": rng.randint(0, 100)})
            edits.append(measure(loop, ca, counter))
        took = statistics.median(e[0] for e in edits)
        reqs, wire = edits[-1][1], edits[-1][2]
        row(
            "incremental push of 200 edits",
            took,
            reqs,
            wire,
            "≤ 15 ms, 1 request",
            took <= 0.015 and reqs == 1,
        )

        idle = [measure(loop, cb, counter) for _ in range(5)]  # b pulls the edits first
        idle = [measure(loop, ca, counter) for _ in range(21)]
        took = statistics.median(i[0] for i in idle)
        reqs, wire = idle[-1][1], idle[-1][2]
        row(
            "idle sync",
            took,
            reqs,
            wire,
            "≤ 5 ms, 1 request, ≤ 1 kB",
            took <= 0.005 and reqs == 1 and wire <= 1000,
        )

        scopes = [f"vn/o{n}" for n in range(args.offices)]
        tokens = []
        for scope in scopes:
            admin(db, "office", "add", scope, "--name", scope)
        for scope in scopes:
            tokens.append(
                admin(db, "token", "create", "--office", scope, "--role", "office").split()[-1]
            )
        direct = f"http://127.0.0.1:{port}"  # no proxy threads in the way of 200 offices
        started = time.perf_counter()
        lat = sorted(offices(loop, direct, tokens, args.rounds))
        took = time.perf_counter() - started
        p50, p99 = lat[len(lat) // 2], lat[int(len(lat) * 0.99)]
        print(
            f"\n{args.offices} offices at once, {args.rounds} syncs of 5 edits each: "
            f"{len(lat):,} syncs in {took:.1f} s ({len(lat) / took:.0f}/s), "
            f"latency p50 {p50 * 1e3:.0f} ms, p99 {p99 * 1e3:.0f} ms"
        )
        for store in (a, b):
            store.close()
        for c in (ca, cb):
            loop.run_until_complete(c.aclose())
    finally:
        if server is not None:
            server.stop()
        loop.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark of sync over loopback (issue 3).  Run: ``python bench/sync.py``

A real ``sotay-server`` (uvicorn) process, real replica stores and the real sync client;
every byte between them goes through a counting TCP proxy, so the wire figures include
HTTP headers.  10,000 task-shaped records (~875 B of JSON each: Vietnamese titles of ~60
characters and notes of ~400, from a seeded generator), the same shape as the CouchDB-
protocol replication it is compared with (3.5 s and 404 requests / 10.8 MB to push, 2.9 s /
2.4 MB to pull, on this kind of machine).

Budgets (issue 10): initial push of 10k ≤ 0.4 s and ≤ 2 MB; initial pull of 10k into an
empty replica ≤ 0.3 s and ≤ 1.5 MB; incremental push of 200 edits ≤ 15 ms in 1 request; idle
sync ≤ 5 ms, 1 request, ≤ 1 kB.  Every figure is the median of ``--runs`` runs (3), each on a
new server, printed beside its budget with the CPU each end spent (on a busy machine the wall
time is mostly waiting for a core); a miss is followed by the top of a cProfile of that phase
with both ends in one process.  Also: 200 simulated offices syncing at once (p50 / p99).
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


class Figure:
    """One phase's runs: wall time, requests, wire bytes, and CPU spent by each end."""

    def __init__(self) -> None:
        self.runs: list[tuple[float, int, int, float, float]] = []

    def add(self, run: tuple[float, int, int, float, float]) -> None:
        self.runs.append(run)

    @property
    def seconds(self) -> float:
        return statistics.median(r[0] for r in self.runs)

    def median(self, column: int) -> float:
        return statistics.median(r[column] for r in self.runs)

    @property
    def requests(self) -> int:
        return max(r[1] for r in self.runs)

    @property
    def wire(self) -> int:
        return int(statistics.median(r[2] for r in self.runs))


def server_cpu(pid: int) -> float:
    """CPU seconds the server process has used (user + system), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    loop: asyncio.AbstractEventLoop, client: SyncClient, counter: Counter, server_pid: int
) -> tuple[float, int, int, float, float]:
    """(wall seconds, requests, wire bytes, client CPU, server CPU) of one whole sync."""
    counter.proxy.reset()
    counter.requests = 0
    cpu, srv = time.process_time(), server_cpu(server_pid)
    t = time.perf_counter()
    loop.run_until_complete(client.sync())
    took = time.perf_counter() - t
    spent = time.process_time() - cpu, server_cpu(server_pid) - srv
    return took, counter.requests, counter.proxy.total, *spent


def row(label: str, figure: Figure, budget: str, ok: bool) -> None:
    seconds, requests, wire = figure.seconds, figure.requests, figure.wire
    took = f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
    size = f"{wire / 1e6:.2f} MB" if wire >= 100_000 else f"{wire:,} B"
    cpu = f"cpu {figure.median(3) * 1e3:.0f}+{figure.median(4) * 1e3:.0f} ms"
    mark = "ok" if ok else "OVER BUDGET"
    print(
        f"{label:<34} {took:>10} {requests:>5} req {size:>11}  {cpu:<18} budget {budget:<28} {mark}"
    )


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


#: Each phase's budget (issue 10): seconds, and the test of a median figure against it.
BUDGETS: dict[str, tuple[str, Any]] = {
    "push": ("≤ 0.4 s, ≤ 2 MB", lambda f: f.seconds <= 0.4 and f.wire <= 2_000_000),
    "pull": ("≤ 0.3 s, ≤ 1.5 MB", lambda f: f.seconds <= 0.3 and f.wire <= 1_500_000),
    "edits": ("≤ 15 ms, 1 request", lambda f: f.seconds <= 0.015 and f.requests == 1),
    "idle": ("≤ 5 ms, 1 request, ≤ 1 kB", lambda f: f.seconds <= 0.005 and f.wire <= 1000),
}
LABELS = {
    "push": "initial push of 10k (whole sync)",
    "pull": "initial pull of 10k, empty replica",
    "edits": "incremental push of 200 edits",
    "idle": "idle sync",
}


def edit_200(store: Store, ids: list[str], rng: random.Random) -> None:
    with store.transaction() as tx:
        for rid in rng.sample(ids, 200):
            tx.update(rid, {"progress": rng.randint(0, 100)})


class World:
    """A server (a real process behind the counting proxy) and its office's token."""

    def __init__(self, root: Path, name: str) -> None:
        self.db = root / f"{name}.db"
        admin(self.db, "office", "add", SCOPE, "--name", "Bắc Giang")
        self.token = admin(
            self.db, "token", "create", "--office", SCOPE, "--role", "office"
        ).split()[-1]
        self.server = start_server(self.db)
        self.port = int(httpx.URL(self.server.url).port or 0)
        self.proxy = CountingProxy(self.port)
        self.url = f"http://127.0.0.1:{self.proxy.port}"
        self.counter = Counter(self.proxy)

    def client(self, store: Store) -> SyncClient:
        return client_for(store, self.url, self.token, self.counter)

    def measure(self, loop: asyncio.AbstractEventLoop, client: SyncClient) -> Any:
        return measure(loop, client, self.counter, self.server.process.pid)


def one_run(
    loop: asyncio.AbstractEventLoop,
    world: World,
    template: Path,
    root: Path,
    n: int,
    figures: dict[str, Figure],
) -> None:
    """Every phase once against ``world``: push a copy of the filled store, pull it into an
    empty one, five rounds of 200 edits, then idle syncs."""
    a = Store.open(shutil.copytree(template, root / f"a{n}"))
    b = Store.create(root / f"b{n}", office=SCOPE, name="b")
    ca, cb = world.client(a), world.client(b)
    try:
        ids = [r.id for r in a.list("task")]
        figures["push"].add(world.measure(loop, ca))
        figures["pull"].add(world.measure(loop, cb))
        assert len(b.list("task")) == len(ids)
        rng = random.Random(5 + n)
        for _ in range(5):
            edit_200(a, ids, rng)
            figures["edits"].add(world.measure(loop, ca))
        for _ in range(5):  # b pulls the edits first
            world.measure(loop, cb)
        for _ in range(21):
            figures["idle"].add(world.measure(loop, ca))
    finally:
        for c in (ca, cb):
            loop.run_until_complete(c.aclose())
        for store in (a, b):
            store.close()


def profile(phase: str, template: Path, root: Path) -> None:
    """The top of a profile of ``phase``, both ends in this one process: the app over ASGI,
    its worker-thread calls run inline so that one profiler sees the server's work too."""
    import cProfile
    import pstats

    import server_stub.app as app_module
    from server_stub import auth
    from server_stub.app import create_app
    from server_stub.db import Database
    from server_stub.settings import ServerSettings

    async def inline(fn: Any, *args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    real = app_module.run_in_threadpool
    app_module.run_in_threadpool = inline
    loop = asyncio.new_event_loop()

    def inline_executor(_executor: Any, fn: Any, *args: Any) -> asyncio.Future[Any]:
        """The client's worker-thread work (the next batch, a page taken while the next
        is asked for) run inline too: the profiler sees only this thread."""
        done = loop.create_future()
        try:
            done.set_result(fn(*args))
        except Exception as exc:
            done.set_exception(exc)
        return done

    loop.run_in_executor = inline_executor  # type: ignore[method-assign]
    folder = root / f"profile-{phase}"
    folder.mkdir()
    db = Database(folder / "hq.db")
    try:
        auth.add_office(db, SCOPE, "Bắc Giang")
        token = auth.create_token(db, SCOPE, "office", "bench").token
        app = create_app(ServerSettings(db=db.location, rate=1e5, burst=100_000), db=db)
        transport = httpx.ASGITransport(app=app)
        a = Store.open(shutil.copytree(template, folder / "a"))
        b = Store.create(folder / "b", office=SCOPE, name="b")
        ca, cb = (
            SyncClient(s, server_url="http://bench", token=token, transport=transport)
            for s in (a, b)
        )
        ids = [r.id for r in a.list("task")]
        steps = {
            "push": [ca],
            "pull": [ca, cb],
            "edits": [ca, cb, None, ca],
            "idle": [ca, cb, ca, ca],
        }[phase]
        profiler = cProfile.Profile()
        for i, c in enumerate(steps):
            if c is None:
                edit_200(a, ids, random.Random(5))
                continue
            last = i == len(steps) - 1
            if last:
                profiler.enable()
            loop.run_until_complete(c.sync())
            if last:
                profiler.disable()
        print(f"\n--- profile of the {LABELS[phase]} (client and server in one process) ---")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(18)
        for c in (ca, cb):
            loop.run_until_complete(c.aclose())
        for store in (a, b):
            store.close()
    finally:
        app_module.run_in_threadpool = real
        db.close()
        loop.close()


def main() -> None:
    tune_collector()  # as the sotay entry point does (domain.runtime)
    parser = argparse.ArgumentParser(description="Sổ tay sync benchmark")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of every phase (median)")
    parser.add_argument("--offices", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5, help="syncs per simulated office")
    parser.add_argument("--no-profile", action="store_true", help="no profile of a miss")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sotay-bench-sync-"))
    loop = asyncio.new_event_loop()
    worlds: list[World] = []
    try:
        template = root / "template"
        with Store.create(template, office=SCOPE, name="a") as a:
            ids = fill(a, args.records)
            size = statistics.median(record_size(a, rid) for rid in ids[:200])
        print(
            f"Sổ tay sync benchmark — {args.records:,} tasks, median {size:.0f} B of JSON each;"
            f" medians of {args.runs} runs (cpu: client+server)\n"
        )
        figures = {phase: Figure() for phase in BUDGETS}
        for n in range(args.runs):
            if worlds:
                worlds.pop().server.stop()
            worlds.append(World(root, f"hq{n}"))
            one_run(loop, worlds[-1], template, root, n, figures)
        missed = []
        count = f"{args.records / 1000:g}k"
        for phase, (budget, ok) in BUDGETS.items():
            row(LABELS[phase].replace("10k", count), figures[phase], budget, ok(figures[phase]))
            if not ok(figures[phase]):
                missed.append(phase)
        if not args.no_profile:
            for phase in missed:
                profile(phase, template, root)
        offices_at_once(loop, worlds[-1], args.offices, args.rounds)
    finally:
        for world in worlds:
            world.server.stop()
        loop.close()
        shutil.rmtree(root, ignore_errors=True)


def offices_at_once(loop: asyncio.AbstractEventLoop, world: World, count: int, rounds: int) -> None:
    """200 simulated offices syncing at once: p50 / p99 latency."""
    scopes = [f"vn/o{n}" for n in range(count)]
    for scope in scopes:
        admin(world.db, "office", "add", scope, "--name", scope)
    tokens = [
        admin(world.db, "token", "create", "--office", scope, "--role", "office").split()[-1]
        for scope in scopes
    ]
    direct = f"http://127.0.0.1:{world.port}"  # no proxy threads in the way of 200 offices
    started = time.perf_counter()
    lat = sorted(offices(loop, direct, tokens, rounds))
    took = time.perf_counter() - started
    p50, p99 = lat[len(lat) // 2], lat[int(len(lat) * 0.99)]
    print(
        f"\n{count} offices at once, {rounds} syncs of 5 edits each: "
        f"{len(lat):,} syncs in {took:.1f} s ({len(lat) / took:.0f}/s), "
        f"latency p50 {p50 * 1e3:.0f} ms, p99 {p99 * 1e3:.0f} ms"
    )


if __name__ == "__main__":
    main()

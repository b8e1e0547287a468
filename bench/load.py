"""Load on a real server (issue 10).  Run: ``python bench/load.py`` (``--quick``: a smoke run)

A real ``sotay-server`` process on loopback, over SQLite with one worker and over PostgreSQL
(a fresh schema of ``SOTAY_TEST_PG``) with two, side by side, each with its default limits
and durability, and 500 offices in a province/commune hierarchy (``vn/tinh-NN`` and
``vn/tinh-NN/xa-MM``), one laptop and token each.  A sync is one ``/v1/sync`` request pushing 5
edits of the office's own tasks and pulling from its cursor, on a lean HTTP/1.1 client (no
replica store): one keep-alive connection per laptop (``Link``), in ``--generators`` (2)
processes, which keep their laptops from phase to phase and sync each once before measuring
(a first sync, with its initial pull, is not the steady state).

* **open loop**: every office syncs on its own clock, Poisson arrivals adding up to ``--rate``
  (200) syncs/s offered for ``--seconds`` (60), as timers do; a sync that comes due while the
  office's last one is still out starts when that one ends, and its latency counts from when it
  came due (one more than 10 s late after the end is not sent: an error).  Afterwards every
  acknowledged op is looked for on the server: the changes stored per replica, and each
  record's last acknowledged value in a pull as headquarters.  Budget p99 ≤ 150 ms, 0 errors,
  every acknowledged op there.  The generators' own figures (syncs offered, how late their
  timers fired, their CPU) say whether they kept up.
* **closed loop**: 100 and 500 offices syncing as fast as answers come: the saturation
  throughput and p50/p99 (medians of ``--runs`` runs).
* **feed size**: a new laptop's pull of its office (100 tasks, written by a colleague) with
  10,000 vs 1,000,000 other offices' changes in the feed, filled through the server's own push
  path (``Service.push``: every table it writes gets filled) before the server starts; the
  median of ``--pulls`` pulls each.  Budget: ratio ≤ 1.5.  A fill that cannot reach its size
  in ``--fill-seconds`` stops there and says so.

Also measured: one durable write transaction through the server's ``Database`` (writes are
serialised on both backends, the commit's flush included, so it caps the pushes per second).
A figure over its budget is printed with a profile hint: the server's CPU during the phase
and cProfile's heaviest functions of the same work in-process.  Not a timed test: the
figures depend on the machine and its load (the load average is printed with them).
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse
import asyncio
import contextlib
import cProfile
import io
import os
import pstats
import random
import statistics
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from bench.harness import EDITED_AT, add_offices, cpu_seconds, new_token, post, serve, wire_op
from domain.runtime import tune_collector
from server_stub import wire
from server_stub.auth import Principal
from server_stub.db import Database, now_iso
from server_stub.service import Service
from server_stub.settings import ServerSettings
from server_stub.wire import Change, OpIn
from tests.helpers.server import Databases, pg_url

P99_BUDGET = 0.150
RATIO_BUDGET = 1.5
WORKERS = {"sqlite": 1, "postgresql": 2}
NAMES = {"sqlite": "SQLite, 1 worker", "postgresql": "PostgreSQL, 2 workers"}
COMMUNES = 24  # per province: 20 provinces make 500 offices
EDITS = 5  # ops per sync
SLOTS = 10  # the tasks each laptop keeps editing
OWN = 100  # the pulling office's tasks in the feed
GRACE = 10.0  # open loop: a sync this late after the end is not sent (an error)
LAG_BUDGET = 0.010  # the generator keeps up: its timers fire this late at most (p99)
TIMEOUT = 30.0  # a request's (and a wait for a pooled connection's) longest


def hierarchy(count: int) -> list[tuple[str, str]]:
    """``count`` offices (scope, name): each province, then its communes."""
    out: list[tuple[str, str]] = []
    province = 0
    while len(out) < count:
        province += 1
        scope = f"vn/tinh-{province:02d}"
        out.append((scope, f"Tỉnh số {province:02d}"))
        out += [
            (f"{scope}/xa-{c:02d}", f"Xã số {c:02d}, tỉnh số {province:02d}")
            for c in range(1, COMMUNES + 1)
        ]
    return out[:count]


# ---------------------------------------------------------------------------
# One laptop, as the load sees it: its op numbers, cursor and versions (no replica store)
# ---------------------------------------------------------------------------
@dataclass
class Laptop:
    scope: str
    token: str
    replica_id: str
    seq: int = 0
    cursor: int = 0
    tag: str | None = None
    edits: int = 0
    #: Ops sent but not acknowledged (a failed sync sends them again, as the client does).
    pending: list[dict[str, Any]] = field(default_factory=list)
    #: Record id → its seq and its progress as last acknowledged.
    versions: dict[str, int] = field(default_factory=dict)
    values: dict[str, int] = field(default_factory=dict)
    acked: int = 0
    #: The laptop's own connection, as each office's machine has its own.
    link: Link | None = None

    def ops(self) -> list[dict[str, Any]]:
        """The next 5 edits: new tasks first, then progress on them, each on its last version."""
        while len(self.pending) < EDITS:
            slot, self.edits, self.seq = self.edits % SLOTS, self.edits + 1, self.seq + 1
            rid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.scope}|{self.replica_id}|{slot}"))
            base = self.versions.get(rid, 0)
            fields: dict[str, Any] = {"progress": self.edits % 101}
            if not base:
                fields |= {"title": f"Nhiệm vụ {slot + 1} ({self.scope})", "lead_unit_id": "u1"}
            self.pending.append(wire_op(self.seq, rid, self.scope, fields, base=base))
        return self.pending

    def held(self) -> dict[str, list[int | None]]:
        """Record id → the progress values the server may hold: the last acknowledged one
        (``None``: none yet, the record may not exist), then those of ops sent but never
        answered (a timeout: applied or not)."""
        out: dict[str, list[int | None]] = {rid: [v] for rid, v in self.values.items()}
        for op in self.pending:
            value = op["changes"]["progress"]["value"]
            out.setdefault(op["record_id"], [None]).append(value)
        return out

    def body(self, push: bool = True) -> dict[str, Any]:
        """A sync request: the pending edits (``push``) and a pull from the cursor."""
        body: dict[str, Any] = {"schema_version": 1, "replica_id": self.replica_id}
        body |= {"ops": self.ops() if push else [], "since": self.cursor}
        if self.tag is not None:
            body["since_tag"] = self.tag
        return body

    def took(self, answer: dict[str, Any]) -> str | None:
        """Take an answer; what was wrong with it, if anything."""
        results = {r["op_seq"]: r for r in answer["results"]}
        for op in self.pending:
            result = results.get(op["op_seq"])
            if result is None or result["status"] not in ("applied", "duplicate"):
                return f"op {result['status'] if result else 'unanswered'}"
            self.versions[op["record_id"]] = result["seq"]
            self.values[op["record_id"]] = op["changes"]["progress"]["value"]
        self.pending = []
        self.acked = answer["last_op_seq"]
        self.cursor, self.tag = answer["cursor"], answer["cursor_tag"]
        return None


class Refused(Exception):
    """An answer whose status is not 200."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Link:
    """One laptop's keep-alive HTTP/1.1 connection to ``/v1/sync``, on asyncio's streams.

    The generators share the 2 cores with the server, so what they spend per request is
    taken from it: httpx spent ~2 ms of CPU on each (and, with one pool of 250 connections,
    more as more were out at once: at 500 offices the generators took 1.2 cores and the
    server got 0.4), this ~0.5 ms with the JSON and the timers.  A connection idle for 4 s
    (uvicorn closes them at 5) is opened anew; one the server closed before answering is
    tried again once on a new one (a sync sent twice is answered as a duplicate)."""

    IDLE = 4.0

    def __init__(self, url: str, token: str) -> None:
        host, _, port = url.removeprefix("http://").rstrip("/").partition(":")
        self.host, self.port = host, int(port or 80)
        self.head = (
            f"POST /v1/sync HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\nContent-Length: "
        ).encode()
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.used = 0.0

    async def post(self, body: dict[str, Any]) -> dict[str, Any]:
        data = orjson.dumps(body)
        request = self.head + b"%d\r\n\r\n" % len(data) + data
        fresh = self.streams is None or time.monotonic() - self.used > self.IDLE
        try:
            try:
                exchange = self._exchange(request, fresh)
                status, answer = await asyncio.wait_for(exchange, TIMEOUT)
            except (asyncio.IncompleteReadError, ConnectionError):
                if fresh:
                    raise
                status, answer = await asyncio.wait_for(self._exchange(request, True), TIMEOUT)
        except BaseException:
            await self.close()  # in no known state: the next request opens a new one
            raise
        if status != 200:
            raise Refused(status)
        return dict(orjson.loads(answer))

    async def _exchange(self, request: bytes, fresh: bool) -> tuple[int, bytes]:
        if fresh or self.streams is None:
            await self.close()
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lines = head.decode("latin-1").lower().split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        answer = await reader.readexactly(int(headers.get("content-length", "0")))
        self.used = time.monotonic()
        if headers.get("connection") == "close":
            await self.close()
        return status, answer

    async def close(self) -> None:
        if self.streams is not None:
            writer = self.streams[1]
            self.streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def sync(laptop: Laptop, errors: Counter[str]) -> bool:
    """One sync: push and pull in one request (and the next pages, should there be more)."""
    problem: str | None = None
    assert laptop.link is not None
    try:
        push = True
        while problem is None:
            answer = await laptop.link.post(laptop.body(push))
            problem = laptop.took(answer)
            if not answer["has_more"]:
                break
            push = False
    except Refused as exc:
        problem = f"HTTP {exc.status}"
    except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
        problem = type(exc).__name__
    if problem is not None:
        errors[problem] += 1
    return problem is None


# ---------------------------------------------------------------------------
# The load generator (a process of its own): open or closed loop over its laptops
# ---------------------------------------------------------------------------
@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)  # the timers' lateness (open loop)
    arrivals: int = 0  # syncs due in the measured window (open loop)
    done: int = 0  # syncs answered in the measured window
    total: int = 0  # syncs answered in the whole run (warm-up and drain too)
    errors: Counter[str] = field(default_factory=Counter)


async def open_laptop(
    laptop: Laptop,
    rate: float,
    window: tuple[float, float, float],
    rng: random.Random,
    tally: Tally,
) -> None:
    start, begin, stop = window
    due = start + rng.expovariate(rate)
    while due < stop:
        wait = due - time.monotonic()
        measured = due >= begin
        if wait > 0:
            await asyncio.sleep(wait)
            if measured:  # the generator's own lateness (not a sync that came due while
                tally.lags.append(time.monotonic() - due)  # the last one was still out)
        tally.arrivals += measured
        if time.monotonic() > stop + GRACE:  # so far behind that the run would never end
            tally.errors[f"not sent, over {GRACE:.0f} s late"] += 1
            due += rng.expovariate(rate)
            continue
        ok = await sync(laptop, tally.errors)
        end = time.monotonic()
        if ok and measured:
            tally.latencies.append(end - due)
        tally.done += ok and begin <= end < stop
        tally.total += ok
        due += rng.expovariate(rate)


async def closed_laptop(laptop: Laptop, window: tuple[float, float, float], tally: Tally) -> None:
    _start, begin, stop = window
    while (started := time.monotonic()) < stop:
        ok = await sync(laptop, tally.errors)
        end = time.monotonic()
        if ok and started >= begin:
            tally.latencies.append(end - started)
        tally.done += ok and begin <= end < stop
        tally.total += ok
        if not ok:
            await asyncio.sleep(0.1)  # a refused sync is not retried in a hot loop


def generator() -> None:
    """A load-generator process.  Reads its laptops (one JSON line), syncs each once (their
    first, initial syncs are not what is measured), says ``ready``; then each command line
    (the laptops to run, the mode, the window) is run and answered with one JSON line, until
    the input ends."""
    spec = orjson.loads(sys.stdin.readline())
    tune_collector()
    laptops = {n: Laptop(scope, token, f"load-{n}") for n, (scope, token) in spec["offices"]}

    async def session() -> None:
        for lap in laptops.values():
            lap.link = Link(spec["url"], lap.token)
        try:
            first = Counter[str]()
            await asyncio.gather(*(first_sync(lap, first) for lap in laptops.values()))
            _answer({"errors": first})
            while line := await asyncio.to_thread(sys.stdin.readline):
                command = orjson.loads(line)
                mine = [laptops[n] for n in command["laptops"] if n in laptops]
                tally, cpu = Tally(), time.process_time()
                await run(mine, command, tally)
                out = {
                    k: getattr(tally, k) for k in ("latencies", "lags", "arrivals", "done", "total")
                }
                out |= {"errors": tally.errors, "cpu": time.process_time() - cpu}
                out["acked"] = {lap.replica_id: [lap.scope, lap.acked] for lap in mine}
                out["values"] = {rid: v for lap in mine for rid, v in lap.held().items()}
                _answer(out)
        finally:
            for lap in laptops.values():
                if lap.link is not None:
                    await lap.link.close()

    asyncio.run(session())


async def first_sync(laptop: Laptop, errors: Counter[str]) -> None:
    """A laptop's first sync, sent again after a 429 as the client does.  On loopback every
    office has one address, and a token the server does not know yet is charged to its
    address: 500 offices' first requests at once overdraw it (each worker's once)."""
    for _attempt in range(30):
        refused = Counter[str]()
        if await sync(laptop, refused) or "HTTP 429" not in refused:
            errors.update(refused)
            return
        await asyncio.sleep(random.uniform(0.5, 1.5))
    errors.update(refused)


def _answer(out: dict[str, Any]) -> None:
    sys.stdout.write(orjson.dumps(out).decode() + "\n")
    sys.stdout.flush()


async def run(laptops: list[Laptop], command: dict[str, Any], tally: Tally) -> None:
    start = command["start"]
    window = (start, start + command["warmup"], start + command["warmup"] + command["seconds"])
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    if command["mode"] == "open":
        rng = random.Random(command["seed"])
        rate = command["office_rate"]
        await asyncio.gather(*(open_laptop(lap, rate, window, rng, tally) for lap in laptops))
    else:
        await asyncio.gather(*(closed_laptop(lap, window, tally) for lap in laptops))


@dataclass
class Load:
    """A run's merged outcome."""

    seconds: float  # measured
    wall: float  # the whole run, warm-up and drain included
    tally: Tally
    cpu: float  # the generators' CPU seconds
    server_cpu: float  # the server's CPU seconds (its workers included)
    acked: dict[str, list[Any]]
    values: dict[str, list[int | None]]  # record id → progress acknowledged, then unanswered

    def server_share(self) -> str:
        """The server's CPU: its share of a core, and per sync answered."""
        each = self.server_cpu / max(1, self.tally.total)
        return f"{self.server_cpu / self.wall:.0%} of a core, {ms(each)} per sync"

    def pct(self, q: float) -> float:
        ordered = sorted(self.tally.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class Generators:
    """``parts`` load-generator processes sharing the laptops of ``offices`` (scope, token)
    between them, each laptop synced once when they start."""

    def __init__(self, url: str, server_pid: int, offices: list[tuple[str, str]], parts: int):
        self.server_pid = server_pid
        self.procs: list[subprocess.Popen[str]] = []
        numbered = list(enumerate(offices))
        started = time.monotonic()
        for part in range(max(1, parts)):
            proc = subprocess.Popen(
                [sys.executable, __file__, "--generator"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            self.procs.append(proc)
            self._send(proc, {"url": url, "offices": numbered[part :: max(1, parts)]})
        self.first = Counter[str]()
        for out in self._answers():
            self.first.update(out["errors"])
        self.warmup = time.monotonic() - started

    @staticmethod
    def _send(proc: subprocess.Popen[str], data: dict[str, Any]) -> None:
        assert proc.stdin is not None
        proc.stdin.write(orjson.dumps(data).decode() + "\n")
        proc.stdin.flush()

    def _answers(self) -> list[dict[str, Any]]:
        outs = []
        for proc in self.procs:
            assert proc.stdout is not None
            outs.append(orjson.loads(proc.stdout.readline()))
        return outs

    def run(self, laptops: list[int], **command: Any) -> Load:
        """One run of ``laptops`` (their numbers): ``mode`` open or closed, ``warmup`` and
        ``seconds`` measured (``office_rate`` syncs/s each in the open loop)."""
        start = time.monotonic() + 0.3
        cpu = cpu_seconds(self.server_pid)
        for part, proc in enumerate(self.procs):
            self._send(proc, {**command, "laptops": laptops, "start": start, "seed": part})
        outs = self._answers()
        server_cpu = cpu_seconds(self.server_pid) - cpu
        tally = Tally()
        for out in outs:
            tally.latencies += out["latencies"]
            tally.lags += out["lags"]
            tally.arrivals += out["arrivals"]
            tally.done += out["done"]
            tally.total += out["total"]
            tally.errors.update(out["errors"])
        acked = {k: v for out in outs for k, v in out["acked"].items()}
        values = {k: v for out in outs for k, v in out["values"].items()}
        cpu_total = sum(out["cpu"] for out in outs)
        wall = time.monotonic() - start
        return Load(command["seconds"], wall, tally, cpu_total, server_cpu, acked, values)

    def close(self) -> None:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.close()
        for proc in self.procs:
            proc.wait(60)
            if proc.stdout is not None:
                proc.stdout.close()


# ---------------------------------------------------------------------------
# The server's side: the offices, the phases, the checks
# ---------------------------------------------------------------------------
@dataclass
class World:
    location: Path | str
    offices: list[tuple[str, str]]  # (scope, token), in hierarchy order
    hq: str


def unhurried(location: Path | str) -> Database:
    """The database for setting up and filling, whose durability is not what is measured:
    commits not flushed at once (SQLite ``NORMAL``; PostgreSQL ``synchronous_commit=off``
    for this connection alone, added to the search path's ``options``, see ``pg_in_schema``).
    """
    if isinstance(location, str):
        return Database(location + "%20-csynchronous_commit%3Doff", pool_size=2)
    return Database(location, synchronous="NORMAL")


def make_world(dbs: Databases, count: int) -> World:
    location = dbs.new("load")
    db = unhurried(location)
    try:
        add_offices(db, [("vn", "Ban Chỉ đạo Trung ương"), *hierarchy(count)])
        offices = [(scope, new_token(db, scope)) for scope, _name in hierarchy(count)]
        hq = new_token(db, "vn", "hq")
    finally:
        db.close()
    return World(location, offices, hq)


async def pull_everything(
    client: httpx.AsyncClient, token: str, replica_id: str
) -> list[dict[str, Any]]:
    """Every record ``token`` may read, page by page from the start of the feed."""
    records: list[dict[str, Any]] = []
    cursor = 0
    while True:
        body = {"schema_version": 1, "replica_id": replica_id, "ops": [], "since": cursor}
        page = await post(client, token, body)
        records += page["records"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return records


async def pull_as_hq(url: str, token: str) -> dict[str, dict[str, Any]]:
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        return {r["id"]: r["fields"] for r in await pull_everything(client, token, "check")}


def verify(world: World, url: str, load: Load) -> tuple[int, int, int, int]:
    """(ops acknowledged, of them stored in the server's history, records whose last
    acknowledged value a pull as headquarters does not show, of the others those showing
    the value of a later sync that was never answered)."""
    db = Database(world.location, pool_size=1)
    try:
        with db.read() as r:
            rows = r.conn.execute(
                "SELECT office, replica_id, COUNT(*) FROM changes WHERE replica_id LIKE ? "
                "GROUP BY office, replica_id",
                ("load-%",),
            ).fetchall()
    finally:
        db.close()
    stored = {(office, replica): count for office, replica, count in rows}
    acked = sum(last for _scope, last in load.acked.values())
    found = sum(
        min(last, stored.get((scope, replica), 0)) for replica, (scope, last) in load.acked.items()
    )
    held = {rid: f.get("progress") for rid, f in asyncio.run(pull_as_hq(url, world.hq)).items()}
    wrong = sum(1 for rid, values in load.values.items() if held.get(rid) not in values)
    late = sum(1 for rid, v in load.values.items() if held.get(rid) in v[1:] and v[0] is not None)
    return acked, found, wrong, late


def profile(work: Callable[[], object], top: int = 6) -> list[str]:
    """cProfile's heaviest functions (own time) of ``work``, one line each."""
    prof = cProfile.Profile()
    prof.enable()
    work()
    prof.disable()
    stats = pstats.Stats(prof, stream=io.StringIO()).stats  # type: ignore[attr-defined]
    rows = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    return [
        f"{tt * 1e3:9.1f} ms own {ct * 1e3:9.1f} ms cum  {Path(where).name}:{line} {name}"
        for (where, line, name), (_cc, _nc, tt, ct, _callers) in rows
    ]


def profile_syncs(
    location: Path | str, offices: list[tuple[str, str]], seconds: float
) -> list[str]:
    """Syncs of ``offices`` in turn for ``seconds`` (after a first one each), in this process
    straight through the service: no HTTP, one thread, what one worker spends on each."""
    db = Database(location, pool_size=1)
    service = Service(db, ServerSettings(db=location))
    laptops = [Laptop(scope, token, f"profile-{n}") for n, (scope, token) in enumerate(offices)]

    def one(laptop: Laptop) -> None:
        who = service.principal(f"Bearer {laptop.token}")
        batch = wire.parse(orjson.dumps(laptop.body()), sync=True)
        laptop.took(orjson.loads(service.sync_json(who, batch)))

    done = 0

    def work() -> None:
        nonlocal done
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            one(laptops[done % len(laptops)])
            done += 1

    try:
        for laptop in laptops:
            one(laptop)
        wall, cpu = time.perf_counter(), time.process_time()
        lines = profile(work)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        db.close()
    each = f"{ms(wall / max(1, done))} each, {ms(cpu / max(1, done))} of it CPU"
    return [f"{done} syncs in-process under cProfile, {each}:", *lines]


Figures = dict[str, tuple[str, bool | None]]  # key → (text, within budget?)


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def open_loop(
    world: World, gens: Generators, url: str, args: argparse.Namespace, out: Figures
) -> None:
    load = gens.run(
        list(range(len(world.offices))),
        mode="open",
        seconds=args.seconds,
        warmup=args.warmup,
        office_rate=args.rate / len(world.offices),
    )
    t = load.tally
    lags = sorted(t.lags) or [0.0]
    acked, found, wrong, late = verify(world, url, load)
    errors = sum(t.errors.values())
    p99 = load.pct(0.99)
    out["open_rate"] = (f"{t.arrivals / load.seconds:.1f} / {t.done / load.seconds:.1f}", None)
    out["open_p50"] = (ms(load.pct(0.50)), None)
    out["open_p99"] = (ms(p99), p99 <= P99_BUDGET)
    detail = ", ".join(f"{n} {kind}" for kind, n in t.errors.most_common(3))
    out["open_errors"] = (f"{errors}" + (f" ({detail})" if detail else ""), errors == 0)
    unanswered = f" ({late} records show an unanswered sync's value)" if late else ""
    out["open_acked"] = (
        f"{found:,} of {acked:,}, {wrong} values wrong{unanswered}",
        found == acked > 0 and wrong == 0,
    )
    lag99 = lags[int(0.99 * (len(lags) - 1))]
    gen = load.cpu / load.wall
    offered = t.arrivals / load.seconds
    keeps_up = offered >= 0.95 * args.rate and lag99 <= LAG_BUDGET
    out["open_generator"] = (f"timers late p99 {ms(lag99)}, CPU {gen:.0%} of a core", keeps_up)
    out["open_server"] = (load.server_share(), None)
    print(
        f"  open loop: {t.arrivals / load.seconds:.1f} syncs/s offered, "
        f"{t.done / load.seconds:.1f} answered, p50 {ms(load.pct(0.5))}, p99 {ms(p99)}, "
        f"errors {errors}; ops acknowledged {acked:,}, found {found:,}, values wrong {wrong}"
        f" ({late} unanswered); "
        f"generators {gen:.0%} CPU, lag p99 {ms(lag99)}; server {out['open_server'][0]}",
        flush=True,
    )
    if p99 > P99_BUDGET or errors:
        out["open_profile"] = (
            "\n".join(profile_syncs(world.location, world.offices[:50], 3)),
            None,
        )


def closed_loop(world: World, gens: Generators, args: argparse.Namespace, out: Figures) -> None:
    for count in args.closed:
        step = len(world.offices) / count
        chosen = [int(i * step) for i in range(min(count, len(world.offices)))]
        runs = [
            gens.run(chosen, mode="closed", seconds=args.closed_seconds, warmup=args.closed_warmup)
            for _run in range(args.runs)
        ]
        for run, load in enumerate(runs, 1):
            print(
                f"  closed loop, {count} offices, run {run}: "
                f"{load.tally.done / load.seconds:.1f} syncs/s, p50 {ms(load.pct(0.5))}, "
                f"p99 {ms(load.pct(0.99))}, errors {sum(load.tally.errors.values())}, "
                f"server {load.server_share()}, generators {load.cpu / load.wall:.0%}",
                flush=True,
            )
        rate = statistics.median(r.tally.done / r.seconds for r in runs)
        p50 = statistics.median(r.pct(0.5) for r in runs)
        p99 = statistics.median(r.pct(0.99) for r in runs)
        errors = sum(sum(r.tally.errors.values()) for r in runs)
        out[f"closed_{count}"] = (
            f"{rate:.0f}/s, p50 {ms(p50)}, p99 {ms(p99)}"
            + (f", {errors} errors" if errors else ""),
            None,
        )


def push_new(
    service: Service, scope: str, replica: str, seqs: Counter[tuple[str, str]], count: int
) -> None:
    """``count`` new tasks of ``scope`` pushed by ``replica``, through the server's push."""
    who = Principal("fill", scope, "office", "bench")
    first = seqs[replica, scope] + 1
    seqs[replica, scope] += count
    ops = []
    for seq in range(first, first + count):
        rid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{scope}|{replica}|{seq}"))
        changes = {
            "title": Change(f"Nhiệm vụ số {seq} ({scope})"),
            "lead_unit_id": Change("u1"),
            "progress": Change(seq % 101),
        }
        ops.append(OpIn(seq, rid, "task", scope, EDITED_AT, changes, 0, "bench"))
    results = service.push(who, replica, ops).results
    if any(r["status"] != "applied" for r in results):
        raise RuntimeError(f"fill: {next(r for r in results if r['status'] != 'applied')}")


def fill(service: Service, puller: str, others: list[str], size: int, seconds: float) -> int:
    """``size`` new tasks of the ``others`` offices in turn and, spread among them, the
    puller's ``OWN`` tasks (a colleague's); stopped after ``seconds``.  The others' count."""
    started = time.monotonic()
    seqs: Counter[tuple[str, str]] = Counter()
    done = own = turn = 0
    while done < size and time.monotonic() - started < seconds:
        count = min(2_500, size - done)
        push_new(service, others[turn % len(others)], "fill", seqs, count)
        done, turn = done + count, turn + 1
        due = min(OWN, done * OWN // size) - own
        if due > 0:
            push_new(service, puller, "colleague", seqs, due)
            own += due
    if own < OWN:
        push_new(service, puller, "colleague", seqs, OWN - own)
    return done


def feed_world(dbs: Databases, args: argparse.Namespace, size: int) -> tuple[Path | str, str, int]:
    """A database of the offices and a feed of ``size`` others' changes: (it, the puller's
    token, the changes actually filled)."""
    location = dbs.new(f"feed{size}")
    offices = [scope for scope, _name in hierarchy(args.offices)]
    puller = offices[min(len(offices) - 1, len(offices) // 2 + 1)]
    db = unhurried(location)
    try:
        add_offices(db, [("vn", "Ban Chỉ đạo Trung ương"), *hierarchy(args.offices)])
        token = new_token(db, puller)
        service = Service(db, ServerSettings(db=location, push_chunk_ops=5_000))
        others = [scope for scope in offices if scope != puller]
        filled = fill(service, puller, others, size, args.fill_seconds)
    finally:
        db.close()
    return location, token, filled


async def timed_pulls(url: str, token: str, count: int) -> tuple[list[float], int]:
    """``count`` pulls of everything by a new laptop (after 3 to warm up): their times and
    how many records the last one got."""
    times: list[float] = []
    got = 0
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        for n in range(count + 3):
            started = time.perf_counter()
            got = len(await pull_everything(client, token, "new-laptop"))
            if n >= 3:
                times.append(time.perf_counter() - started)
    return times, got


def feed_size(dbs: Databases, backend: str, args: argparse.Namespace, out: Figures) -> None:
    pulls: list[tuple[int, float]] = []
    for size in args.feed:
        started = time.monotonic()
        location, token, filled = feed_world(dbs, args, size)
        took = time.monotonic() - started
        server = serve(location, workers=WORKERS[backend])
        try:
            times, got = asyncio.run(timed_pulls(server.url, token, args.pulls))
        finally:
            server.stop()
        median = statistics.median(times)
        pulls.append((filled, median))
        cut = f" (stopped by --fill-seconds at {filled:,} of {size:,})" if filled < size else ""
        print(
            f"  feed: {filled:,} other offices' changes filled in {took:.0f} s{cut}; a new "
            f"laptop's pull of its office, {got} tasks: median {ms(median)} of {len(times)}",
            flush=True,
        )
        if got != OWN:
            out["feed_wrong"] = (f"the pull got {got} tasks, not {OWN}", False)
        if size == args.feed[-1] and len(args.feed) > 1:
            ratio = median / pulls[0][1]
            out["feed_small"] = (f"{ms(pulls[0][1])} ({pulls[0][0]:,} changes)", None)
            out["feed_large"] = (f"{ms(median)} ({filled:,} changes)", None)
            out["feed_ratio"] = (f"{ratio:.2f}", ratio <= RATIO_BUDGET)
            if ratio > RATIO_BUDGET:
                out["feed_profile"] = ("\n".join(profile_pull(location, token)), None)
        if isinstance(location, Path):  # a large SQLite file: gone as soon as measured
            for part in location.parent.glob(f"{location.name}*"):
                part.unlink()


def profile_pull(location: Path | str, token: str) -> list[str]:
    db = Database(location, pool_size=1)
    try:
        service = Service(db, ServerSettings(db=location))
        who = service.principal(f"Bearer {token}")
        lines = profile(lambda: [service.pull_json(who, 0, None, "new-laptop") for _ in range(5)])
    finally:
        db.close()
    return ["5 pulls in-process (Service.pull_json) under cProfile:", *lines]


def write_probe(location: Path | str, count: int = 20) -> float:
    """The median time of one durable write transaction through the server's own
    ``Database.write`` (as each push commits).  Writes are serialised on both backends, the
    commit's flush included, so its inverse caps the pushes a server applies per second."""
    db = Database(location, pool_size=1)
    times = []
    try:
        for n in range(count):
            started = time.perf_counter()
            with db.write() as w:
                w.touch_replicas([("vn", f"probe-{n}", now_iso())])
            times.append(time.perf_counter() - started)
    finally:
        db.close()
    return statistics.median(times)


def run_backend(backend: str, folder: Path, args: argparse.Namespace) -> Figures:
    out: Figures = {}
    dbs = Databases(backend, folder)
    load, phases = os.getloadavg()[0], args.phases
    print(f"{NAMES[backend]} (load average {load:.1f})", flush=True)
    try:
        if {"open", "closed"} & phases:
            world = make_world(dbs, args.offices)
            server = serve(world.location, workers=WORKERS[backend])
            try:
                pid = server.process.pid
                gens = Generators(server.url, pid, world.offices, args.generators)
                kinds = ", ".join(f"{n} {kind}" for kind, n in gens.first.most_common(3))
                print(f"  every laptop's first sync: {gens.warmup:.0f} s, errors: {kinds or 0}")
                try:
                    if "open" in phases:
                        open_loop(world, gens, server.url, args, out)
                    if "closed" in phases:
                        closed_loop(world, gens, args, out)
                finally:
                    gens.close()
            finally:
                server.stop()
            commit = write_probe(world.location)
            out["commit"] = (f"{ms(commit)}: ≤ {1 / commit:.0f} pushes/s", None)
            print(f"  one durable write transaction: {ms(commit)}", flush=True)
        if "feed" in phases:
            feed_size(dbs, backend, args, out)
    finally:
        dbs.drop()
    return out


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------
def rows(args: argparse.Namespace) -> list[tuple[str, str, str]]:
    """(key, figure, budget) in the order printed."""
    return [
        ("open_rate", "open loop: syncs/s offered / answered", f"{args.rate:.0f} offered"),
        ("open_p50", "open loop: p50", ""),
        ("open_p99", "open loop: p99", f"≤ {ms(P99_BUDGET)}"),
        ("open_errors", "open loop: errors", "0"),
        ("open_acked", "open loop: acknowledged ops on the server", "all"),
        (
            "open_generator",
            "open loop: load generator",
            f"≥ 95 % offered, late ≤ {ms(LAG_BUDGET)}",
        ),
        ("open_server", "open loop: server CPU", ""),
        *[(f"closed_{n}", f"closed loop, {n} offices (median)", "reported") for n in args.closed],
        (
            "commit",
            "one durable write transaction (a push's)",
            f"≤ {ms(1 / args.rate)} for {args.rate:.0f}/s",
        ),
        ("feed_small", "feed: new laptop's pull, small feed", ""),
        ("feed_large", "feed: new laptop's pull, large feed", ""),
        ("feed_ratio", "feed: large ÷ small", f"≤ {RATIO_BUDGET}"),
        ("feed_wrong", "feed: records pulled", f"{OWN}"),
    ]


def table(results: dict[str, Figures], args: argparse.Namespace) -> bool:
    """Print every figure beside its budget; False when one is over it."""
    backends = list(results)

    def cell(figures: Figures, key: str) -> str:
        text, ok = figures.get(key, ("-", None))
        return text + ("" if ok is None else "  ok" if ok else "  OVER")

    lines = [["figure", *(NAMES[b] for b in backends), "budget"]]
    for key, label, budget in rows(args):
        if any(key in results[b] for b in backends):
            lines.append([label, *(cell(results[b], key) for b in backends), budget])
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    print()
    for line in lines:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    for backend in backends:
        for key in ("open_profile", "feed_profile"):
            if key in results[backend]:
                print(f"\n{NAMES[backend]}, profile hint ({key.split('_')[0]}):")
                print(results[backend][key][0])
    return all(ok is not False for figures in results.values() for _t, ok in figures.values())


def counts(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description="Sổ tay load benchmark: open loop, closed loop and feed size against a real "
        "sotay-server, SQLite (1 worker) and PostgreSQL (2 workers) side by side"
    )
    p.add_argument("--quick", action="store_true", help="a short run (under 2 minutes)")
    p.add_argument("--offices", type=int, default=500, help="offices (provinces of 24 communes)")
    p.add_argument("--rate", type=float, default=200.0, help="open loop: syncs/s offered")
    p.add_argument("--seconds", type=float, default=60.0, help="open loop: seconds measured")
    p.add_argument("--warmup", type=float, default=5.0, help="open loop: seconds before")
    p.add_argument("--closed", type=counts, default=[100, 500], help="closed loop: offices")
    p.add_argument("--closed-seconds", type=float, default=5.0, help="closed loop: per run")
    p.add_argument("--closed-warmup", type=float, default=2.0, help="closed loop: before each")
    p.add_argument("--runs", type=int, default=3, help="closed loop: runs per office count")
    p.add_argument("--feed", type=counts, default=[10_000, 1_000_000], help="feed sizes")
    p.add_argument("--fill-seconds", type=float, default=80.0, help="feed: most time to fill")
    p.add_argument("--pulls", type=int, default=20, help="feed: pulls measured per size")
    p.add_argument("--generators", type=int, default=2, help="load-generator processes")
    p.add_argument("--backends", default="sqlite,postgresql", help="sqlite, postgresql or both")
    p.add_argument("--phases", default="open,closed,feed", help="which phases to run")
    p.add_argument("--generator", action="store_true", help=argparse.SUPPRESS)
    return p


#: ``--quick``: a smoke run of every phase, 100 offices at the same rate per office.
QUICK = {
    "offices": 100,
    "rate": 40.0,
    "seconds": 5.0,
    "warmup": 1.0,
    "closed": [50, 100],
    "closed_seconds": 2.0,
    "closed_warmup": 1.0,
    "runs": 1,
    "feed": [10_000, 30_000],
    "fill_seconds": 10.0,
    "pulls": 20,
}


def pg_reachable() -> bool:
    import psycopg

    try:
        psycopg.connect(pg_url(), connect_timeout=3).close()
    except psycopg.Error as exc:
        print(f"PostgreSQL skipped: none at SOTAY_TEST_PG={pg_url()} ({exc})".strip())
        return False
    return True


def main() -> int:
    p = parser()
    args = p.parse_args()
    if args.generator:
        generator()
        return 0
    if args.quick:
        p.set_defaults(**QUICK)
        args = p.parse_args()
    args.phases = set(args.phases.split(","))
    tune_collector()
    print(
        f"Sổ tay load: {args.offices} offices, {os.cpu_count()} CPUs, "
        f"{args.generators} load-generator process(es)",
        flush=True,
    )
    results: dict[str, Figures] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sotay-bench-load-") as tmp:
        for backend in args.backends.split(","):
            if backend == "postgresql" and not pg_reachable():
                continue
            results[backend] = run_backend(backend, Path(tmp), args)
    ok = table(results, args)
    print(f"\n{time.monotonic() - started:.0f} s in all")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

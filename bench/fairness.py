"""Fair share under a flood (issue 13, F3).  Run: ``python bench/fairness.py``

A real ``sotay-server`` (uvicorn) process on loopback with its default limits.  "Another
office" — Hà Nội, 16 laptops, each with its own token, syncing back to back, each sync
pushing 5 edits and pulling what is new — is measured for ``--seconds`` alone, then again
while one office (Bắc Giang, one token) floods the service, after ``--flood-warmup`` seconds
of flood (the flooder's saved-up burst is spent by then: the figure is the sustained share).
On loopback the clients share the machine with the server, which they would not in real
life: so the server gets CPU 0 to itself and the clients the other CPUs (``--no-pin`` turns
this off), and the flood runs in its own process, at the lowest priority, on raw sockets
with ready-made requests, so that the clients' side is not what limits the other office.
The flood comes in three shapes, each on
``--flooders`` connections that never wait (a 429's Retry-After is ignored, the next request
goes out at once):

* ``push``: pushes of 2,500 new task records each (the F3 finding: ~130,000 records);
* ``pull``: full pulls from the start of the feed (``since=0``, 5,000 records a page);
* ``junk``: pushes of 2 MB bodies under a fresh random token each (never valid).

Each shape is measured in ``--rounds`` pairs (alone, then flooded, so the drift of the
machine's other load hits both alike).  Printed: the other office's syncs/s alone and under
the flood, latency, the server's CPU, the reduction and its median, and the stated budget
beside it (ServerSettings: "one office flooding cannot reduce another
office's sync throughput by more than 40 %"), and how much of the flood the server served.
``--server-root DIR`` runs the server of another checkout (e.g. one before the limits) for a
comparison.  Not a timed test: figures depend on the machine and its load.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse
import asyncio
import contextlib
import os
import secrets
import statistics
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from bench.harness import cpu_seconds, serve, wire_op

BUDGET = 0.40  # the share stated in server_stub/settings.py
VICTIM = "vn/ha-noi"
FLOODER = "vn/bac-giang"


def admin(root: Path, db: Path, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "server_stub.cli", "--db", str(db), *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    ).stdout


def task_op(seq: int, rid: str, scope: str, n: int) -> dict[str, Any]:
    fields = {
        "title": f"Nhiệm vụ chuyển đổi số số {n}",
        "lead_unit_id": "u1",
        "notes": ("Sở TT&TT chủ trì, phối hợp các sở, ngành. " * 8).strip(),
    }
    return wire_op(seq, rid, scope, fields)


@dataclass
class Count:
    syncs: int = 0
    ops: int = 0
    latencies: list[float] = field(default_factory=list)


async def laptop(url: str, token: str, n: int, stop: float, count: Count) -> None:
    """One replica of the other office: sync back to back until ``stop``."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    replica, seq, cursor = str(uuid.uuid4()), 0, 0
    rid = str(uuid.uuid4())
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as http:
        while time.monotonic() < stop:
            ops = []
            for _ in range(5):
                seq += 1
                ops.append(task_op(seq, rid, VICTIM, seq))
            started = time.monotonic()
            response = await http.post(
                "/v1/sync",
                content=orjson.dumps(
                    {"schema_version": 1, "replica_id": replica, "ops": ops, "since": cursor}
                ),
            )
            if response.status_code == 429:  # its own budget: honour it, like the client
                seq -= 5
                await asyncio.sleep(float(response.headers.get("retry-after", "1")))
                continue
            response.raise_for_status()
            answer = response.json()
            assert {r["status"] for r in answer["results"]} == {"applied"}, answer["results"][0]
            cursor = answer["cursor"]
            count.syncs += 1
            count.ops += len(ops)
            count.latencies.append(time.monotonic() - started)


@dataclass
class Flood:
    sent: int = 0
    accepted: int = 0
    ops_accepted: int = 0
    received: int = 0  # bytes of the answers it was served


def push_bodies(count: int) -> list[bytes]:
    bodies = []
    for b in range(count):
        replica = f"flood-{b}-{uuid.uuid4()}"
        ops = [task_op(i + 1, str(uuid.uuid4()), FLOODER, b * 2500 + i) for i in range(2500)]
        bodies.append(orjson.dumps({"schema_version": 1, "replica_id": replica, "ops": ops}))
    return bodies


def _request(host: str, path: str, token: str, content: bytes) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(content)}\r\n\r\n"
    ).encode() + content


async def flooder(
    url: str,
    token: str,
    shape: str,
    stop: float,
    bodies: list[bytes],
    flood: Flood,
    lane: int,
    lanes: int,
) -> None:
    """One connection of the flood, on raw sockets with ready-made requests (so the flooder
    spends next to no CPU of its own on loopback): send, read the status, send again."""
    host = url.split("//", 1)[1]
    address, port = host.rsplit(":", 1)
    pull = orjson.dumps(
        {
            "schema_version": 1,
            "replica_id": f"p{lane}",
            "ops": [],
            "since": 0,
            "limit": 5000,
            "include_own": True,
        }
    )
    next_body = lane
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while time.monotonic() < stop:
        if shape == "pull":
            request, ops = _request(host, "/v1/sync", token, pull), 0
        else:
            content = bodies[next_body % len(bodies)]
            junk = f"st_{secrets.token_urlsafe(32)}" if shape == "junk" else token
            request, ops = _request(host, "/v1/push", junk, content), 2500
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(address, int(port))
            assert reader is not None
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            close = False
            for line in head.lower().split(b"\r\n"):
                if line.startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                elif line.startswith(b"connection:") and b"close" in line:
                    close = True
            answer = await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            status, close = 0, True
        flood.sent += 1
        if status == 200:
            flood.accepted += 1
            flood.ops_accepted += ops
            flood.received += len(answer)
            next_body += lanes  # the next fresh batch; a refused one is sent again
        if close and writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            reader = writer = None
    if writer is not None:
        writer.close()


def flood_worker(
    url: str, token: str, shape: str, warmup: float, seconds: float, lanes: int
) -> None:
    """The flooding office, in its own process: prints what it sent and what was served
    during the measured window, as one JSON line."""
    with contextlib.suppress(OSError):
        os.nice(19)  # the clients' CPU is the other office's first: the flood gets the rest
    bodies = push_bodies(24) if shape != "pull" else []
    sys.stdout.write("ready\n")
    sys.stdout.flush()

    async def run() -> Flood:
        warm, flood = Flood(), Flood()
        stop = time.monotonic() + warmup
        await asyncio.gather(
            *(flooder(url, token, shape, stop, bodies, warm, lane, lanes) for lane in range(lanes))
        )
        sys.stdout.write("measuring\n")
        sys.stdout.flush()
        stop = time.monotonic() + seconds
        await asyncio.gather(
            *(flooder(url, token, shape, stop, bodies, flood, lane, lanes) for lane in range(lanes))
        )
        return flood

    flood = asyncio.run(run())
    sys.stdout.write(orjson.dumps(flood.__dict__).decode() + "\n")


async def measure(url: str, victims: list[str], seconds: float) -> Count:
    count = Count()
    stop = time.monotonic() + seconds
    await asyncio.gather(*(laptop(url, tok, n, stop, count) for n, tok in enumerate(victims)))
    return count


def under_flood(
    url: str, victims: list[str], token: str, shape: str, args: argparse.Namespace
) -> tuple[Count, Flood]:
    worker = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--flood-worker",
            shape,
            url,
            token,
            str(args.flood_warmup),
            str(args.seconds),
            str(args.flooders),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    assert worker.stdout.readline().strip() == "ready"
    assert worker.stdout.readline().strip() == "measuring"
    count = asyncio.run(measure(url, victims, args.seconds))
    flood = Flood(**orjson.loads(worker.stdout.readline()))
    worker.wait(60)
    return count, flood


def main() -> None:
    parser = argparse.ArgumentParser(description="Sổ tay fair-share benchmark")
    parser.add_argument("--seconds", type=float, default=6.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alone/flooded pairs per shape")
    parser.add_argument("--flooders", type=int, default=8, help="connections of the flood")
    parser.add_argument("--laptops", type=int, default=16, help="replicas of the other office")
    parser.add_argument(
        "--flood-warmup",
        type=float,
        default=5.0,
        help="seconds of flood before measuring (spends the burst)",
    )
    parser.add_argument(
        "--no-pin", action="store_true", help="do not give the server a CPU of its own"
    )
    parser.add_argument("--flood-worker", nargs=6, help=argparse.SUPPRESS)
    parser.add_argument("--shapes", default="push,pull,junk")
    parser.add_argument(
        "--server-root",
        type=Path,
        default=_HERE.parent,
        help="checkout whose server to run (default: this one)",
    )
    args = parser.parse_args()
    if args.flood_worker:
        shape, url, token, warmup, seconds, lanes = args.flood_worker
        flood_worker(url, token, shape, float(warmup), float(seconds), int(lanes))
        return
    root = args.server_root.resolve()
    cpus = sorted(os.sched_getaffinity(0))
    server_cpus = None
    if not args.no_pin and len(cpus) >= 2:
        server_cpus = {cpus[0]}
        os.sched_setaffinity(0, set(cpus[1:]))  # this process, the laptops and the flood
    with tempfile.TemporaryDirectory(prefix="sotay-bench-fair-") as tmp:
        db = Path(tmp) / "hq.db"
        admin(root, db, "office", "add", VICTIM, "--name", "Hà Nội")
        admin(root, db, "office", "add", FLOODER, "--name", "Bắc Giang")
        victims = [
            admin(root, db, "token", "create", "--office", VICTIM, "--role", "office").split()[-1]
            for _ in range(args.laptops)
        ]
        flood_token = admin(
            root, db, "token", "create", "--office", FLOODER, "--role", "office"
        ).split()[-1]
        server = serve(db, cwd=root, cpus=server_cpus)
        proc, url = server.process, server.url
        try:
            pinned = f"server alone on CPU {cpus[0]}" if server_cpus else "no pinning"
            print(
                f"Sổ tay fair share — server of {root}, {len(cpus)} CPUs, {pinned}\n"
                f"other office: {args.laptops} laptops syncing 5 edits back to back; "
                f"flood: {args.flooders} connections, one token, never waiting\n"
            )
            asyncio.run(measure(url, victims, 2.0))  # warm up
            worst = 0.0
            for shape in args.shapes.split(","):
                drops = []
                for _round in range(args.rounds):  # alone, then flooded: the machine's own
                    cpu = cpu_seconds(proc.pid)  # drift (other load) hits both alike
                    alone = asyncio.run(measure(url, victims, args.seconds))
                    cpu_alone = (cpu_seconds(proc.pid) - cpu) / args.seconds
                    cpu = cpu_seconds(proc.pid)
                    under, flood = under_flood(url, victims, flood_token, shape, args)
                    cpu_flood = (cpu_seconds(proc.pid) - cpu) / (args.seconds + args.flood_warmup)
                    base, rate = alone.syncs / args.seconds, under.syncs / args.seconds
                    drop = 1 - rate / base if base else 0.0
                    drops.append(drop)
                    print(
                        f"{shape:<5} alone {base:6.1f} syncs/s (p50 "
                        f"{statistics.median(alone.latencies) * 1e3:5.1f} ms, server CPU "
                        f"{cpu_alone:4.0%})   flooded {rate:6.1f} syncs/s (p50 "
                        f"{statistics.median(under.latencies) * 1e3:5.1f} ms, server CPU "
                        f"{cpu_flood:4.0%})   reduction {drop:6.1%}   flood: "
                        f"{flood.sent / args.seconds:5.0f} req/s sent, "
                        f"{flood.accepted / args.seconds:5.1f} served, "
                        f"{flood.ops_accepted / args.seconds:5.0f} ops/s applied, "
                        f"{flood.received / args.seconds / 1e6:5.2f} MB/s answered"
                    )
                median = statistics.median(drops)
                worst = max(worst, median)
                print(
                    f"{shape:<5} median reduction {median:6.1%}   budget ≤ {BUDGET:.0%}   "
                    f"{'ok' if median <= BUDGET else 'OVER BUDGET'}\n"
                )
            print(f"worst median reduction {worst:.1%} (stated budget ≤ {BUDGET:.0%})")
        finally:
            server.stop()


if __name__ == "__main__":
    main()

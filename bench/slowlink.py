"""A day's edits over a slow link (issue 10).  Run: ``python bench/slowlink.py``

A real ``sotay-server`` process and two replicas of one office, both holding the same 10,000
task records (~875 B each, ``bench/sync.py``'s), synced beforehand over loopback.  Then, in
each round, a day's work on one replica — 100 edits and 100 new tasks — is pushed through a
proxy that behaves like a 128 kbit/s link with a 300 ms round trip (150 ms each way, each
direction its own 128 kbit/s, the TCP handshake one round trip), and the other replica pulls
it through the same link.  Each sync is a new client, as each ``sotay sync`` is.

Budget: time ≤ 1.3 × ideal, where ideal = wire bytes ÷ bandwidth + 2 RTT (the handshake and
one exchange), the wire bytes being what actually crossed the proxy both ways, compressed,
headers included.  Medians of ≥ 3 rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import httpx

from bench.sync import SCOPE, admin, fill, sentence, start_server
from domain.runtime import tune_collector
from sync.client import SyncClient, SyncResult
from sync.store import Store
from tests.helpers.flaky import FlakyProxy

BANDWIDTH = 128_000 / 8  # bytes per second, each way
RTT = 0.300
BUDGET = 1.3


class SlowLink(FlakyProxy):
    """The flaky proxy with its faults off and a slow link in their place: each direction
    sends its bytes one after the other at ``bandwidth`` and delivers each ``delay`` after it
    left; a new connection waits one round trip (the handshake) before its first byte."""

    def __init__(self, target_port: int, bandwidth: float = BANDWIDTH, rtt: float = RTT) -> None:
        super().__init__(target_port)
        self.faulty = False
        self.bandwidth, self.rtt = bandwidth, rtt
        self.up = self.down = 0

    @property
    def wire(self) -> int:
        return self.up + self.down

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        await asyncio.sleep(self.rtt)  # SYN, SYN-ACK: the client's first byte leaves after
        await super()._handle(client_r, client_w)

    async def _pipe(
        self, src: asyncio.StreamReader, dst: asyncio.StreamWriter, limit: int | None, trickle: bool
    ) -> None:
        """One direction of the link: the reader queues each packet with the time it arrives,
        the writer delivers it then (so the delay does not slow the stream, as on a link)."""
        loop = asyncio.get_running_loop()
        upstream = dst.get_extra_info("peername")[1] == self.target_port
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        free_at = 0.0

        async def deliver() -> None:
            while (item := await queue.get())[1]:
                await asyncio.sleep(max(0.0, item[0] - loop.time()))
                dst.write(item[1])
                await dst.drain()

        writer = asyncio.ensure_future(deliver())
        try:
            while data := await src.read(1460):  # one TCP segment's worth at a time
                free_at = max(loop.time(), free_at) + len(data) / self.bandwidth
                await queue.put((free_at + self.rtt / 2, data))
                if upstream:
                    self.up += len(data)
                else:
                    self.down += len(data)
                await asyncio.sleep(max(0.0, free_at - loop.time()))  # the link is busy
        finally:
            await queue.put((0.0, b""))
            await asyncio.gather(writer, return_exceptions=True)
            dst.close()


def day_of_edits(store: Store, ids: list[str], rng: random.Random) -> None:
    """100 edits of existing tasks and 100 new ones, as an office's secretariat makes them."""
    unit = store.list("unit")[0].id
    with store.transaction() as tx:
        for rid in rng.sample(ids, 100):
            tx.update(rid, {"progress": rng.randint(0, 100), "notes": sentence(rng, 330)})
        for i in range(100):
            fields = {"title": sentence(rng, 60), "notes": sentence(rng, 330), "stt": f"N.{i}"}
            tx.add("task", {**fields, "lead_unit_id": unit, "status": "in_progress"})


def sync(store: Store, url: str, token: str) -> tuple[float, SyncResult]:
    async def run() -> SyncResult:
        async with SyncClient(store, server_url=url, token=token) as client:
            return await client.sync()

    started = time.perf_counter()
    result = asyncio.run(run())
    return time.perf_counter() - started, result


def row(label: str, took: list[float], wire: list[int], requests: int) -> bool:
    ideal = [w / BANDWIDTH + 2 * RTT for w in wire]
    ratio = statistics.median(t / i for t, i in zip(took, ideal, strict=True))
    ok = ratio <= BUDGET
    print(
        f"{label:<30} {statistics.median(took):6.2f} s  {statistics.median(wire):>9,} B "
        f"{requests:>3} req  ideal {statistics.median(ideal):5.2f} s  ratio {ratio:4.2f}  "
        f"budget ≤ {BUDGET}  {'ok' if ok else 'OVER BUDGET'}"
    )
    return ok


def main() -> None:
    tune_collector()  # as the sotay entry point does (domain.runtime)
    parser = argparse.ArgumentParser(description="Sổ tay slow-link benchmark")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sotay-bench-slowlink-"))
    server = link = None
    try:
        db = root / "hq.db"
        admin(db, "office", "add", SCOPE, "--name", "Bắc Giang")
        token = admin(db, "token", "create", "--office", SCOPE, "--role", "office").split()[-1]
        server = start_server(db)
        a = Store.create(root / "a", office=SCOPE, name="a")
        b = Store.create(root / "b", office=SCOPE, name="b")
        ids = fill(a, args.records)
        for store in (a, b):  # the 10k, over loopback
            sync(store, server.url, token)
        link = SlowLink(int(httpx.URL(server.url).port or 0))
        url = f"http://127.0.0.1:{link.start()}"
        print(
            f"Sổ tay slow-link benchmark — {BANDWIDTH * 8 / 1000:.0f} kbit/s each way, "
            f"{RTT * 1000:.0f} ms RTT, replicas of {args.records:,} tasks, "
            f"100 edits + 100 new a round\n"
        )
        rng = random.Random(10)
        runs: dict[str, tuple[list[float], list[int], int]] = {}
        split: dict[str, tuple[int, int]] = {}
        for _ in range(max(3, args.rounds)):
            day_of_edits(a, ids, rng)
            for label, store, want in (
                ("push 200 (100 edits + 100 new)", a, "pushed"),
                ("pull those 200", b, "pulled"),
            ):
                link.up = link.down = 0
                took, result = sync(store, url, token)
                assert getattr(result, want) == 200, (label, result)
                times, wires, _ = runs.setdefault(label, ([], [], 0))
                times.append(took)
                wires.append(link.wire)
                runs[label] = (times, wires, result.requests)
                split[label] = (link.up, link.down)
        for label, (times, wires, requests) in runs.items():
            row(label, times, wires, requests)
        print(
            "\nlast round, bytes each way: "
            + "; ".join(f"{label}: {up:,} up, {down:,} down" for label, (up, down) in split.items())
        )
        a.close()
        b.close()
    finally:
        if link is not None:
            link.stop()
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

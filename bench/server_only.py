"""Server-side timing of the sync budgets (one command: ``python bench/server_only.py``).

Drives the central service with a bare httpx client (no replica store), so the figures are
the server's share plus HTTP and JSON on loopback:

* initial push of 10,000 task-shaped records (~875 B of fields each) in batches of 2,500;
* initial pull of those 10,000 records into an empty replica (pages by count and bytes);
* incremental push of 200 edits in one request;
* idle sync (nothing to push, nothing new): time and bytes on the wire.

``--inprocess`` uses httpx's ASGI transport instead of a real uvicorn process (isolates the
app from the network stack).  Budgets (whole sync, client included; see DESIGN): push 10k
≤ 0.35 s, pull 10k ≤ 0.3 s, 200 edits ≤ 15 ms, idle ≤ 5 ms and ≤ 1 kB.  Prints each figure
beside its budget; exits 1 when the server alone already exceeds one.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Scripts here are named after the packages they measure (sync.py, tui.py): keep this folder
# off the import path so ``import sync`` finds the package, and put the checkout first.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
import uuid
from typing import Any

import httpx
import orjson

from bench.harness import UNLIMITED, add_offices, new_token, post, serve, wire_op
from domain.schema import flat_key
from server_stub.db import Database

RECORDS = 10_000
BATCH = 2_500
EDITS = 200
BUDGETS = {"push_10k": 0.35, "pull_10k": 0.30, "push_200": 0.015, "idle": 0.005}
SCOPE = "vn/bac-giang"
AUTHOR = "Nguyễn Văn An"


def task_fields(i: int) -> dict[str, Any]:
    return {
        "title": f"Triển khai hệ thống quản lý văn bản và điều hành điện tử, giai đoạn {i}",
        "lead_unit_id": str(uuid.UUID(int=i + 1)),
        "plan_id": str(uuid.UUID(int=7)),
        "status": "in_progress",
        "progress": i % 100,
        "start": "2024-01-01",
        "due": "2024-09-30",
        "budget": 1_500_000_000 + i,
        "timeframe": "Quý III/2024",
        "group": "internal_apps",
        "funding": "provincial",
        "stt": f"{i // 100}.{i % 100}",
        "deliverable": "Hệ thống vận hành chính thức, kết nối liên thông 4 cấp",
        "notes": "Sở TT&TT chủ trì, phối hợp Văn phòng UBND tỉnh.\nBáo cáo kết quả hằng quý.",
        flat_key("coordinators", str(uuid.UUID(int=1000 + i % 7))): True,
        flat_key("coordinators", str(uuid.UUID(int=2000 + i % 5))): True,
    }


def op(seq: int, i: int, fields: dict[str, Any], base: int = 0) -> dict[str, Any]:
    return wire_op(seq, str(uuid.UUID(int=10**9 + i)), SCOPE, fields, base=base, author=AUTHOR)


def setup(path: Path) -> str:
    db = Database(path)
    add_offices(db, [("vn", "Trung ương"), (SCOPE, "Bắc Giang")])
    token = new_token(db, SCOPE)
    db.close()
    return token


async def run(client: httpx.AsyncClient, token: str) -> dict[str, float]:
    out: dict[str, float] = {}
    body = {"schema_version": 1, "replica_id": "bench", "since": 0, "limit": 1}
    ops = [op(i + 1, i, task_fields(i)) for i in range(RECORDS)]
    started = time.perf_counter()
    for start in range(0, RECORDS, BATCH):
        answer = await post(
            client,
            token,
            {
                "schema_version": 1,
                "replica_id": "bench",
                "ops": ops[start : start + BATCH],
                "since": 0,
                "limit": 1,
            },
        )
        assert answer["last_op_seq"] == start + BATCH
    out["push_10k"] = time.perf_counter() - started
    # Initial pull into an empty replica.
    started = time.perf_counter()
    cursor, pulled, pages = 0, 0, 0
    while True:
        page = await post(
            client, token, {**body, "replica_id": "fresh", "since": cursor, "limit": 5000}
        )
        pulled += len(page["records"])
        cursor, pages = page["cursor"], pages + 1
        if not page["has_more"]:
            break
    out["pull_10k"] = time.perf_counter() - started
    assert pulled == RECORDS, pulled
    out["pull_pages"] = pages
    # 200 edits in one request (each on the version the replica last saw).
    edits = [
        op(RECORDS + n + 1, n * 37, {"progress": 100, "status": "done"}, base=n * 37 + 1)
        for n in range(EDITS)
    ]
    timings = []
    for round_ in range(5):
        for e in edits:
            e["op_seq"] += EDITS if round_ else 0
            e["changes"]["progress"]["value"] = 100 - round_
        started = time.perf_counter()
        answer = await post(client, token, {**body, "ops": edits, "since": cursor + 10**6})
        timings.append(time.perf_counter() - started)
        assert {r["status"] for r in answer["results"]} <= {"applied"}, answer["results"][:3]
    out["push_200"] = statistics.median(timings)
    # Idle sync.
    head = answer["cursor"] if answer["cursor"] > cursor else cursor
    idle_body = orjson.dumps(
        {"schema_version": 1, "replica_id": "bench", "ops": [], "since": head, "limit": 2000}
    )
    timings = []
    for _ in range(50):
        started = time.perf_counter()
        response = await client.post(
            "/v1/sync",
            content=idle_body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        timings.append(time.perf_counter() - started)
    out["idle"] = statistics.median(timings)
    request_bytes = len(idle_body) + len(token) + 200  # body + a typical header block
    out["idle_bytes"] = (
        request_bytes
        + len(response.content)
        + sum(len(k) + len(v) + 4 for k, v in response.headers.items())
    )
    return out


async def main_async(inprocess: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        token = setup(path)
        if inprocess:
            from server_stub.app import create_app
            from server_stub.settings import ServerSettings

            gc.freeze()
            app = create_app(ServerSettings(db=path, rate=1e6, burst=10**6))
            transport: httpx.AsyncBaseTransport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://b") as client:
                return await run(client, token)
        server = serve(path, env=UNLIMITED)
        try:
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
                return await run(client, token)
        finally:
            server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inprocess", action="store_true")
    args = parser.parse_args()
    out = asyncio.run(main_async(args.inprocess))
    failed = False
    for name, budget in BUDGETS.items():
        mark = "ok" if out[name] <= budget else "OVER"
        failed |= out[name] > budget
        print(f"{name:10} {out[name] * 1000:9.1f} ms   budget {budget * 1000:7.1f} ms   {mark}")
    print(
        f"{'idle':10} {out['idle_bytes']:9.0f} B    budget  1024.0 B    "
        f"{'ok' if out['idle_bytes'] <= 1024 else 'OVER'}"
    )
    print(f"pull pages: {out['pull_pages']:.0f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

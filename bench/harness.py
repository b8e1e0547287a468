"""What the server benchmarks share (``fairness.py``, ``server_only.py``, ``load.py``): a real
``sotay-server`` process on loopback, offices and their tokens, ops as a replica puts them on
the wire, one ``/v1/sync`` POST, and the CPU time a server spent.  Not a benchmark itself."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import httpx
import orjson

from server_stub import auth
from server_stub.db import Database
from tui.demo_server import START_TIMEOUT, DemoServer

EDITED_AT = "2024-05-01T09:00:00+07:00"
#: The service's rate limits out of the way (a benchmark that measures the service, not them).
UNLIMITED = {"SOTAY_SERVER_RATE": "100000", "SOTAY_SERVER_BURST": "100000"}


def wire_op(
    seq: int,
    record_id: str,
    scope: str,
    fields: Mapping[str, Any],
    *,
    base: int = 0,
    author: str = "bench",
    kind: str = "task",
) -> dict[str, Any]:
    """An op as a replica sends it: every field set on the version ``base`` it last saw."""
    return {
        "op_seq": seq,
        "record_id": record_id,
        "kind": kind,
        "scope": scope,
        "base_seq": base,
        "edited_at": EDITED_AT,
        "author": author,
        "changes": {k: {"value": v, "base_version": base} for k, v in fields.items()},
    }


async def post(client: httpx.AsyncClient, token: str, body: dict[str, Any]) -> dict[str, Any]:
    """One ``/v1/sync`` request (a push, a pull or both); its answer, or the HTTP error."""
    response = await client.post(
        "/v1/sync",
        content=orjson.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response.raise_for_status()
    return dict(orjson.loads(response.content))


def add_offices(db: Database, offices: Iterable[tuple[str, str]]) -> None:
    """Offices (scope, name) through the server's own admin API."""
    for scope, name in offices:
        auth.add_office(db, scope, name)


def new_token(db: Database, office: str, role: str = "office") -> str:
    return auth.create_token(db, office, role).token


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and its live children (a server's workers;
    Linux)."""
    total = 0.0
    for each in (pid, *_children(pid)):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _workers_up(server: DemoServer, workers: int) -> None:
    """Wait until ``serve --workers N`` has its N worker processes (the first one up already
    answers the health check the demo's start waited for)."""
    deadline = time.monotonic() + START_TIMEOUT
    while len(_children(server.process.pid)) <= workers:  # the workers and a resource tracker
        if server.process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"sotay-server did not start {workers} workers")
        time.sleep(0.1)
    time.sleep(0.5)  # the last one spawned: let it import and open its pool


def serve(
    db: Path | str,
    *,
    workers: int = 1,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    cpus: set[int] | None = None,
) -> DemoServer:
    """``sotay-server serve`` on ``db`` (a SQLite file or a PostgreSQL URL) at a free loopback
    port, as the demo starts it (``workers`` > 1: that many processes, PostgreSQL only), in
    English, with ``env`` on top of this process's environment, once healthy; pinned to
    ``cpus`` (every thread and worker it starts inherits them)."""
    full = {**os.environ, "SOTAY_LANG": "en", **(env or {})}
    if cwd is not None:
        full["PYTHONPATH"] = str(cwd)
    # a PostgreSQL URL is only ever handed on as str(db), as tests/ do
    server = DemoServer.serve(cast(Path, db), env=full, cwd=cwd, workers=workers)
    if workers > 1:
        _workers_up(server, workers)
    if cpus:
        for pid in (server.process.pid, *_children(server.process.pid)):
            os.sched_setaffinity(pid, cpus)
    return server

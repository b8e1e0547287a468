"""A real ``sotay-server serve --workers N`` process and its worker processes, for the tests
that start several workers over PostgreSQL (tests/server/test_workers.py, the national
end-to-end test): start it, find its workers' pids, stop or kill one, wait for its
replacement."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import httpx

from server_stub.db import Database
from tests.helpers.server import seed
from tests.helpers.server_process import ENV
from tui.demo_server import DemoServer


def seeded(location: str) -> dict[str, str]:
    """Seed the server database at ``location`` (tests.helpers.server.seed): its tokens."""
    db = Database(location)
    try:
        tokens, _ids = seed(db)
    finally:
        db.close()
    return tokens


def worker_pids(parent: int) -> list[int]:
    """The worker processes of ``parent`` (multiprocessing's spawned children, not its
    resource tracker), from /proc."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    pids = []
    for pid in children:
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                pids.append(int(pid))
        except FileNotFoundError:  # it ended between the two reads
            continue
    return pids


def healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/v1/health", timeout=5.0).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class Served:
    """The running server: its URL and its master process."""

    url: str
    process: subprocess.Popen[str]

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def pids(self) -> list[int]:
        return worker_pids(self.process.pid)

    def wait_for_workers(self, count: int, gone: int = 0, timeout: float = 30.0) -> list[int]:
        """The workers' pids once there are ``count`` of them, ``gone`` not among them, and
        the service answers; fails if the master died or after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            pids = self.pids()
            if len(pids) == count and gone not in pids and healthy(self.url):
                return pids
            assert self.process.poll() is None, "the master process died"
            assert time.monotonic() < deadline, f"workers {pids}, wanted {count} without {gone}"
            time.sleep(0.2)


@contextmanager
def serving(location: str, workers: int) -> Iterator[Served]:
    """The real server with ``workers`` processes, once each is up and the service answers
    (started as the demo starts its server; a PostgreSQL URL is handed on as ``str``)."""
    server = DemoServer.serve(cast(Path, location), env=ENV, workers=workers)
    try:
        served = Served(server.url, server.process)
        served.wait_for_workers(workers)
        yield served
    finally:
        server.stop()


def answered_by(url: str, pids: list[int], alone: int) -> int:
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


def alive(pids: list[int]) -> bool:
    """No worker died (and was replaced) during the run."""
    return all(Path(f"/proc/{pid}").exists() for pid in pids)

"""``sotay demo``: a throwaway local ``sotay-server`` with an HQ and an office token.

The server runs as a child process (``python -m server_stub.cli``) on a free loopback port
with its database in the demo's temporary folder; it is stopped when the demo ends.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson

from domain.errors import SotayError

OFFICES = (
    ("vn", "Ban Chỉ đạo Trung ương (dữ liệu mẫu)"),
    ("vn/ubdt", "Ủy ban Dân tộc"),
    ("vn/btttt", "Bộ Thông tin và Truyền thông"),
    ("vn/bac-giang", "Bắc Giang"),
)
START_TIMEOUT = 20.0


def server_command(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "server_stub.cli", "--db", str(db), "--json", *args]


def _admin(db: Path, *args: str) -> dict[str, object] | list[object] | None:
    done = subprocess.run(
        server_command(db, *args), capture_output=True, text=True, timeout=60, check=False
    )
    if done.returncode != 0:
        raise SotayError("ui.demo.failed", detail=(done.stderr or done.stdout).strip()[-300:])
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return orjson.loads(lines[-1]) if lines else None


@dataclass
class DemoServer:
    db: Path
    url: str
    process: subprocess.Popen[str]
    tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, folder: Path) -> DemoServer:
        db = folder / "server.db"
        for scope, name in OFFICES:
            _admin(db, "office", "add", scope, "--name", name)
        tokens = {}
        for key, office, role, user in (
            ("hq", "vn", "hq", "Thư ký Ban Chỉ đạo"),
            ("bac-giang", "vn/bac-giang", "office", "Văn thư Bắc Giang"),
        ):
            made = _admin(db, "token", "create", "--office", office, "--role", role, "--user", user)
            if not isinstance(made, dict) or "token" not in made:
                raise SotayError("ui.demo.failed", detail="token")
            tokens[key] = str(made["token"])
        return cls.serve(db, tokens)

    @classmethod
    def serve(
        cls,
        db: Path,
        tokens: dict[str, str] | None = None,
        port: int = 0,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        workers: int = 1,
    ) -> DemoServer:
        """``sotay-server serve`` on ``db`` at a loopback ``port`` (0: a free one), once healthy.

        The tests and the benchmarks start their real servers here too (with ``env``, a fixed
        port to restart, another checkout's ``cwd``, or ``workers`` processes on PostgreSQL:
        healthy then means the first of them answers)."""
        command = [
            sys.executable,
            "-m",
            "server_stub.cli",
            "--db",
            str(db),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            *(["--workers", str(workers)] if workers > 1 else []),
        ]
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=cwd
        )
        server = cls(db, "", process, dict(tokens or {}))
        try:
            server.url = server._read_url()
            server._wait_healthy()
        except BaseException:
            server.stop()
            raise
        return server

    def _read_url(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        found = re.search(r"https?://[\w.\[\]:-]+", line)
        if not found:
            raise SotayError("ui.demo.failed", detail=line.strip() or "no address")
        return found.group(0)

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if httpx.get(self.url + "/v1/health", timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SotayError("ui.demo.failed", detail="health")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

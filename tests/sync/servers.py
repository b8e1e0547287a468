"""A real ``sotay-server`` process for end-to-end tests, and its admin commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ENV = {
    **os.environ,
    "SOTAY_LANG": "en",
    "SOTAY_SERVER_RATE": "10000",
    "SOTAY_SERVER_BURST": "10000",
}


def admin(db: Path, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "server_stub.cli", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=ENV,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def token(db: Path, office: str, role: str = "office", user: str = "") -> str:
    return (
        admin(db, "token", "create", "--office", office, "--role", role, "--user", user or office)
        .strip()
        .splitlines()[-1]
    )


class Server:
    """``sotay-server serve`` on a free loopback port; restartable on the same port."""

    def __init__(self, db: Path, port: int = 0) -> None:
        self.db = db
        self.port = port
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.start()

    def start(self) -> None:
        self.stop()  # never two servers on one database
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server_stub.cli",
                "--db",
                str(self.db),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=ENV,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        self.url = "http://" + line.split("http://", 1)[1].split()[0].rstrip(".,")
        self.port = int(self.url.rsplit(":", 1)[1])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("sotay-server did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush — what a power cut or an OOM kill does."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
            self._close()

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self._close()

    def _close(self) -> None:
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc = None

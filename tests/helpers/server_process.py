"""A real ``sotay-server`` process for end-to-end tests (the demo's, ``DemoServer``), and its
admin commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import cast

from tui.demo_server import DemoServer

ENV = {
    **os.environ,
    "SOTAY_LANG": "en",
    "SOTAY_SERVER_RATE": "10000",
    "SOTAY_SERVER_BURST": "10000",
}


def admin(db: Path | str, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "server_stub.cli", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=ENV,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def token(db: Path | str, office: str, role: str = "office", user: str = "") -> str:
    return (
        admin(db, "token", "create", "--office", office, "--role", role, "--user", user or office)
        .strip()
        .splitlines()[-1]
    )


class Server:
    """``sotay-server serve`` on a free loopback port with ``ENV``; restartable on that port."""

    def __init__(self, db: Path | str, port: int = 0) -> None:
        # Or a PostgreSQL URL: only ever handed on as ``str(db)`` to ``--db``.
        self.db = cast(Path, db)
        self.port = port
        self.running: DemoServer | None = None
        self.url = ""
        self.start()

    def start(self) -> None:
        self.stop()  # never two servers on one database
        self.running = DemoServer.serve(self.db, port=self.port, env=ENV)
        self.url = self.running.url
        self.port = int(self.url.rsplit(":", 1)[1])

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush — what a power cut or an OOM kill does."""
        if self.running is not None:
            self.running.process.send_signal(signal.SIGKILL)
            self.running.process.wait(timeout=10)
            self.stop()

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None

"""End to end: the real ``sotay`` in a real terminal (tmux) against a real ``sotay-server``.

A person types a task, presses F5, and the task is on the server (``sotay-server export``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
BIN = Path(sys.executable).parent
OFFICE = "vn/bac-giang"


def run(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        list(args), capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    db = tmp_path / "server.db"
    server = [str(BIN / "sotay-server"), "--db", str(db)]
    run(*server, "office", "add", OFFICE, "--name", "Bắc Giang")
    made = orjson.loads(
        run(
            *server,
            "--json",
            "token",
            "create",
            "--office",
            OFFICE,
            "--role",
            "office",
            "--user",
            "Văn thư",
        ).splitlines()[-1]
    )
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [*server, "serve", "--host", "127.0.0.1", "--port", "0", "--log-level", "info"],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = re.search(r"https?://[\w.:\[\]-]+", process.stdout.readline())
        assert url, "the server names its address on its first line"
        yield url.group(0), str(made["token"]), db
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        if process.stdout is not None:
            process.stdout.close()


class Terminal:
    def __init__(self, name: str, log: Path | None = None) -> None:
        self.name = name
        self.log = log

    def keys(self, *keys: str, literal: bool = False) -> None:
        """Send keys at a person's pace (a burst can arrive before the app has moved on)."""
        flags = ["-l"] if literal else []
        run("tmux", "send-keys", "-t", self.name, *flags, *keys)
        time.sleep(0.3)

    def screen(self) -> str:
        return run("tmux", "capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float = 30.0, *others: str) -> str:
        """Wait until the screen shows ``text`` (or one of ``others``)."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if any(words in shown for words in (text, *others)):
                return shown
            if time.monotonic() > deadline:
                log = Path(self.log).read_text() if self.log else ""
                raise AssertionError(
                    f"never showed {text!r}; screen:\n{shown}\nserver log:\n{log[-3000:]}"
                )
            time.sleep(0.2)

    def wait_for_pending(self, count: int, timeout: float = 30.0) -> str:
        """Wait until the status line says ``count`` changes wait to be sent, in its full
        words or, when the line is too narrow for all of them, its short ones."""
        return self.wait_for(f"Chưa đồng bộ: {count}", timeout, f"Chờ gửi: {count}")

    def add_task(self, title: str) -> None:
        """From the dashboard, as a person would: Nhiệm vụ, add, the title, the lead unit
        (its first match), save."""
        self.keys("3")
        self.wait_for("Tìm trong danh sách")
        self.keys("a")
        self.wait_for("Thêm mới: Nhiệm vụ")
        self.keys(title, literal=True)
        for _ in range(4):
            self.keys("Tab")
        self.keys("tttt", literal=True)
        self.keys("C-s")
        self.wait_for("Đã lưu Nhiệm vụ")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_type_a_task_sync_and_find_it_on_the_server(
    tmp_path: Path, central: tuple[str, str, Path]
) -> None:
    url, token, db = central
    data = tmp_path / "profile"
    env = {**os.environ, "SOTAY_LANG": "vi", "TERM": "xterm-256color"}
    sotay = [str(BIN / "sotay"), "--data", str(data)]
    run(*sotay, "init", "--office", OFFICE, "--name", "Văn phòng Bắc Giang", env=env)
    run(*sotay, "add", "unit", "name=Trung tâm Thông tin", "abbr=TTTT", env=env)
    run(*sotay, "login", "--server", url, "--token", token, env=env)

    name = f"sotay-e2e-{uuid.uuid4().hex[:8]}"
    command = " ".join(f"'{part}'" for part in sotay)
    run(
        "tmux",
        "new-session",
        "-d",
        "-s",
        name,
        "-x",
        "160",
        "-y",
        "50",
        "-e",
        "SOTAY_LANG=vi",
        "-e",
        "TERM=xterm-256color",
        command,
    )
    term = Terminal(name, db.parent / "server.log")
    try:
        term.wait_for("Tổng quan")
        term.wait_for_pending(0)  # the first background sync sent the unit
        term.add_task("Kiểm thử đầu cuối")
        term.wait_for_pending(1)
        term.keys("F5")
        term.wait_for_pending(0)
        term.keys("C-q")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, check=False)

    exported = [
        orjson.loads(line)
        for line in run(str(BIN / "sotay-server"), "--db", str(db), "export").splitlines()
        if line
    ]
    titles = {r["fields"].get("title") for r in exported if r.get("kind") == "task"}
    assert "Kiểm thử đầu cuối" in titles

"""End to end, the link honest under a person's hands: the real app in tmux, the real server
stopped dead (SIGSTOP: it keeps the port, accepts, never answers).  F5 says offline within
20 s, the app stays usable meanwhile, and after SIGCONT the next sync sends what was typed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import orjson
import pytest

from tests.helpers.server_process import Server, admin, token
from tests.tui.test_e2e_tmux import BIN, OFFICE, Terminal, run

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_stopped_server_shows_offline_in_time_and_the_next_sync_succeeds(
    tmp_path: Path,
) -> None:
    server = Server(tmp_path / "server.db")
    admin(server.db, "office", "add", OFFICE, "--name", "Bắc Giang")
    data = tmp_path / "profile"
    env = {**os.environ, "SOTAY_LANG": "vi", "TERM": "xterm-256color"}
    sotay = [str(BIN / "sotay"), "--data", str(data)]
    run(*sotay, "init", "--office", OFFICE, "--name", "Văn phòng Bắc Giang", env=env)
    run(*sotay, "add", "unit", "name=Trung tâm Thông tin", "abbr=TTTT", env=env)
    run(*sotay, "login", "--server", server.url, "--token", token(server.db, OFFICE), env=env)
    name = f"sotay-link-{uuid.uuid4().hex[:8]}"
    command = " ".join(f"'{part}'" for part in sotay)
    run(
        *("tmux", "new-session", "-d", "-s", name, "-x", "160", "-y", "50"),
        *("-e", "SOTAY_LANG=vi", "-e", "TERM=xterm-256color", command),
    )
    term = Terminal(name)
    assert server.running is not None
    process = server.running.process
    try:
        term.wait_for("Tổng quan")
        term.wait_for_pending(0)  # the first background sync
        process.send_signal(signal.SIGSTOP)
        term.keys("F5")
        pressed = time.monotonic()
        term.wait_for("⟳ Đang đồng bộ…")
        # the app stays usable while the sync waits: a task is typed and saved
        term.add_task("Việc lúc mất mạng")
        term.wait_for("○ Ngoại tuyến: máy chủ không trả lời", timeout=25)
        took = time.monotonic() - pressed
        assert took <= 20.0, f"offline shown {took:.1f} s after F5"
        term.wait_for_pending(1)
        process.send_signal(signal.SIGCONT)
        term.keys("F5")
        term.wait_for("● Trực tuyến")
        term.wait_for_pending(0)
        term.keys("C-q")
    finally:
        process.send_signal(signal.SIGCONT)
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, check=False)
        server.stop()
    exported = [orjson.loads(line) for line in admin(server.db, "export").splitlines() if line]
    titles = {r["fields"].get("title") for r in exported if r.get("kind") == "task"}
    assert titles == {"Việc lúc mất mạng"}


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_login_without_a_token_asks_for_it_on_the_terminal(tmp_path: Path) -> None:
    """Not on the command line (``ps``, shell history): a prompt that does not echo it."""
    server = Server(tmp_path / "server.db")
    admin(server.db, "office", "add", OFFICE, "--name", "Bắc Giang")
    secret = token(server.db, OFFICE)
    data = tmp_path / "profile"
    env = {**os.environ, "SOTAY_LANG": "vi"}
    sotay = [str(BIN / "sotay"), "--data", str(data)]
    run(*sotay, "init", "--office", OFFICE, "--name", "Văn phòng Bắc Giang", env=env)
    name = f"sotay-login-{uuid.uuid4().hex[:8]}"
    command = " ".join(f"'{part}'" for part in [*sotay, "login", "--server", server.url])
    run("tmux", "new-session", "-d", "-s", name, "-x", "160", "-y", "20", "-e", "SOTAY_LANG=vi")
    term = Terminal(name)
    try:
        term.keys(f"{command}; echo XONG$((1+1))", "Enter")
        term.wait_for("Mã truy cập:")
        term.keys(secret, literal=True)
        term.keys("Enter")
        shown = term.wait_for("XONG2")
        assert secret not in shown, "the token is not echoed"
        assert f"Đã kết nối máy chủ {server.url}" in shown
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, check=False)
        server.stop()
    assert (data / "credentials.json").read_text().count(secret) == 1

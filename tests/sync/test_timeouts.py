"""The link is honest: a server that is not there, or that never answers, is said so quickly.

A refused connection fails within 3 s, a server that accepts and never answers within 20 s,
for the client and for ``sotay sync`` as a person runs it (a fresh process, start-up
included), with one clear line in the user's language and the changes kept.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.client import SyncClient
from sync.credentials import save_token
from sync.errors import Offline
from sync.store import Store
from tests.helpers.cli_world import cli_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def hung() -> Iterator[str]:
    """A server that accepts connections (the kernel's backlog) and never reads or answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield f"http://127.0.0.1:{s.getsockname()[1]}"


def profile(tmp: Path, url: str) -> Path:
    data = tmp / "p"
    with Store.create(data, office="vn/ha-noi", name="Hà Nội", author="Lan") as store:
        store.add("unit", {"name": "Văn phòng"})
    save_token(data, url, "st_" + "a" * 40)
    return data


def sotay(data: Path, *args: str, lang: str = "en") -> tuple[int, str, float]:
    env = cli_env(data.parent) | {"SOTAY_LANG": lang}
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "tui", "--data", str(data), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return proc.returncode, (proc.stdout + proc.stderr).strip(), time.monotonic() - start


def test_sync_against_a_closed_port_fails_within_3_s_with_a_clear_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    data = profile(tmp_path, url)
    # The budget is the link's: what the same process takes to start and read the profile
    # (``status``, no network) is measured beside it, so a loaded machine's slow start of
    # Python does not count against the client's 3 s.
    start_up = sotay(data, "status")[2]
    code, out, took = sotay(data, "sync")
    assert took - start_up <= 3.0, f"{took:.1f} s, of which start-up {start_up:.1f} s"
    assert (code, out) == (
        11,
        f"Cannot reach the server {url} (the server refused the connection). Your changes "
        "stay on this computer and will be sent when the link is back.",
    )
    code, out, took = sotay(data, "sync", lang="vi")
    assert (code, took - start_up <= 3.0) == (11, True)
    assert out == (
        f"Không kết nối được máy chủ {url} (máy chủ từ chối kết nối). Các thay đổi vẫn được "
        "giữ trên máy này và sẽ gửi đi khi có mạng."
    )


def test_sync_against_a_server_that_never_answers_fails_within_20_s(
    tmp_path: Path, hung: str
) -> None:
    data = profile(tmp_path, hung)
    code, out, took = sotay(data, "sync")
    assert took <= 20.0, f"{took:.1f} s"
    assert (code, out) == (
        11,
        f"Cannot reach the server {hung} (the server does not answer). Your changes stay on "
        "this computer and will be sent when the link is back.",
    )
    with Store.open(data) as store:
        assert store.pending_count() == 1


def test_the_retries_of_one_request_stay_within_the_budget(tmp_path: Path, hung: str) -> None:
    """However many retries are allowed, a hung server costs one budget, not one per try."""
    with Store.create(tmp_path / "p", office="vn", name="Ban") as store:

        async def run() -> None:
            async with SyncClient(store, server_url=hung, token="t", retries=50) as client:
                await client.sync()

        start = time.monotonic()
        with pytest.raises(Offline) as caught:
            asyncio.run(run())
        assert time.monotonic() - start <= 20.0
        assert caught.value.params["detail"] == "§sync.reason.no_answer"


def test_a_big_batch_to_a_server_that_never_reads_fails_within_20_s(
    tmp_path: Path, hung: str
) -> None:
    """The request itself stalls (the server's socket buffer is full): the write times out."""
    with Store.create(tmp_path / "p", office="vn", name="Ban") as store:
        with store.transaction() as tx:
            for _ in range(1500):
                tx.add("unit", {"name": secrets.token_hex(500)})

        async def run() -> None:
            async with SyncClient(store, server_url=hung, token="t") as client:
                await client.sync()

        start = time.monotonic()
        with pytest.raises(Offline) as caught:
            asyncio.run(run())
        assert time.monotonic() - start <= 20.0
        assert caught.value.params["detail"] == "§sync.reason.no_answer"
        assert store.pending_count() == 1500

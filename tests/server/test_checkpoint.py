"""SQLite's WAL checkpoints run in a thread of their own once the writes pause, never inside
a request's COMMIT (issue 10: a 200-edit push's commit took 13 ms, 4 without one)."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

from server_stub.db import Database
from server_stub.dialects import _Checkpointer


def _offices_on_disk(path: Path) -> int | None:
    """The offices in the database file as it is on disk, the WAL ignored (what checkpoints
    moved there); None while the table itself is not there yet."""
    with closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as disk:
        try:
            return int(disk.execute("SELECT count(*) FROM offices").fetchone()[0])
        except sqlite3.DatabaseError:  # not there yet, or a page being copied just then
            return None


def _wait_for_disk(path: Path, count: int) -> None:
    give_up = time.monotonic() + 20
    while _offices_on_disk(path) != count:
        assert time.monotonic() < give_up, "never checkpointed"
        time.sleep(0.02)


def test_a_commit_leaves_its_pages_in_the_wal_until_the_writes_pause(tmp_path: Path) -> None:
    db = Database(tmp_path / "hq.db")
    try:
        _wait_for_disk(db.path, 0)  # the migrations' tables
        db._engine._checkpointer._quiet = 2.0  # type: ignore[attr-defined]
        with db.write() as w:
            assert w.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
            w.add_office("vn/bac-giang", "Bắc Giang")
        assert _offices_on_disk(db.path) == 0  # the commit did not checkpoint
        with db.read() as r:  # committed: every reader sees it at once
            assert r.office("vn/bac-giang") is not None
        _wait_for_disk(db.path, 1)
    finally:
        db.close()


def test_commits_in_quick_succession_make_one_checkpoint_after_the_pause() -> None:
    runs: list[float] = []
    ran = threading.Event()

    def checkpoint() -> None:
        runs.append(time.monotonic())
        ran.set()

    cp = _Checkpointer(checkpoint, quiet=0.2, every=30.0)
    try:
        last = 0.0
        for _ in range(5):
            cp.committed()
            last = time.monotonic()
            time.sleep(0.01)
        assert ran.wait(10)
        time.sleep(0.3)
        assert len(runs) == 1 and runs[0] - last >= 0.19
    finally:
        cp.stop()


def test_writes_that_never_pause_are_checkpointed_every_so_often() -> None:
    runs: list[float] = []
    cp = _Checkpointer(lambda: runs.append(time.monotonic()), quiet=5.0, every=0.1)
    try:
        started = time.monotonic()
        while time.monotonic() - started < 0.8:
            cp.committed()
            time.sleep(0.01)
        assert len(runs) >= 3
    finally:
        cp.stop()


def test_a_failed_checkpoint_is_tried_again_after_the_next_commit() -> None:
    runs: list[int] = []
    ran = threading.Event()

    def checkpoint() -> None:
        runs.append(1)
        ran.set()
        if len(runs) == 1:
            raise sqlite3.OperationalError("database is locked")

    cp = _Checkpointer(checkpoint, quiet=0.01, every=1.0)
    try:
        cp.committed()
        assert ran.wait(10)
        ran.clear()
        cp.committed()
        assert ran.wait(10) and len(runs) == 2
    finally:
        cp.stop()


def test_closing_stops_the_thread() -> None:
    cp = _Checkpointer(lambda: None)
    cp.committed()
    cp.stop()
    assert not cp._thread.is_alive()

"""Crash safety: kill -9 at random points and failing system calls lose nothing acknowledged.

A child process (forked, so the imports are paid once) saves in a loop and reports each save
after the call returned; the parent kills it with SIGKILL at a random moment, opens the store
and checks that every acknowledged save is there, whole, and nothing half-written is.
``pytest --kill-points 1000`` runs more points than CI's 200.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from domain.errors import DiskFull, StoreError
from sync import durable, fsio
from sync.store import Store


def _child_loop(path: Path, ack_fd: int) -> None:
    """Save forever: each round one transaction (a meeting, two tasks and the counter)."""
    durable.CHECKPOINT_BYTES = 40_000  # checkpoints (file renames) happen often
    store = Store.open(path)
    unit = store.find_by_name("unit", "Đơn vị")[0].id
    counter = store.find_by_name("task", "counter")[0]
    n = int(counter.flat.get("notes") or 0)
    while True:
        n += 1
        with store.transaction() as tx:
            meeting = tx.add(
                "meeting",
                {"title": f"m{n}", "date": "27/05/2022", "minutes": "Biên bản " * (n % 40)},
            )
            for part in "ab":
                tx.add(
                    "task", {"title": f"t{n}{part}", "lead_unit_id": unit, "meeting_id": meeting.id}
                )
            tx.update(counter.id, {"notes": str(n)})
        os.write(ack_fd, f"{n}\n".encode())


def _run_and_kill(path: Path, rng: random.Random) -> list[int]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        try:
            _child_loop(path, write_fd)
        finally:
            os._exit(1)
    os.close(write_fd)
    time.sleep(rng.uniform(0.005, 0.12))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    data = b""
    while chunk := os.read(read_fd, 65536):
        data += chunk
    os.close(read_fd)
    return [int(line) for line in data.decode().split("\n") if line.strip().isdigit()]


def _check(path: Path, acked: set[int]) -> int:
    store = Store.open(path)
    try:
        meetings = {r.title: r for r in store.list("meeting")}
        tasks = {r.title for r in store.list("task")}
        for n in acked:
            assert f"m{n}" in meetings, f"acknowledged save {n} lost"
            assert {f"t{n}a", f"t{n}b"} <= tasks
        for title, meeting in meetings.items():  # nothing half-written
            n = int(title[1:])
            kids = {c.title for c in store.children(meeting.id, "task")}
            assert kids == {f"t{n}a", f"t{n}b"}, f"torn transaction {n}"
        counter = store.find_by_name("task", "counter")[0]
        last = int(counter.flat.get("notes") or 0)
        assert last >= max(acked, default=0)
        assert len(meetings) == last
        return last
    finally:
        store.close()


@pytest.mark.slow
def test_sigkill_at_random_points_loses_no_acknowledged_save(
    tmp_path: Path, kill_points: int
) -> None:
    path = tmp_path / "p"
    store = Store.create(path, office="vn/x", name="x")
    u = store.add("unit", {"name": "Đơn vị"})
    store.add("task", {"title": "counter", "lead_unit_id": u.id})
    store.close()
    rng = random.Random(20221121)
    acked: set[int] = set()
    for _ in range(kill_points):
        acked.update(_run_and_kill(path, rng))
        _check(path, acked)
    assert len(acked) > kill_points, "the child should have saved many times"


# ---------------------------------------------------------------------------
# Every system call of a save fails in turn
# ---------------------------------------------------------------------------
class Faults:
    """Make the k-th call of one fsio system call raise."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str, at: int, err: int) -> None:
        self.calls = 0
        original = getattr(fsio, name)

        def failing(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == at:
                raise OSError(err, os.strerror(err))
            return original(*args, **kwargs)

        monkeypatch.setattr(fsio, name, failing)


def _fresh(path: Path) -> tuple[Store, str]:
    store = Store.create(path, office="vn/x", name="x")
    u = store.add("unit", {"name": "Đơn vị"})
    store.add("task", {"title": "trước", "lead_unit_id": u.id})
    return store, u.id


def _state(store: Store) -> list[dict[str, Any]]:
    return sorted(
        (r.export() for r in store.list(None, include_deleted=True)), key=lambda r: r["id"]
    )


@pytest.mark.parametrize("name", ["_write", "_fsync"])
@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EIO])
def test_a_failing_save_keeps_the_previous_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, err: int
) -> None:
    store, unit = _fresh(tmp_path / "p")
    before = _state(store)
    pending = store.pending_count()
    with monkeypatch.context() as m:
        Faults(m, name, 1, err)
        with pytest.raises(StoreError) as caught:
            store.add("task", {"title": "sau", "lead_unit_id": unit})
    if err == errno.ENOSPC:
        assert isinstance(caught.value, DiskFull)
        assert "đầy" in caught.value.message("vi") and "full" in caught.value.message("en")
    assert _state(store) == before and store.pending_count() == pending
    store.add("task", {"title": "sau khi hết lỗi", "lead_unit_id": unit})
    store.close()
    again = Store.open(tmp_path / "p")
    assert sorted(r.title for r in again.list("task")) == ["sau khi hết lỗi", "trước"]
    again.close()


@pytest.mark.parametrize("name", ["_write", "_fsync", "_replace", "_open"])
@pytest.mark.parametrize("at", [1, 2, 3, 4, 5, 6])
def test_a_failing_checkpoint_keeps_every_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, at: int
) -> None:
    store, unit = _fresh(tmp_path / "p")
    store.add("task", {"title": "đã lưu", "lead_unit_id": unit})
    before = _state(store)
    with monkeypatch.context() as m:
        faults = Faults(m, name, at, errno.ENOSPC)
        try:
            store.checkpoint()
        except StoreError as exc:
            assert isinstance(exc, DiskFull)
        assert faults.calls >= 1
    assert _state(store) == before
    with contextlib.suppress(StoreError):
        store.close()
    again = Store.open(tmp_path / "p")
    assert _state(again) == before
    again.close()

"""Every public read of the store is safe against a commit on another thread.

One thread commits records in a loop (new tasks under two meetings, edits, deletions) while
the test's thread iterates ``list`` / ``search`` / ``children`` 10,000 times in all.  No call
may raise, and every answer must be consistent: each ID ``list`` returns reads back with
``doc``, the counts only grow, the children of a meeting are all that meeting's.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.store import Store

READS = 10_000
#: Tasks the writer creates before it only edits them (the reads stay cheap).
RECORDS = 300
#: Between two of the writer's commits (seconds): commits still land between reads.
WRITER_PAUSE = 0.0002


def _writer(store: Store, meetings: list[str], unit: str, stop: threading.Event) -> None:
    """New tasks (every seventh deleted) up to :data:`RECORDS`, then edits of them."""
    made: list[str] = []
    n = 0
    while not stop.is_set():
        if len(made) < RECORDS:
            fields = {"title": f"Kết luận số {n}", "lead_unit_id": unit}
            with store.transaction() as tx:
                task = tx.add("task", {**fields, "meeting_id": meetings[n % len(meetings)]})
                tx.update(task.id, {"title": f"Kết luận số {n} (sửa)"})
            made.append(task.id)
            if n % 7 == 0:
                store.delete(task.id)
        else:
            rid = made[n % len(made)]
            if not store.require(rid).deleted:
                store.update(rid, {"title": f"Kết luận số {n} (sửa lại)"})
        n += 1
        # Let the reading thread in: a writer that takes the lock straight back after each
        # commit starved the reads (one CI run spent 15 minutes on 10,000 of them).
        time.sleep(WRITER_PAUSE)


@pytest.fixture
def often_switching() -> Iterator[None]:
    """Threads switch every 10 µs (not 5 ms): the reads and the commits interleave finely."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


@pytest.mark.usefixtures("often_switching")
def test_reads_are_consistent_while_another_thread_commits(tmp_path: Path) -> None:
    store = Store.create(tmp_path / "p", office="vn/bac-giang", name="Sở TT&TT")
    unit = store.add("unit", {"name": "Sở Nội vụ", "abbr": "SNV"}).id
    meetings = [
        store.add("meeting", {"title": f"Họp quý {q}", "date": "27/05/2022"}).id for q in (1, 2)
    ]
    stop = threading.Event()
    failures: list[BaseException] = []
    commits = threading.Semaphore(0)
    store.listeners.append(lambda _store: commits.release())

    def write() -> None:
        try:
            _writer(store, meetings, unit, stop)
        except BaseException as exc:  # reported by the test's thread
            failures.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    for _ in range(20):  # the writer is under way before the reads start
        assert commits.acquire(timeout=10)
    try:
        listed = found = 0
        for i in range(READS):
            if i % 3 == 0:
                tasks = store.list("task", include_deleted=True)
                assert len(tasks) >= listed
                listed = len(tasks)
                assert all(store.doc(t.id) is not None for t in tasks)
            elif i % 3 == 1:
                hits = store.search("ket luan", kinds=["task"], limit=None, include_deleted=True)
                assert len(hits) >= found
                found = len(hits)
                assert all(r.kind == "task" for r in hits)
            else:
                meeting = meetings[i % 2]
                kids = store.children(meeting, "task")
                assert all(r.flat["meeting_id"] == meeting for r in kids)
                assert all(not r.deleted for r in kids)
            assert not failures
    finally:
        stop.set()
        writer.join()
        store.close()
    assert not failures
    assert listed > 20

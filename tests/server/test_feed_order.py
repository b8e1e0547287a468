"""No pull ever skips a committed change (the sequence/commit-order hazard).

Several workers — separate :class:`Database` objects on one database, each with its own
in-process lock, as separate server processes have — take pushes from many writer threads,
each commit delayed by a random pause *after* its feed positions were assigned; many puller
threads follow the feed from their cursors in small pages meanwhile.  When the writers are
done, every puller's records (id → seq) equal the server's."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import orjson
import pytest

from server_stub.auth import Principal
from server_stub.db import Database, Writer
from server_stub.service import Service
from server_stub.settings import ServerSettings
from server_stub.wire import OpIn
from sync.protocol import Op
from tests.helpers.server import BG, Server, change, make_op, task

WORKERS, WRITERS, PULLERS, PUSHES = 3, 8, 6, 12


def _slow_commits(monkeypatch: pytest.MonkeyPatch) -> None:
    flush = Writer.flush_seq

    def delayed(self: Writer) -> None:
        flush(self)
        time.sleep(random.uniform(0, 0.004))  # positions taken, commit not yet made

    monkeypatch.setattr(Writer, "flush_seq", delayed)


def _write(service: Service, n: int) -> None:
    who = Principal(f"tk-w{n}", BG, "office", f"writer {n}")
    first = f"w{n}-1"
    for k in range(1, PUSHES + 1):
        if k % 3 == 0:  # an edit of the writer's first record: a newer seq for an old id
            op = make_op(k, first, {"progress": change(k, 1)}, base_seq=1)
        else:
            op = make_op(k, f"w{n}-{k}", task(f"Việc {n}-{k}"))
        service.push(who, f"w{n}", [OpIn.from_model(Op.model_validate(op))])


def _follow(service: Service, who: Principal, writing: threading.Event) -> dict[str, int]:
    """Pull pages of 5 from the cursor until the writers are done and the feed is drained."""
    have: dict[str, int] = {}
    cursor = 0
    while True:
        done = not writing.is_set()
        page = service.pull(who, cursor, 5)
        for doc in page.docs:
            record: dict[str, Any] = orjson.loads(doc)
            have[record["id"]] = record["seq"]
        assert page.cursor >= cursor
        cursor = page.cursor
        if done and not page.has_more:
            return have


def test_no_pull_skips_a_committed_change(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    _slow_commits(monkeypatch)
    settings = ServerSettings(db=server.location, synchronous="NORMAL")
    workers = [Database(server.location, synchronous="NORMAL") for _ in range(WORKERS)]
    services = [Service(db, settings) for db in workers]
    writing = threading.Event()
    writing.set()
    finals: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run(work: Any, *args: Any) -> None:
        try:
            result = work(*args)
            if result is not None:
                finals.append(result)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    readers = [
        Principal(f"tk-p{n}", "vn" if n % 2 else BG, "hq" if n % 2 else "office", f"p{n}")
        for n in range(PULLERS)
    ]
    pullers = [
        threading.Thread(target=run, args=(_follow, services[n % WORKERS], who, writing))
        for n, who in enumerate(readers)
    ]
    writers = [
        threading.Thread(target=run, args=(_write, services[n % WORKERS], n))
        for n in range(WRITERS)
    ]
    try:
        for thread in (*pullers, *writers):
            thread.start()
        for thread in writers:
            thread.join(timeout=120)
        writing.clear()
        for thread in pullers:
            thread.join(timeout=120)
    finally:
        for db in workers:
            db.close()
    assert errors == []
    with server.db.read() as r:
        expected = {row[1]: row[0] for row in r.scan(0, 10**6)}
    created = {f"w{n}-{k}" for n in range(WRITERS) for k in range(1, PUSHES + 1) if k % 3}
    assert created <= expected.keys()
    assert len(finals) == PULLERS
    for have in finals:
        assert have == expected


def test_a_replicas_ops_apply_once_in_order_whichever_worker_takes_them(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same push retried on every worker at once (a client whose answer was lost): each op
    is applied once, in op order, and the replica's position is its last op."""
    _slow_commits(monkeypatch)
    workers = [Database(server.location, synchronous="NORMAL") for _ in range(WORKERS)]
    settings = ServerSettings(db=server.location, synchronous="NORMAL")
    services = [Service(db, settings) for db in workers]
    who = Principal("tk-bg", BG, "office", "Văn thư")
    ops = [make_op(k, f"r-{k}", task(f"Việc {k}")) for k in range(1, 21)]
    answers: list[int] = []

    def push(service: Service) -> None:
        batch = [OpIn.from_model(Op.model_validate(op)) for op in ops]
        answers.append(service.push(who, "laptop", batch).last_op_seq)

    threads = [threading.Thread(target=push, args=(services[n % WORKERS],)) for n in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        for db in workers:
            db.close()
    assert answers == [20] * 6
    with server.db.read() as r:
        rows = [row for k in range(1, 21) for row in r.history(f"r-{k}")]
        assert r.replica_last_op(BG, "laptop") == 20
    assert [(row.replica_id, row.op_seq) for row in rows] == [("laptop", k) for k in range(1, 21)]
    assert [row.seq for row in rows] == sorted(row.seq for row in rows)

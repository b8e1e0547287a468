"""Concurrent pushes share one durable write transaction (group commit, issue 10): one
commit flush serves many offices' syncs, and none is answered before that commit is made."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from server_stub.auth import Principal
from server_stub.db import Writer
from server_stub.service import PushResult, Service
from server_stub.wire import OpIn
from sync.protocol import Op
from tests.helpers.server import BG, HN, YT, Server, make_op, task

OFFICES = (BG, HN, YT)


def _who(n: int) -> Principal:
    return Principal(f"tk-{n}", OFFICES[n % 3], "office", f"user {n}")


def _op(n: int) -> OpIn:
    scope = OFFICES[n % 3]
    return OpIn.from_model(Op.model_validate(make_op(1, f"rec-{n}", task(), scope=scope)))


def _count_writes(server: Server, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every write transaction opened from now on, counted."""
    opened: list[int] = []
    write: Callable[[], AbstractContextManager[Writer]] = server.db.write

    def counting() -> AbstractContextManager[Writer]:
        opened.append(1)
        return write()

    monkeypatch.setattr(server.db, "write", counting)
    return opened


def _wait_for(check: Callable[[], bool]) -> None:
    give_up = time.monotonic() + 20
    while not check():
        assert time.monotonic() < give_up, "the pushes never queued"
        time.sleep(0.005)


def _push_while_held(service: Service, server: Server, count: int) -> dict[int, Any]:
    """``count`` pushes of different offices sent while a write transaction is held open;
    each push's result (or the exception it raised), by push number."""
    answers: dict[int, Any] = {}

    def push(n: int) -> None:
        try:
            answers[n] = service.push(_who(n), f"replica-{n}", [_op(n)])
        except Exception as exc:  # the test looks at what each push was told
            answers[n] = exc

    with server.db.write():
        threads = [threading.Thread(target=push, args=(n,)) for n in range(count)]
        for thread in threads:
            thread.start()
        _wait_for(lambda: server.db.group.waiting == count)
    for thread in threads:
        thread.join()
    return answers


def _stored(server: Server) -> dict[str, int]:
    with server.db.read() as r:
        found = r.records(f"rec-{n}" for n in range(20))
        return {rid: record.seq for rid, record in found.items()}


def test_pushes_waiting_together_are_committed_in_one_transaction(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = Service(server.db, server.settings)
    opened = _count_writes(server, monkeypatch)
    answers = _push_while_held(service, server, 6)
    assert len(opened) == 2  # the transaction held open, then one for all six pushes
    assert all(isinstance(a, PushResult) for a in answers.values()), answers
    statuses = {n: [(r["op_seq"], r["status"]) for r in a.results] for n, a in answers.items()}
    assert statuses == {n: [(1, "applied")] for n in range(6)}
    assert sorted(_stored(server).values()) == [1, 2, 3, 4, 5, 6]


def test_no_push_is_answered_when_the_shared_commit_fails(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = Service(server.db, server.settings)
    flush = Writer.flush_seq

    def failing(self: Writer) -> None:
        flush(self)
        if threading.current_thread() is not threading.main_thread():  # not the held one
            raise OSError("disk full")

    monkeypatch.setattr(Writer, "flush_seq", failing)
    answers = _push_while_held(service, server, 4)
    assert {n: str(a) for n, a in answers.items()} == {n: "disk full" for n in range(4)}
    assert _stored(server) == {}
    monkeypatch.setattr(Writer, "flush_seq", flush)
    again = service.push(_who(0), "replica-0", [_op(0)])
    assert [(r["op_seq"], r["status"], r["seq"]) for r in again.results] == [(1, "applied", 1)]


def test_a_failing_push_is_undone_alone_and_the_others_are_stored(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = Service(server.db, server.settings)
    push_chunk = service._push_chunk

    def third_fails(w: Writer, who: Principal, replica_id: str, *rest: Any) -> Any:
        out = push_chunk(w, who, replica_id, *rest)  # its rows written, then it fails
        if replica_id == "replica-2":
            raise RuntimeError("broken")
        return out

    monkeypatch.setattr(service, "_push_chunk", third_fails)
    answers = _push_while_held(service, server, 5)
    assert isinstance(answers.pop(2), RuntimeError)
    assert {n: a.last_op_seq for n, a in answers.items()} == {0: 1, 1: 1, 3: 1, 4: 1}
    stored = _stored(server)
    assert stored == {f"rec-{n}": stored[f"rec-{n}"] for n in (0, 1, 3, 4)}
    assert sorted(stored.values()) == [1, 2, 3, 4]  # the undone push took no feed position
    with server.db.read() as r:
        assert r.replica_last_op(_who(2).office, "replica-2") == 0


def test_a_write_the_database_refuses_fails_its_own_push_alone(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a push's writes are sent after its step has run (in one round trip):
    an error the database raises for them is still that push's, not the next one's."""
    service = Service(server.db, server.settings)
    set_replica = Writer.set_replica

    def third_refused(self: Writer, office: str, replica_id: str, *rest: Any) -> None:
        set_replica(self, office, replica_id, *rest)
        if replica_id == "replica-2":  # a second meta row: refused by its primary key
            self.conn.defer(
                "INSERT INTO meta (id, server_id, db_version, seq, created_at) "
                "VALUES (1, 'x', 1, 0, 'x')"
            )

    monkeypatch.setattr(Writer, "set_replica", third_refused)
    answers = _push_while_held(service, server, 5)
    refused = answers.pop(2)
    assert isinstance(refused, server.db._engine.errors), refused
    assert {n: a.last_op_seq for n, a in answers.items()} == {0: 1, 1: 1, 3: 1, 4: 1}
    stored = _stored(server)
    assert sorted(stored) == ["rec-0", "rec-1", "rec-3", "rec-4"]
    assert sorted(stored.values()) == [1, 2, 3, 4]


def test_a_replicas_last_seen_time_rides_along_with_the_pushes(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = Service(server.db, server.settings)
    opened = _count_writes(server, monkeypatch)
    with server.db.write():
        threads = [
            threading.Thread(target=service.push, args=(_who(0), "replica-0", [_op(0)])),
            threading.Thread(target=service.pull, args=(_who(1), 0, 10, "replica-1")),
        ]
        for thread in threads:
            thread.start()
        _wait_for(lambda: server.db.group.waiting == 2)
    for thread in threads:
        thread.join()
    assert len(opened) == 2  # the transaction held open, then one for the push and the pull
    with server.db.read() as r:
        seen = {(office, rid): at is not None for office, rid, at in r.replica_stats()}
    assert seen == {(BG, "replica-0"): True, (HN, "replica-1"): True}


def test_after_a_failed_step_the_others_of_its_group_run_again_once_from_their_start(
    server: Server,
) -> None:
    calls: list[str] = []

    def step(name: str, last_op: int) -> Callable[[Writer], bool]:
        def run(w: Writer) -> bool:
            calls.append(name)
            if name == "bad":
                raise RuntimeError("broken")
            w.set_replica(BG, "x", last_op, None)
            return True

        return run

    errors: list[str] = []

    def bad() -> None:
        try:
            server.db.group.run([(1, step("bad", 9))], 10)
        except RuntimeError as exc:
            errors.append(str(exc))

    with server.db.write():
        first = threading.Thread(
            target=server.db.group.run, args=([(1, step("a1", 1)), (1, step("a2", 2))], 10)
        )
        first.start()
        _wait_for(lambda: server.db.group.waiting == 1)
        second = threading.Thread(target=bad)
        second.start()
        _wait_for(lambda: server.db.group.waiting == 2)
    first.join()
    second.join()
    assert (calls, errors) == (["a1", "bad", "a1", "a2"], ["broken"])
    with server.db.read() as r:
        assert r.replica_last_op(BG, "x") == 2

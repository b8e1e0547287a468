"""Large pushes are applied in chunks of write transactions, handed the write lock in turn,
so one office's big push does not hold every other office's sync up (issue 13, F3)."""

from __future__ import annotations

import threading
import time

from server_stub.auth import Principal
from server_stub.db import FairLock
from server_stub.service import Service
from server_stub.wire import OpIn
from sync.protocol import Op
from tests.helpers.server import BG, HN, Server, make_op, task

BG_WHO = Principal("tk-bg", BG, "office", "u")


def _ops(start: int, count: int, scope: str = BG) -> list[OpIn]:
    return [
        OpIn.from_model(Op.model_validate(make_op(n, f"{scope}-{n}", task(), scope=scope)))
        for n in range(start, start + count)
    ]


def test_a_large_push_is_applied_in_chunks_with_the_counter(server: Server) -> None:
    service = Service(server.db, server.settings.model_copy(update={"push_chunk_ops": 250}))
    commits = []
    write = server.db.write

    def counting_write():  # type: ignore[no-untyped-def]
        commits.append(1)
        return write()

    server.db.write = counting_write  # type: ignore[method-assign]
    try:
        result = service.push(BG_WHO, "r", _ops(1, 600))
    finally:
        server.db.write = write  # type: ignore[method-assign]
    assert result.last_op_seq == 600 and len(result.results) == 600
    assert {r["status"] for r in result.results} == {"applied"}
    assert len(commits) == 3
    again = service.push(BG_WHO, "r", _ops(1, 600))
    assert {r["status"] for r in again.results} == {"duplicate"} and again.last_op_seq == 600


def test_a_gap_in_a_later_chunk_stops_the_push_there(server: Server) -> None:
    service = Service(server.db, server.settings.model_copy(update={"push_chunk_ops": 100}))
    ops = _ops(1, 150) + _ops(152, 100)
    result = service.push(BG_WHO, "r", ops)
    assert result.last_op_seq == 150 and len(result.results) == 150


def test_the_write_lock_goes_to_waiters_in_turn() -> None:
    lock = FairLock()
    order: list[str] = []
    lock.__enter__()
    started = threading.Event()

    def other() -> None:
        started.set()
        with lock:
            order.append("other")

    thread = threading.Thread(target=other)
    thread.start()
    started.wait()
    time.sleep(0.05)
    lock.__exit__(None, None, None)
    with lock:  # asks again at once, as a chunked push does: the waiter goes first
        order.append("again")
    thread.join()
    assert order == ["other", "again"]


def test_another_office_gets_in_between_the_chunks_of_a_big_push(server: Server) -> None:
    service = Service(server.db, server.settings.model_copy(update={"push_chunk_ops": 50}))
    seqs: dict[str, int] = {}

    def big() -> None:
        service.push(BG_WHO, "big", _ops(1, 5000))

    thread = threading.Thread(target=big)
    thread.start()
    time.sleep(0.05)
    small = service.push(Principal("tk-hn", HN, "office", "h"), "small", _ops(1, 1, HN))
    thread.join()
    seqs["small"] = small.results[0]["seq"]
    with server.db.read() as r:
        seqs["big_last"] = r.meta()[1]
    assert seqs["small"] < seqs["big_last"], "the small push did not wait for the whole big one"

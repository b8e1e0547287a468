"""A pull of several pages asks for the next page as soon as an answer says there is more,
and takes the answer it has meanwhile (in a worker thread) (issue 10): the server makes page
N + 1 and the link carries it while the replica writes page N.  The page asked ahead is used
only if taking page N left the replica exactly where it was asked from, with nothing to
send; otherwise it is dropped (a read: harmless) and asked for again as usual."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from sync import apply
from sync.client import SyncClient
from sync.store import Store

BG = "vn/bac-giang"
PAGES = 3
PER_PAGE = 4


def _rid(n: int) -> str:
    return f"0190a0b0-0000-7000-8000-{n:012d}"


def _state(n: int) -> dict[str, Any]:
    return {
        "id": _rid(n),
        "kind": "task",
        "scope": BG,
        "fields": {"title": f"Việc số {n} của tỉnh", "lead_unit_id": "u1"},
        "deleted": False,
        "versions": {"title": n + 1},
        "seq": n + 1,
        "updated_at": "2024-05-01T02:00:00+00:00",
        "updated_by": "Văn phòng tỉnh",
        "office": BG,
    }


class FeedServer:
    """A feed of PAGES pages of PER_PAGE records (cursor = the last seq on the page); every
    request body as it came, and ``seen`` set when a request from ``watch_since`` arrives."""

    def __init__(self, watch_since: int | None = None) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.watch_since = watch_since
        self.seen = threading.Event()
        self.last_op_seq = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = orjson.loads(request.content)
        self.bodies.append(body)
        since = body["since"]
        if since == self.watch_since:
            self.seen.set()
        upto = min(since + PER_PAGE, PAGES * PER_PAGE)
        ops = body["ops"]
        self.last_op_seq = max([self.last_op_seq, *(op["op_seq"] for op in ops)])
        answer = {
            "schema_version": 1,
            "server_id": "s1",
            "last_op_seq": self.last_op_seq,
            "results": [
                {"op_seq": op["op_seq"], "status": "applied", "seq": 100 + op["op_seq"]}
                for op in ops
            ],
            "records": [_state(n) for n in range(since, upto)],
            "remove": [],
            "cursor": upto,
            "has_more": upto < PAGES * PER_PAGE,
            "head": PAGES * PER_PAGE,
            "cursor_tag": f"{upto}.t",
        }
        return httpx.Response(200, content=orjson.dumps(answer))


def _client(store: Store, server: FeedServer) -> SyncClient:
    return SyncClient(
        store,
        server_url="http://hq",
        token="t",
        transport=httpx.MockTransport(server.handle),
        retries=0,
    )


def _sinces(server: FeedServer) -> list[tuple[int, int]]:
    """(since, ops sent) of every request, in order."""
    return [(b["since"], len(b["ops"])) for b in server.bodies]


def _titles(store: Store) -> list[str]:
    return sorted(r.get("title") for r in store.list("task"))


def test_the_next_page_is_asked_for_before_this_one_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taking page 1 waits (up to 5 s) for the request of page 2: it comes while page 1 is
    still being written, so the store's cursor is still 0 when the server sees it."""
    server = FeedServer(watch_since=PER_PAGE)
    store = Store.create(tmp_path / "r", office=BG, name="Bắc Giang")
    take = apply.take_answer
    asked_while_taking: list[tuple[bool, int]] = []

    def slow_take(s: Store, answer: Any, *args: Any, **kwargs: Any) -> bool:
        if answer["cursor"] == PER_PAGE:
            asked = server.seen.wait(5)
            asked_while_taking.append((asked, int(s.meta("cursor", 0) or 0)))
        return take(s, answer, *args, **kwargs)

    monkeypatch.setattr(apply, "take_answer", slow_take)
    client = _client(store, server)
    result = asyncio.run(client.sync())

    assert asked_while_taking == [(True, 0)]
    assert _sinces(server) == [(0, 0), (4, 0), (8, 0)]
    assert result.requests == 3
    assert result.pulled == PAGES * PER_PAGE
    assert _titles(store) == sorted(f"Việc số {n} của tỉnh" for n in range(PAGES * PER_PAGE))
    assert store.meta("cursor") == PAGES * PER_PAGE
    assert store.meta("feed_tag") == f"{PAGES * PER_PAGE}.t"


def test_a_page_asked_for_is_dropped_when_an_edit_waits_to_be_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit made while page 1 is being taken: the page asked ahead (no ops) is dropped,
    the next request carries the edit from the same cursor, and nothing is lost."""
    server = FeedServer()
    store = Store.create(tmp_path / "r", office=BG, name="Bắc Giang")
    take = apply.take_answer

    def take_then_edit(s: Store, answer: Any, *args: Any, **kwargs: Any) -> bool:
        done = take(s, answer, *args, **kwargs)
        if answer["cursor"] == PER_PAGE:
            s.add("task", {"title": "Việc mới thêm khi đang đồng bộ", "lead_unit_id": "u1"})
        return done

    monkeypatch.setattr(apply, "take_answer", take_then_edit)
    client = _client(store, server)
    result = asyncio.run(client.sync())

    assert _sinces(server) == [(0, 0), (4, 0), (4, 1), (8, 0)]
    assert result.pushed == 1
    assert store.pending_count() == 0
    expected = [f"Việc số {n} của tỉnh" for n in range(PAGES * PER_PAGE)]
    assert _titles(store) == sorted([*expected, "Việc mới thêm khi đang đồng bộ"])
    assert store.meta("cursor") == PAGES * PER_PAGE


def test_a_sync_cancelled_while_a_page_is_taken_lets_the_page_be_written_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app cancels a sync at exit: a page being written in the worker thread is written
    whole, cursor and records together, before the cancelled sync returns."""
    server = FeedServer()
    store = Store.create(tmp_path / "r", office=BG, name="Bắc Giang")
    take = apply.take_answer
    taking = threading.Event()

    def slow_take(s: Store, answer: Any, *args: Any, **kwargs: Any) -> bool:
        if answer["cursor"] == PER_PAGE:
            taking.set()
            threading.Event().wait(0.3)
        return take(s, answer, *args, **kwargs)

    monkeypatch.setattr(apply, "take_answer", slow_take)

    async def cancel_mid_page() -> None:
        client = _client(store, server)
        task = asyncio.ensure_future(client.sync())
        while not taking.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert store.meta("cursor") == PER_PAGE
        assert _titles(store) == sorted(f"Việc số {n} của tỉnh" for n in range(PER_PAGE))
        await client.aclose()

    asyncio.run(cancel_mid_page())
    # the next sync goes on from where the cancelled one stopped
    asyncio.run(_client(store, server).sync())
    assert store.meta("cursor") == PAGES * PER_PAGE
    assert [s for s, _ in _sinces(server)][-2:] == [4, 8]

"""While one batch is at the server the client makes the next one (encoded and deflated) in a
worker thread (issue 10), and uses it only if it is still exactly the outbox's next batch;
the request body is one gzip member made of separately deflated blocks."""

from __future__ import annotations

import asyncio
import gzip
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from server_stub.limits import _Inflater
from sync import client as client_module
from sync.client import SyncClient, _deflate, _gzip
from sync.store import Store

BG = "vn/bac-giang"


def _server_inflate(data: bytes) -> bytes:
    """As the server's body limit layer reads a gzip body, as it arrives in pieces."""
    inflater = _Inflater(limit=64_000_000)
    for start in range(0, len(data), 65_536):
        inflater.feed(data[start : start + 65_536])
    return inflater.finish()


@pytest.mark.parametrize("sizes", [(0, 0, 1), (30, 5000, 1), (7, 200_000, 1), (1, 0, 3)])
def test_blocks_deflated_apart_make_one_gzip_member(sizes: tuple[int, ...]) -> None:
    rng = random.Random(sum(sizes))
    words = ["việc", "kế hoạch", "báo cáo", '"ops":', "{}", "2022"]
    parts = [" ".join(rng.choice(words) for _ in range(n)).encode() for n in sizes]
    joined = b"".join(parts)
    for ahead in ((None, None, None), (None, _deflate(parts[1]), None)):
        body = _gzip(parts, ahead)
        assert gzip.decompress(body) == joined
        assert _server_inflate(body) == joined


def _answer(body: dict[str, Any], upto: int | None = None) -> dict[str, Any]:
    ops = [op for op in body["ops"] if upto is None or op["op_seq"] <= upto]
    return {
        "last_op_seq": ops[-1]["op_seq"] if ops else 0,
        "results": [
            {"op_seq": op["op_seq"], "status": "applied", "seq": op["op_seq"]} for op in ops
        ],
        "records": [],
        "remove": [],
        "cursor": 0,
        "server_id": "s1",
    }


def _push(
    tmp_path: Path,
    count: int,
    answer: Callable[[int, dict[str, Any], Store], dict[str, Any]],
) -> tuple[list[dict[str, Any]], Store]:
    """Push ``count`` new tasks in batches of 20; every request body as the server read it."""
    bodies: list[dict[str, Any]] = []
    store = Store.create(tmp_path / "p", office=BG, name="Bắc Giang")

    def handle(request: httpx.Request) -> httpx.Response:
        raw = request.content
        if request.headers.get("Content-Encoding") == "gzip":
            raw = _server_inflate(raw)
        body = orjson.loads(raw)
        bodies.append(body)
        return httpx.Response(200, content=orjson.dumps(answer(len(bodies), body, store)))

    with store.transaction() as tx:
        for n in range(count):
            tx.add("task", {"title": f"Việc số {n} của kế hoạch năm", "lead_unit_id": "u1"})
    client = SyncClient(
        store,
        server_url="http://hq",
        token="t",
        transport=httpx.MockTransport(handle),
        batch_ops=20,
    )
    asyncio.run(client.sync())
    asyncio.run(client.aclose())
    return bodies, store


def _sent(bodies: list[dict[str, Any]]) -> list[int]:
    return [op["op_seq"] for body in bodies for op in body["ops"]]


def test_the_batch_made_ahead_is_the_one_sent_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packed: list[int] = []
    real = client_module._pack

    def counting(*args: Any) -> Any:
        made = real(*args)
        packed.append(len(made.ops))
        return made

    monkeypatch.setattr(client_module, "_pack", counting)
    bodies, store = _push(tmp_path, 50, lambda _n, body, _store: _answer(body))
    try:
        assert _sent(bodies) == list(range(1, 51))
        assert packed == [20, 20, 10]  # each batch made once: two of them ahead of time
        assert store.pending_count() == 0
    finally:
        store.close()


def test_an_op_added_while_a_batch_is_at_the_server_is_sent_in_its_turn(tmp_path: Path) -> None:
    def answer(n: int, body: dict[str, Any], store: Store) -> dict[str, Any]:
        if n == 2:  # the third batch was being made ahead: it now lacks this op
            with store.transaction() as tx:
                tx.add("task", {"title": "Việc thêm trong lúc đồng bộ", "lead_unit_id": "u1"})
        return _answer(body)

    bodies, store = _push(tmp_path, 50, answer)
    try:
        assert _sent(bodies) == list(range(1, 52))
        assert store.pending_count() == 0
    finally:
        store.close()


def test_a_batch_answered_in_part_is_followed_by_the_rest_not_the_batch_made_ahead(
    tmp_path: Path,
) -> None:
    def answer(n: int, body: dict[str, Any], _store: Store) -> dict[str, Any]:
        return _answer(body, upto=10 if n == 1 else None)  # the server stopped at a gap

    bodies, store = _push(tmp_path, 50, answer)
    try:
        assert _sent(bodies)[:25] == [*range(1, 21), *range(11, 16)]
        assert sorted(set(_sent(bodies))) == list(range(1, 51))
        assert store.pending_count() == 0
    finally:
        store.close()

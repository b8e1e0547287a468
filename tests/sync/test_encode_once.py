"""The client encodes each op it pushes once (issue 10): its JSON both counts toward the
batch's size and goes into the request as it is — the request body is byte for byte what
encoding the whole request at once would give."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import orjson
import pytest

from sync import client as client_module
from sync.client import SyncClient
from sync.store import Store

BG = "vn/bac-giang"


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    ops = body["ops"]
    return {
        "last_op_seq": ops[-1]["op_seq"] if ops else 0,
        "results": [
            {"op_seq": op["op_seq"], "status": "applied", "seq": op["op_seq"]} for op in ops
        ],
        "records": [],
        "remove": [],
        "cursor": len(ops),
        "server_id": "s1",
    }


def test_each_op_is_encoded_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    encoded: list[Any] = []
    real = orjson.dumps

    def counting(obj: Any, *args: Any, **kwargs: Any) -> bytes:
        encoded.append(obj)
        return real(obj, *args, **kwargs)

    spy = SimpleNamespace(
        dumps=counting,
        loads=orjson.loads,
        Fragment=orjson.Fragment,
        JSONDecodeError=orjson.JSONDecodeError,
    )
    monkeypatch.setattr(client_module, "orjson", spy)  # the client's encoding, not the store's
    bodies: list[bytes] = []

    def handle(request: httpx.Request) -> httpx.Response:
        body = request.content
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        bodies.append(body)
        return httpx.Response(200, content=real(_answer(orjson.loads(body))))

    store = Store.create(tmp_path / "p", office=BG, name="Bắc Giang")
    try:
        with store.transaction() as tx:
            for n in range(30):
                tx.add("task", {"title": f"Việc số {n}", "lead_unit_id": "u1"})
        sent = store.pending_ops()
        client = SyncClient(
            store,
            server_url="http://hq",
            token="t",
            transport=httpx.MockTransport(handle),
            batch_ops=20,
        )
        asyncio.run(client.sync())
        asyncio.run(client.aclose())
        assert store.pending_count() == 0
    finally:
        store.close()
    ops_encoded = [o for o in encoded if isinstance(o, dict) and "op_seq" in o]
    for body in encoded:  # a request's ops as a list of dicts: encoded a second time
        if isinstance(body, dict) and isinstance(body.get("ops"), list):
            ops_encoded += body["ops"]
    assert sorted(op["op_seq"] for op in ops_encoded) == [op["op_seq"] for op in sent]
    first = orjson.loads(bodies[0])
    assert first["ops"] == sent[:20]
    assert bodies[0] == real(first)  # the body is what encoding it whole would give
    assert [len(orjson.loads(b)["ops"]) for b in bodies] == [20, 10]

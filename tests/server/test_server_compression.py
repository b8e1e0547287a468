"""Response compression: zstd for clients that ask for it, gzip for the others, and nothing
for a client that accepts neither or a response too small to gain."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest
import zstandard
from hypothesis import given
from hypothesis import strategies as st
from starlette.types import Message, Receive, Scope, Send

from server_stub.compression import CompressionMiddleware, negotiate
from tests.helpers.server import Api, make_op, task


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("identity", None),
        ("br", None),
        ("gzip", "gzip"),
        ("GZip", "gzip"),
        ("zstd", "zstd"),
        ("gzip, zstd", "zstd"),
        ("zstd, gzip", "zstd"),
        ("gzip, deflate, br, zstd", "zstd"),
        ("gzip;q=1, zstd;q=0.5", "gzip"),
        ("zstd;q=0, gzip", "gzip"),
        ("zstd;q=0, gzip;q=0", None),
        ("zstd ; q=0.2 , gzip ; q=0.2", "zstd"),
        ("*", "zstd"),
        ("*;q=0, gzip", "gzip"),
        ("gzip;q=0, *;q=0.3", "zstd"),
        ("gzip;q=abc", None),
        ("gzip;q=2", None),
        (",,;,", None),
    ],
)
def test_the_encoding_follows_the_clients_accept_encoding(
    header: str, expected: str | None
) -> None:
    assert negotiate(header) == expected


@given(st.text(max_size=60))
def test_any_accept_encoding_gives_an_encoding_the_client_did_not_refuse(header: str) -> None:
    chosen = negotiate(header)
    assert chosen in (None, "zstd", "gzip")
    if chosen is not None:
        named = {item.split(";")[0].strip().lower() for item in header.split(",")}
        assert chosen in named or "*" in named


async def _pull(api: Api, accept: str) -> httpx.Response:
    return await api.client.get(
        "/v1/pull", headers={**api.headers("bg"), "Accept-Encoding": accept}
    )


async def _forty_tasks(api: Api) -> None:
    ops = [make_op(n, f"t{n}", task(f"Nhiệm vụ số {n}")) for n in range(1, 41)]
    await api.push("bg", "a", ops)


async def test_a_client_that_asks_for_zstd_gets_the_same_page_in_zstd(api: Api) -> None:
    await _forty_tasks(api)
    plain = await _pull(api, "identity")
    assert "content-encoding" not in plain.headers
    headers, raw = await _raw(api, "zstd, gzip")
    assert (headers["content-encoding"], headers["vary"]) == ("zstd", "Accept-Encoding")
    assert int(headers["content-length"]) == len(raw)
    assert _page(zstandard.ZstdDecompressor().decompress(raw)) == _page(plain.content)
    assert len(raw) < len(plain.content) // 4


async def test_a_client_without_zstd_still_gets_gzip(api: Api) -> None:
    await _forty_tasks(api)
    plain = await _pull(api, "identity")
    headers, raw = await _raw(api, "gzip, deflate")
    assert (headers["content-encoding"], headers["vary"]) == ("gzip", "Accept-Encoding")
    assert _page(gzip.decompress(raw)) == _page(plain.content)


def _page(body: bytes) -> dict[str, Any]:
    """A pull page without its ``server_time`` (which differs between two requests)."""
    page = orjson.loads(body)
    del page["server_time"]
    assert len(page["records"]) == 40
    return dict(page)


async def test_a_small_answer_is_sent_as_it_is(api: Api) -> None:
    response = await api.client.get(
        "/v1/whoami", headers={**api.headers("bg"), "Accept-Encoding": "zstd, gzip"}
    )
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.json()["office"] == "vn/bac-giang"


async def _raw(api: Api, accept: str) -> tuple[httpx.Headers, bytes]:
    """A pull's headers and its body as it came on the wire (``response.content`` would be
    decoded by httpx)."""
    request = api.client.build_request(
        "GET", "/v1/pull", headers={**api.headers("bg"), "Accept-Encoding": accept}
    )
    response = await api.client.send(request, stream=True)
    try:
        return response.headers, b"".join([chunk async for chunk in response.aiter_raw()])
    finally:
        await response.aclose()


# ---------------------------------------------------------------------------
# The middleware on its own: streamed bodies and bodies already encoded
# ---------------------------------------------------------------------------
def _app(chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> Callable[..., Any]:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for n, chunk in enumerate(chunks):
            more = n < len(chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})

    return app


async def _through(app: Callable[..., Any], accept: str) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(b"accept-encoding", accept.encode())],
    }
    await CompressionMiddleware(app)(scope, receive, send)
    return sent


def _headers(start: Message) -> dict[bytes, bytes]:
    return dict(start["headers"])


async def test_a_streamed_answer_is_compressed_chunk_by_chunk() -> None:
    chunks = [orjson.dumps({"n": n, "title": "Chuyển đổi số " * 50}) for n in range(5)]
    sent = await _through(_app(chunks, [(b"content-type", b"application/json")]), "zstd")
    start, bodies = sent[0], sent[1:]
    assert _headers(start) == {
        b"content-type": b"application/json",
        b"vary": b"Accept-Encoding",
        b"content-encoding": b"zstd",
    }
    assert [m["more_body"] for m in bodies] == [True, True, True, True, False]
    out = zstandard.ZstdDecompressor().decompressobj()
    assert b"".join(out.decompress(m["body"]) for m in bodies) == b"".join(chunks)


async def test_an_answer_already_encoded_is_left_alone() -> None:
    body = gzip.compress(b"x" * 5000)
    headers = [(b"content-encoding", b"gzip"), (b"content-length", str(len(body)).encode())]
    sent = await _through(_app([body], headers), "zstd, gzip")
    assert sent == [
        {"type": "http.response.start", "status": 200, "headers": headers},
        {"type": "http.response.body", "body": body, "more_body": False},
    ]

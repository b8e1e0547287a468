"""Tokens, scopes, limits and logs: what an attacker or a broken client runs into."""

from __future__ import annotations

import gzip
import hashlib
import io
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import orjson
import pytest

from server_stub import auth, logs
from sync.protocol import ErrorBody
from tests.helpers.server import BG, HN, Api, Server, change, make_op, stored_bytes, task

MIB = 1024 * 1024
ENDPOINTS = ("sync", "push", "pull", "history", "offices", "health")
WHO = ("none", "bad", "revoked", "expired", "other_office", "own_office", "outside_scope", "hq")
UNAUTHORIZED = {
    "none": "server.auth_missing",
    "bad": "server.auth_invalid",
    "revoked": "server.auth_revoked",
    "expired": "server.auth_expired",
}
TOKEN_OF = {
    "other_office": "hn",
    "own_office": "bg",
    "outside_scope": "bg",
    "hq": "hq",
    "revoked": "revoked",
    "expired": "expired",
    "bad": "bad",
    "none": None,
}


def _body(who: str) -> dict[str, Any]:
    scope = HN if who == "outside_scope" else BG
    return {
        "schema_version": 1,
        "replica_id": f"r-{who}",
        "ops": [make_op(1, f"new-{who}", task("Ghi mới"), scope=scope)],
    }


async def _call(api: Api, endpoint: str, who: str) -> httpx.Response:
    token = TOKEN_OF[who]
    headers = api.headers(token) if token else {}
    if endpoint in ("sync", "push"):
        return await api.client.post(f"/v1/{endpoint}", json=_body(who), headers=headers)
    path = {
        "pull": "/v1/pull",
        "history": "/v1/records/t-bg/history",
        "offices": "/v1/offices",
        "health": "/v1/health",
    }[endpoint]
    return await api.client.get(path, headers=headers)


def _expected(endpoint: str, who: str) -> int:
    if endpoint == "health":
        return 200
    if who in UNAUTHORIZED:
        return 401
    if endpoint == "offices":
        return 200 if who == "hq" else 403
    if endpoint == "history" and who == "other_office":
        return 404
    return 200


def _allowed_write(endpoint: str, who: str) -> bool:
    return endpoint in ("sync", "push") and who in ("own_office", "hq")


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_security_matrix(api: Api, endpoint: str, who: str) -> None:
    await api.edit("bg", "seed", "t-bg", task())
    response = await _call(api, endpoint, who)
    assert response.status_code == _expected(endpoint, who), response.text
    body = response.json()
    if response.status_code != 200:
        error = ErrorBody.model_validate(body)
        if who in UNAUTHORIZED:
            assert error.error == UNAUTHORIZED[who]
        assert error.message and error.message_en and error.message != error.message_en
        return
    if endpoint in ("sync", "push"):
        (result,) = body["results"]
        if _allowed_write(endpoint, who):
            assert result["status"] == "applied"
        else:
            assert result["status"] == "rejected"
            assert result["reason"] == "sync.reject.out_of_scope"
        records, _removed, _cursor = await api.pull_all("hq")
        assert (f"new-{who}" in records) == _allowed_write(endpoint, who)
    if endpoint == "pull":
        ids = {r["id"] for r in body["records"]}
        assert ("t-bg" in ids) == (who in ("own_office", "outside_scope", "hq"))


async def test_revocation_takes_effect_on_the_next_request(api: Api, server: Server) -> None:
    assert (await api.client.get("/v1/pull", headers=api.headers("bg2"))).status_code == 200
    auth.revoke_token(server.db, server.token_ids["bg2"])
    again = await api.client.get("/v1/pull", headers=api.headers("bg2"))
    assert again.status_code == 401 and again.json()["error"] == "server.auth_revoked"


@pytest.mark.parametrize("header", ["Basic Zm9vOmJhcg==", "Bearer", "Bearer ", "st_abc", ""])
async def test_malformed_authorization_headers_are_401(api: Api, header: str) -> None:
    response = await api.client.get("/v1/pull", headers={"Authorization": header})
    assert response.status_code == 401


async def test_the_database_file_holds_no_token(api: Api, server: Server) -> None:
    for who in ("hq", "bg", "yt", "hn", "revoked", "expired"):
        await api.client.get("/v1/pull", headers=api.headers(who))
    await api.edit("bg", "a", "t1", task())
    raw = stored_bytes(server.location)
    assert hashlib.sha256(server.tokens["hq"].encode()).hexdigest().encode() in raw  # scan works
    for token in server.tokens.values():
        assert token.encode() not in raw
        assert token[3:].encode() not in raw


async def test_logs_are_json_lines_without_tokens(api: Api, server: Server) -> None:
    stream = io.StringIO()
    logs.configure("info", stream)
    try:
        await api.edit("bg", "a", "t1", task())
        await api.client.get("/v1/pull", headers={**api.headers("hq"), "X-Request-ID": "req-42"})
        for who in ("bad", "revoked", "expired", "hn"):
            await api.client.get("/v1/offices", headers=api.headers(who))
        # A token pasted into the URL is refused (unknown parameter) and not logged either.
        misplaced = await api.client.get("/v1/pull", params={"token": server.tokens["hq"]})
        assert misplaced.status_code == 422
    finally:
        logs.get_logger().handlers.clear()
    text = stream.getvalue()
    for token in server.tokens.values():
        assert token not in text and token[3:] not in text
    lines = [orjson.loads(line) for line in text.splitlines()]
    assert len(lines) == 7
    for line in lines:
        assert {
            "time",
            "level",
            "event",
            "method",
            "path",
            "status",
            "duration_ms",
            "office",
            "token_id",
            "request_id",
        } <= set(line)
    pull = lines[1]
    assert (pull["path"], pull["status"], pull["office"], pull["request_id"]) == (
        "/v1/pull",
        200,
        "vn",
        "req-42",
    )
    assert pull["token_id"] == server.token_ids["hq"]
    assert [line["status"] for line in lines[2:]] == [401, 401, 401, 403, 422]


async def test_unexpected_errors_are_500_error_bodies_without_traceback(
    api: Api, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server_stub.service import Service

    def broken(*_args: Any, **_kwargs: Any) -> bytes:
        raise RuntimeError("disk on fire /etc/secret-path")

    monkeypatch.setattr(Service, "pull_json", broken)
    stream = io.StringIO()
    logs.configure("info", stream)
    try:
        response = await api.client.get("/v1/pull", headers=api.headers("bg"))
    finally:
        logs.get_logger().handlers.clear()
    assert response.status_code == 500
    error = response.json()
    assert error["error"] == "server.internal"
    assert "secret-path" not in response.text and "Traceback" not in response.text
    assert response.headers["x-request-id"] in error["message"]
    logged = orjson.loads(stream.getvalue().splitlines()[-1])
    assert logged["status"] == 500 and logged["error"] == "RuntimeError"


# ---------------------------------------------------------------------------
# Size limits and compression
# ---------------------------------------------------------------------------
class Chunks:
    """An endless-looking request body that counts how much of it the server read."""

    def __init__(self, total: int, size: int = MIB) -> None:
        self.left = total
        self.chunk = b" " * size
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.left > 0:
            self.left -= len(self.chunk)
            self.sent += len(self.chunk)
            yield self.chunk


async def test_content_length_over_the_cap_is_refused_before_reading(api: Api) -> None:
    body = Chunks(9 * MIB)
    response = await api.client.post(
        "/v1/sync",
        content=body.__aiter__(),
        headers={**api.headers("bg"), "Content-Length": str(9 * MIB)},
    )
    assert response.status_code == 413 and response.json()["error"] == "server.too_large"
    assert body.sent <= MIB


async def test_chunked_body_is_cut_off_at_the_cap_with_bounded_memory(api: Api) -> None:
    body = Chunks(100 * MIB)
    tracemalloc.start()
    try:
        response = await api.client.post(
            "/v1/sync", content=body.__aiter__(), headers=api.headers("bg")
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 413
    assert response.json()["message_en"].startswith("The request is too large")
    assert body.sent <= 10 * MIB, "the server kept reading past the 8 MiB cap"
    assert peak < 24 * MIB


def _bomb(size: int) -> Iterator[bytes]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * MIB
    for _ in range(size // MIB):
        yield compressor.compress(zeros)
    yield compressor.flush()


async def test_gzip_bomb_is_refused(api: Api) -> None:
    bomb = b"".join(_bomb(200 * MIB))
    assert len(bomb) < MIB
    tracemalloc.start()
    try:
        response = await api.client.post(
            "/v1/sync", content=bomb, headers={**api.headers("bg"), "Content-Encoding": "gzip"}
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 413
    assert peak < 48 * MIB


async def test_gzip_request_bodies_are_accepted(api: Api) -> None:
    raw = orjson.dumps({"schema_version": 1, "replica_id": "a", "ops": [make_op(1, "t1", task())]})
    response = await api.client.post(
        "/v1/sync",
        content=gzip.compress(raw),
        headers={
            **api.headers("bg"),
            "Content-Encoding": "gzip",
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 200 and response.json()["results"][0]["status"] == "applied"


@pytest.mark.parametrize(
    ("encoding", "content", "error"),
    [
        ("gzip", b"not gzip at all", "server.bad_gzip"),
        ("gzip", gzip.compress(b'{"schema_version": 1}')[:-6], "server.bad_gzip"),
        ("br", b"{}", "server.bad_encoding"),
    ],
)
async def test_broken_compression_is_a_400(
    api: Api, encoding: str, content: bytes, error: str
) -> None:
    response = await api.client.post(
        "/v1/sync", content=content, headers={**api.headers("bg"), "Content-Encoding": encoding}
    )
    assert response.status_code == 400 and response.json()["error"] == error


async def test_large_responses_are_gzipped_for_clients_that_accept_it(api: Api) -> None:
    await api.push("bg", "a", [make_op(n, f"t{n}", task(f"Nhiệm vụ số {n}")) for n in range(1, 40)])
    response = await api.client.get(
        "/v1/pull", headers={**api.headers("bg"), "Accept-Encoding": "gzip"}
    )
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["records"]) == 39


# ---------------------------------------------------------------------------
# Rate limit
# ---------------------------------------------------------------------------
async def test_rate_limit_is_per_token_with_retry_after(server: Server) -> None:
    app = server.app(rate=0.5, burst=3)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        api = Api(client, server.tokens)
        statuses = [
            (await client.get("/v1/pull", headers=api.headers("bg"))).status_code for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        limited = await client.get("/v1/pull", headers=api.headers("bg"))
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        error = limited.json()
        assert error["error"] == "server.rate_limited" and error["retry_after"] > 0
        assert limited.headers["retry-after"] in error["message"]
        other = await client.get("/v1/pull", headers=api.headers("hq"))
        assert other.status_code == 200


async def test_a_nul_character_from_a_client_is_data_not_a_server_error(api: Api) -> None:
    """PostgreSQL text holds no NUL (SQLite's does): the same answers on both backends."""
    body = await api.sync("bg", "máy\x00a", [])
    assert (body["last_op_seq"], body["results"]) == (0, [])
    first = await api.edit("bg", "máy\x00a", "t1", task(), author="Nguyễn\x00An")
    again = await api.edit("bg", "máy\x00a", "t1", {"progress": change(40, first["seq"])})
    assert (first["status"], again["status"]) == ("applied", "applied")
    bad = await api.edit("bg", "máy\x00a", "t\x002", task())
    assert (bad["status"], bad["message"]) == (
        "rejected",
        "Mã bản ghi có ký tự không được phép.",
    )
    records, _removed, _cursor = await api.pull_all("hq")
    assert sorted(records) == ["t1"] and records["t1"]["fields"]["progress"] == 40

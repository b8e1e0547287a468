"""The central service in-process, for every test that needs one: a seeded database
(``seed``), ops as replicas send them, an HTTP client wrapper (``Api``) and sync clients that
reach the app over ASGI behind a switch that can cut the link (``Server.client``).  The
fixtures ``server`` and ``api`` (conftest.py) are built from here."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from server_stub import auth
from server_stub.app import create_app
from server_stub.db import Database
from server_stub.settings import ServerSettings
from sync.client import SyncClient
from sync.store import Store

EDITED_AT = "2024-05-01T09:00:00+07:00"
BG = "vn/bac-giang"
YT = "vn/bac-giang/yen-the"
HN = "vn/ha-noi"


def change(value: Any, base: int = 0, text: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"value": value, "base_version": base}
    if text is not None:
        out["base_text"] = text
    return out


def make_op(
    op_seq: int,
    record_id: str,
    changes: dict[str, Any],
    *,
    kind: str = "task",
    scope: str = BG,
    base_seq: int = 0,
    author: str = "Nguyễn Văn An",
    edited_at: str = EDITED_AT,
    noop: bool = False,
    resolves: str | None = None,
    resolution: str | None = None,
) -> dict[str, Any]:
    """An op as a replica sends it; a bare value in ``changes`` means base_version 0.

    ``resolves``/``resolution``: the op resolves that conflict with that choice."""
    wire = {k: v if isinstance(v, dict) and "value" in v else change(v) for k, v in changes.items()}
    op = {
        "op_seq": op_seq,
        "record_id": record_id,
        "kind": kind,
        "scope": scope,
        "changes": wire,
        "base_seq": base_seq,
        "edited_at": edited_at,
        "author": author,
        "noop": noop,
    }
    if resolves is not None:
        op["resolves"] = resolves
        op["resolution"] = resolution
    return op


def task(title: object = "Triển khai phần mềm quản lý văn bản", **more: Any) -> dict[str, Any]:
    return {"title": title, "lead_unit_id": "unit-so-tttt", **more}


@dataclass
class Api:
    """Thin helpers over an in-process HTTP client."""

    client: httpx.AsyncClient
    tokens: dict[str, str]
    replica_seq: dict[str, int] = field(default_factory=dict)

    def headers(self, who: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}

    async def sync(
        self,
        who: str,
        replica: str,
        ops: list[dict[str, Any]],
        since: int = 0,
        limit: int | None = None,
        expect: int = 200,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "schema_version": 1,
            "replica_id": replica,
            "ops": ops,
            "since": since,
        }
        if limit is not None:
            body["limit"] = limit
        response = await self.client.post("/v1/sync", json=body, headers=self.headers(who))
        assert response.status_code == expect, response.text
        return dict(response.json())

    async def push(self, who: str, replica: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
        response = await self.client.post(
            "/v1/push",
            json={"schema_version": 1, "replica_id": replica, "ops": ops},
            headers=self.headers(who),
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def edit(
        self, who: str, replica: str, record_id: str, changes: dict[str, Any], **op: Any
    ) -> dict[str, Any]:
        """Push one op with the replica's next op_seq; return its result."""
        seq = self.replica_seq.get(replica, 0) + 1
        self.replica_seq[replica] = seq
        body = await self.push(who, replica, [make_op(seq, record_id, changes, **op)])
        assert body["last_op_seq"] == seq, body
        return dict(body["results"][0])

    async def pull_all(
        self, who: str, since: int = 0, limit: int | None = None
    ) -> tuple[dict[str, dict[str, Any]], set[str], int]:
        """Every page after ``since``: (records by id, removed ids, final cursor)."""
        records: dict[str, dict[str, Any]] = {}
        removed: set[str] = set()
        for _ in range(1000):
            params: dict[str, Any] = {"since": since}
            if limit:
                params["limit"] = limit
            response = await self.client.get("/v1/pull", params=params, headers=self.headers(who))
            assert response.status_code == 200, response.text
            page = response.json()
            for rec in page["records"]:
                records[rec["id"]] = rec
                removed.discard(rec["id"])
            for rid in page["remove"]:
                records.pop(rid, None)
                removed.add(rid)
            assert page["cursor"] >= since
            since = page["cursor"]
            if not page["has_more"]:
                return records, removed, since
        raise AssertionError("pull never finished")

    async def record(self, record_id: str) -> dict[str, Any]:
        records, _removed, _cursor = await self.pull_all("hq")
        return records[record_id]


class Switch(httpx.AsyncBaseTransport):
    """The in-process server behind a switch: ``down`` makes every request fail as a cut
    link would (the server "stopped"); ``fail_after`` lets N more requests through first."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.down = False
        self.fail_after: int | None = None
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.fail_after is not None:
            if self.fail_after <= 0:
                self.down = True
            self.fail_after -= 1
        if self.down:
            raise httpx.ConnectError("server stopped", request=request)
        self.requests += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _no_wait(_seconds: float) -> None:
    return None


@dataclass
class Server:
    """A seeded database and the settings to serve it; ``tokens`` by name (see ``seed``)."""

    db: Database
    settings: ServerSettings
    tokens: dict[str, str]
    token_ids: dict[str, str]
    #: The database: a SQLite file, or a PostgreSQL URL (see :class:`Databases`).
    location: Path | str

    @classmethod
    def make(cls, location: Path | str) -> Server:
        settings = ServerSettings(db=location, synchronous="NORMAL")
        db = Database(location, synchronous="NORMAL")
        tokens, ids = seed(db)
        return cls(db, settings, tokens, ids, location)

    def app(self, **overrides: Any) -> Any:
        settings = self.settings.model_copy(update=overrides) if overrides else self.settings
        return create_app(settings, db=self.db)

    def client(self, store: Store, who: str = "bg", **kwargs: Any) -> tuple[SyncClient, Switch]:
        """A sync client for ``store`` with ``who``'s token, one retry and no waiting."""
        switch = Switch(httpx.ASGITransport(app=self.app()))
        client = SyncClient(
            store,
            server_url="http://sotay.test",
            token=self.tokens[who],
            transport=switch,
            retries=1,
            sleep=_no_wait,
            **kwargs,
        )
        return client, switch


def seed(db: Database) -> tuple[dict[str, str], dict[str, str]]:
    """Offices vn, Bắc Giang, Yên Thế, Hà Nội; tokens by name and their ids.

    ``bad`` is a token the server never issued; ``revoked`` and ``expired`` are what they say."""
    for scope, name in (
        ("vn", "Ban Chỉ đạo Trung ương"),
        (BG, "Bắc Giang"),
        (YT, "Yên Thế"),
        (HN, "Hà Nội"),
    ):
        auth.add_office(db, scope, name)
    made = {
        "hq": auth.create_token(db, "vn", "hq", "Thư ký Ban"),
        "bg": auth.create_token(db, BG, "office", "Văn thư Bắc Giang"),
        "bg2": auth.create_token(db, BG, "office", "Chuyên viên Bắc Giang"),
        "yt": auth.create_token(db, YT, "office", "Văn thư Yên Thế"),
        "hn": auth.create_token(db, HN, "office", "Văn thư Hà Nội"),
        "revoked": auth.create_token(db, BG, "office", "Người đã nghỉ"),
        "expired": auth.create_token(
            db, BG, "office", "Hết hạn", expires_days=1, now=datetime.now(UTC) - timedelta(days=3)
        ),
    }
    auth.revoke_token(db, made["revoked"].row.id)
    tokens = {k: v.token for k, v in made.items()}
    tokens["bad"] = "st_" + "x" * 43
    return tokens, {k: v.row.id for k, v in made.items()}


BACKENDS = ("sqlite", "postgresql")
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def pg_url() -> str:
    return os.environ.get("SOTAY_TEST_PG", PG_DEFAULT)


def pg_in_schema(url: str, schema: str) -> str:
    """``url`` with ``schema`` as its search path (every table the server makes goes there)."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


_pg_unreachable: list[str] = []  # the reason, once known (one probe per test session)


def require_pg() -> None:
    """Skip the test when no PostgreSQL answers at SOTAY_TEST_PG; under CI=true, fail it."""
    import psycopg

    if not _pg_unreachable:
        try:
            psycopg.connect(pg_url(), connect_timeout=3).close()
            _pg_unreachable.append("")
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            _pg_unreachable.append(f"no PostgreSQL at SOTAY_TEST_PG={pg_url()}: {first}")
    reason = _pg_unreachable[0]
    if reason and os.environ.get("CI") == "true":
        pytest.fail(reason)
    if reason:
        pytest.skip(reason)


class Databases:
    """Fresh, empty server databases of one backend for one test: files in ``folder``, or
    schemas of their own in SOTAY_TEST_PG (dropped afterwards), so tests never see each
    other's rows."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        self.folder = folder
        self.schemas: list[str] = []

    def new(self, name: str = "server") -> Path | str:
        if self.backend == "sqlite":
            return self.folder / f"{name}.db"
        import psycopg

        schema = f"t_{name.replace('-', '_')}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(pg_url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        self.schemas.append(schema)
        return pg_in_schema(pg_url(), schema)

    @classmethod
    @contextmanager
    def of(cls, backend: str, folder: Path) -> Iterator[Databases]:
        if backend == "postgresql":
            require_pg()
        made = cls(backend, folder)
        try:
            yield made
        finally:
            made.drop()

    def drop(self) -> None:
        if not self.schemas:
            return
        import psycopg

        with psycopg.connect(pg_url(), autocommit=True) as conn:
            for schema in self.schemas:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        self.schemas.clear()


def stored_bytes(location: Path | str) -> bytes:
    """Everything a server database holds, as bytes: the SQLite file (and its WAL), or every
    row of every table of the PostgreSQL schema as text."""
    if not isinstance(location, str):
        return b"".join(p.read_bytes() for p in location.parent.glob(f"{location.name}*"))
    import psycopg

    with psycopg.connect(location) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
        rows = [conn.execute(f"SELECT x::text FROM {name} x").fetchall() for (name,) in tables]
    return "\n".join(str(r[0]) for table in rows for r in table).encode()

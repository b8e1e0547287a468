"""Fixtures for the central service: a fresh database with offices and tokens, and an HTTP
client that talks to the app in-process (httpx + ASGITransport, no sockets)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from server_helpers import Api, Server, seed

from server_stub.db import Database
from server_stub.settings import ServerSettings


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    path = tmp_path / "server.db"
    settings = ServerSettings(db=path, synchronous="NORMAL")
    db = Database(path, synchronous="NORMAL")
    tokens, ids = seed(db)
    yield Server(db, settings, tokens, ids, path)
    db.close()


@pytest.fixture
async def api(server: Server) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=server.app())
    async with httpx.AsyncClient(transport=transport, base_url="http://sotay.test") as client:
        yield Api(client, server.tokens)

"""Fixtures for the central service: an HTTP client that talks to the in-process app (httpx +
ASGITransport, no sockets) with the seeded tokens; the ``server`` itself is tests/conftest.py's."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.helpers.server import Api, Server


@pytest.fixture
async def api(server: Server) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=server.app())
    async with httpx.AsyncClient(transport=transport, base_url="http://sotay.test") as client:
        yield Api(client, server.tokens)

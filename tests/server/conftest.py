"""Fixtures for the central service: an HTTP client that talks to the in-process app (httpx +
ASGITransport, no sockets) with the seeded tokens; the ``server`` itself is tests/conftest.py's.
Every test that uses a database (through ``server``, ``databases`` or ``backend``) runs over
SQLite and over PostgreSQL (SOTAY_TEST_PG, default ``postgresql://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.helpers.server import BACKENDS, Api, Server


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test here that touches a database runs on both backends."""
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
async def api(server: Server) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=server.app())
    async with httpx.AsyncClient(transport=transport, base_url="http://sotay.test") as client:
        yield Api(client, server.tokens)

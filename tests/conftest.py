"""Shared test configuration: the catalogues (strict), hypothesis profiles, the crash-loop
switch, store fixtures.

``pytest --kill-points 1000`` runs the SIGKILL crash test at 1,000 points (CI default 200);
``SOTAY_HYPOTHESIS=deep`` runs the property tests with many more examples.

The ``clock``, ``store`` and in-process ``server`` fixtures are the only ones (built from
tests.helpers): tests/tui and tests/reports start the clock elsewhere, and tests/sync's
``server`` is a real process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from domain.i18n import load_catalogues
from sync.store import Store
from tests.helpers.clock import Clock
from tests.helpers.server import Databases, Server

# Every package's words, strict: an unknown key or a missing parameter fails the test.
load_catalogues("sync", "documents", "tui", "server_stub", strict=True)

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "deep",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("SOTAY_HYPOTHESIS", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--kill-points",
        type=int,
        default=200,
        help="SIGKILL points for the crash-safety test (CI: 200; try 1000)",
    )
    parser.addoption(
        "--sync-steps",
        type=int,
        default=50,
        help="steps per example of the stateful sync model (CI: 50)",
    )


@pytest.fixture
def kill_points(request: pytest.FixtureRequest) -> int:
    return int(request.config.getoption("--kill-points"))


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2022, 5, 2, 8, 0, tzinfo=UTC))


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    """The office's store: Bắc Giang, written by Nguyễn Thị Lan, on the ``clock`` fixture."""
    with Store.create(
        tmp_path / "office",
        office="vn/bac-giang",
        name="Văn phòng BCĐ tỉnh Bắc Giang",
        author="Nguyễn Thị Lan",
        clock=clock,
    ) as made:
        yield made


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The server's database backend: ``sqlite`` unless a test directory parametrises it
    (tests/server runs over ``sqlite`` and ``postgresql``)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def databases(backend: str, tmp_path: Path) -> Iterator[Databases]:
    """Fresh server databases of the ``backend`` (PostgreSQL: skipped if unreachable, failed
    under CI=true)."""
    with Databases.of(backend, tmp_path) as made:
        yield made


@pytest.fixture
def server(databases: Databases) -> Iterator[Server]:
    """The central service in-process on a seeded database (tests.helpers.server.seed)."""
    made = Server.make(databases.new())
    yield made
    made.db.close()

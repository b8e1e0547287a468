"""Shared test configuration: the catalogues (strict), hypothesis profiles, the crash-loop
switch, store fixtures.

``pytest --kill-points 1000`` runs the SIGKILL crash test at 1,000 points (CI default 200);
``SOTAY_HYPOTHESIS=deep`` runs the property tests with many more examples.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from domain.i18n import load_catalogues

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


class Clock:
    """A controllable clock for stores: ``clock.set(2022, 6, 20)``, ``clock.advance(days=1)``."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2022, 5, 2, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, year: int, month: int, day: int, hour: int = 9) -> None:
        self.now = datetime(year, month, day, hour, tzinfo=UTC)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store_factory(tmp_path: Path, clock: Clock) -> Iterator[Callable[..., object]]:
    from sync.store import Store

    opened: list[Store] = []

    def make(name: str = "office", office: str = "vn/bac-giang", role: str = "office") -> Store:
        store = Store.create(
            tmp_path / name, office=office, name=f"Văn phòng {name}", role=role, clock=clock
        )
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(store_factory: Callable[..., object]) -> object:
    return store_factory()

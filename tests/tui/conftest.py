"""Fixtures for driving the real app: its clock is fixed (tests.helpers.app), so the ``store``
of tests/conftest.py is on it; ``ids`` are the seed records'."""

from __future__ import annotations

import pytest

from sync.store import Store
from tests.helpers.app import NOW, fill_office
from tests.helpers.clock import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)  # the instant make_app's fixed_clock shows


@pytest.fixture
def ids(store: Store) -> dict[str, str]:
    return fill_office(store)

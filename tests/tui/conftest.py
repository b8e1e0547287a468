"""Fixtures for driving the real app on a temporary store (see tui_helpers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_helpers import OFFICE, Server, fixed_clock, make_server, seed

from sync.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    made = Store.create(
        tmp_path / "office",
        office=OFFICE,
        name="Văn phòng BCĐ tỉnh Bắc Giang",
        author="Nguyễn Thị Lan",
        clock=fixed_clock,
    )
    yield made
    made.close()


@pytest.fixture
def ids(store: Store) -> dict[str, str]:
    return seed(store)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    made = make_server(tmp_path)
    yield made
    made.db.close()

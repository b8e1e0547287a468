"""The sync tests' ``server`` is a real ``sotay-server`` process (tests.helpers.server_process),
not the in-process one of tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.server_process import Server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    srv = Server(tmp_path / "hq.db")
    yield srv
    srv.stop()

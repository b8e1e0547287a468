"""Fixtures for the outputs: a profile loaded with the demo data, and a clock the test moves
(for edits at controlled dates in the ``store`` of tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sync.store import Store
from tests.helpers.clock import Clock
from tui.cli import run
from tui.commands.records import load_demo

VN = timezone(timedelta(hours=7))


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    data = tmp_path / "profile"
    with Store.create(data, office="vn", name="HQ", role="hq") as store:
        load_demo(store)
    return data


@pytest.fixture
def demo_store(demo_dir: Path) -> Iterator[Store]:
    with Store.open(demo_dir) as store:
        yield store


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2022, 1, 3, 9, 0, tzinfo=VN))


@pytest.fixture
def cli(demo_dir: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    def call(*args: str) -> tuple[int, str, str]:
        lang = [] if "--lang" in args else ["--lang", "vi"]
        code = run(["--data", str(demo_dir), *lang, *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return call

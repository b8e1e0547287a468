"""Fixtures for the outputs: a profile loaded with the demo data, and stores whose clock the
test moves (for edits at controlled dates)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sync.store import Store
from tui.cli import run
from tui.commands.records import load_demo

VN = timezone(timedelta(hours=7))


class Clock:
    """A clock the test sets: ``clock.at(2022, 6, 20)``."""

    def __init__(self) -> None:
        self.now = datetime(2022, 1, 3, 9, 0, tzinfo=VN)

    def __call__(self) -> datetime:
        return self.now

    def at(self, year: int, month: int, day: int, hour: int = 9) -> None:
        self.now = datetime(year, month, day, hour, 0, tzinfo=VN)


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
    return Clock()


@pytest.fixture
def clocked_store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    with Store.create(
        tmp_path / "clocked", office="vn/test", name="Test", role="office", clock=clock
    ) as store:
        yield store


@pytest.fixture
def cli(demo_dir: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    def call(*args: str) -> tuple[int, str, str]:
        lang = [] if "--lang" in args else ["--lang", "vi"]
        code = run(["--data", str(demo_dir), *lang, *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return call

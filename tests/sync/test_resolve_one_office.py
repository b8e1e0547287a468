"""``resolve --keep theirs`` between two computers of one office set up the same way (same
office, same author name: the secretariat's two laptops), and the conflicts list as a person
reads it: the field's label, both values, and which side is this computer's."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from textual.widgets import Static

from server_stub.auth import create_token
from sync import conflicts
from sync.client import SyncClient
from sync.store import Store
from tests.helpers.app import SIZE, make_app
from tests.helpers.server import Server
from tui.cli import run
from tui.screens.conflicts import ConflictsScreen
from tui.widgets.table import VirtualTable

OFFICE = "vn/bac-giang"


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[tuple[Store, Store, str, str]]:
    """Two laptops of one office, one author name, a conflict on a task's progress."""
    server = Server.make(tmp_path / "hq.db")
    app = server.app(rate=1e6, burst=10**6)
    stores, clients = [], []
    for name in ("a", "b"):
        store = Store.create(tmp_path / name, office=OFFICE, name="Bắc Giang", author="Văn thư")
        token = create_token(server.db, OFFICE, "office", name).token
        transport = httpx.ASGITransport(app=app)
        stores.append(store)
        clients.append(SyncClient(store, server_url="http://hq", token=token, transport=transport))

    def sync(*which: int) -> None:
        for i in which:
            asyncio.run(clients[i].sync())

    a, b = stores
    task = a.add("task", {"title": "Báo cáo quý", "lead_unit_id": "u1"}).id
    sync(0, 1)
    a.update(task, {"progress": 40})
    b.update(task, {"progress": 60})
    sync(0, 1, 0)
    (conflict,) = [c.id for c in a.open_conflicts()]
    yield a, b, task, conflict
    for store in stores:
        store.close()
    server.db.close()


def test_theirs_keeps_the_other_laptops_value(
    laptops: tuple[Store, Store, str, str],
) -> None:
    a, _b, task, conflict = laptops
    assert a.require(task).data["progress"] == 60, "b's arrived last"
    conflicts.resolve(a, conflict, "theirs")
    assert a.require(task).data["progress"] == 60
    assert a.open_conflicts() == []


def test_mine_keeps_this_laptops_value(laptops: tuple[Store, Store, str, str]) -> None:
    a, _b, task, conflict = laptops
    conflicts.resolve(a, conflict, "mine")
    assert a.require(task).data["progress"] == 40


def test_the_sides_name_this_computers_value(laptops: tuple[Store, Store, str, str]) -> None:
    a, _b, _task, conflict = laptops
    assert conflicts.sides(a, a.require(conflict)) == {"mine": "other", "theirs": "current"}


def test_sotay_conflicts_shows_the_label_and_both_values_as_the_app_does(
    laptops: tuple[Store, Store, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    a, _b, _task, _conflict = laptops
    a.close()
    capsys.readouterr()
    assert run(["--data", str(a.path), "--lang", "vi", "conflicts"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[-1].strip() for line in lines[:1]] == ["Của tôi"]
    cells = [cell.strip() for cell in lines[2].split("  ") if cell.strip()]
    assert cells[1:] == [
        "Báo cáo quý",
        "Tiến độ",
        "60%",
        "vn/bac-giang Văn thư",
        "40%",
        "vn/bac-giang Văn thư",
        "40%",
    ]


async def test_the_apps_conflicts_screen_shows_the_label_and_mine_beside_theirs(
    laptops: tuple[Store, Store, str, str],
) -> None:
    a, _b, task, _conflict = laptops
    app = make_app(a)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("8")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConflictsScreen)
        (row,) = screen.query_one("#conflicts", VirtualTable).rows
        assert row.cells["field"] == "Tiến độ"

        def pane(which: str, part: str) -> str:
            return str(screen.query_one(f"#side-{which} .{part}", Static).render())

        assert [pane("mine", "side-title"), pane("mine", "side-value")] == ["Của tôi", "40%"]
        assert [pane("theirs", "side-title"), pane("theirs", "side-value")] == ["Của họ", "60%"]
        await pilot.press("t")
        await pilot.pause()
    assert a.require(task).data["progress"] == 60

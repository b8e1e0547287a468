"""Sync from the app against the in-process central service: status line, failures mid-way,
conflicts arriving and resolved by keeping theirs, the server's history."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from sync.store import Store
from tests.helpers.app import OFFICE, SIZE, fixed_clock, make_app, settle
from tests.helpers.clock import Clock
from tests.helpers.server import Server
from tui.app import SotayApp
from tui.screens.conflicts import ConflictsScreen
from tui.screens.history import HistoryScreen
from tui.widgets.table import VirtualTable


def status(app: SotayApp) -> str:
    return str(app.screen.query_one("#status-text", Static).render())


async def test_status_line_shows_pending_changes_then_zero_after_sync(
    store: Store, ids: dict[str, str], server: Server
) -> None:
    pending = store.pending_count()
    assert pending > 0
    client, _switch = server.client(store)
    app = make_app(store, client)
    async with app.run_test(size=SIZE) as pilot:
        assert f"Chưa đồng bộ: {pending}" in status(app)
        assert "Đồng bộ lần cuối: chưa" in status(app)
        await pilot.press("f5")
        await settle(app, pilot)
        assert "Chưa đồng bộ: 0" in status(app)
        assert "● Trực tuyến" in status(app)
        assert "Đồng bộ lần cuối: chưa" not in status(app)
    assert store.pending_count() == 0


async def test_sync_failing_midway_keeps_changes_and_the_app_responsive(
    store: Store, ids: dict[str, str], server: Server
) -> None:
    with store.transaction() as tx:
        for n in range(40):
            tx.add("task", {"title": f"Việc {n}", "lead_unit_id": ids["TTTT"]})
    total = store.pending_count()
    client, switch = server.client(store, batch_ops=10)
    switch.fail_after = 2  # two exchanges get through, then the server "stops"
    app = make_app(store, client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        left = store.pending_count()
        assert 0 < left < total, "what was answered is kept, the rest stays pending"
        assert "○ Ngoại tuyến" in status(app)
        assert f"Chưa đồng bộ: {left}" in status(app)
        assert any("Chưa đồng bộ được" in str(n.message) for n in app._notifications)
        await pilot.press("3")
        assert app.screen.__class__.__name__ == "TasksScreen"
        assert len(app.screen.query_one("#tasks", VirtualTable).rows) == 42
        switch.down = False
        switch.fail_after = None
        await pilot.press("f5")
        await settle(app, pilot)
        assert "● Trực tuyến" in status(app)
        assert "Chưa đồng bộ: 0" in status(app)
    assert store.pending_count() == 0


async def test_conflict_arrives_with_a_notice_and_is_resolved_by_keeping_theirs(
    store: Store, ids: dict[str, str], server: Server, tmp_path: Path
) -> None:
    hq_store = Store.create(
        tmp_path / "hq",
        office="vn",
        name="Ban Chỉ đạo",
        role="hq",
        author="Thư ký Ban",
        clock=fixed_clock,
    )
    mine, _ = server.client(store)
    theirs, _ = server.client(hq_store, "hq")
    try:
        await mine.sync()
        await theirs.sync()
        hq_store.update(ids["late"], {"title": "Tên do Ban Chỉ đạo sửa"})
        await theirs.sync()
        store.update(ids["late"], {"title": "Tên do Bắc Giang sửa"})
        app = make_app(store, mine)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f5")
            await settle(app, pilot)
            assert any("xung đột mới" in str(n.message) for n in app._notifications)
            assert "Xung đột: 1" in status(app)
            await pilot.press("8")
            screen = app.screen
            assert isinstance(screen, ConflictsScreen)
            mine_pane = str(screen.query_one("#side-mine .side-value", Static).render())
            theirs_pane = str(screen.query_one("#side-theirs .side-value", Static).render())
            assert (mine_pane, theirs_pane) == ("Tên do Bắc Giang sửa", "Tên do Ban Chỉ đạo sửa")
            assert OFFICE in str(screen.query_one("#side-mine .side-who", Static).render())
            await pilot.press("t")
            await pilot.pause()
            assert store.require(ids["late"]).title == "Tên do Ban Chỉ đạo sửa"
            assert not screen.query_one("#conflicts", VirtualTable).rows
            assert "Xung đột: 0" in status(app)
            await pilot.press("f5")
            await settle(app, pilot)
            assert "Chưa đồng bộ: 0" in status(app)
        await theirs.sync()
        assert hq_store.require(ids["late"]).title == "Tên do Ban Chỉ đạo sửa"
        (conflict,) = hq_store.list("conflict")
        assert conflict.data["status"] == "resolved"
    finally:
        await theirs.aclose()
        hq_store.close()


async def test_history_shows_local_edits_and_the_servers_log(
    store: Store, ids: dict[str, str], server: Server, clock: Clock
) -> None:
    client, _switch = server.client(store)
    await client.sync()
    store.update(ids["soon"], {"progress": 50})
    app = make_app(store, client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        clock.advance(minutes=5)
        store.update(ids["soon"], {"progress": 60})  # not sent yet: only this computer has it
        await pilot.press("3")
        app.screen.query_one("#tasks", VirtualTable).select_id(ids["soon"])
        await pilot.press("h")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await settle(app, pilot)
        rows = screen.query_one("#history", VirtualTable).rows
        changes = [(row.cells["source"], row.cells["changes"]) for row in rows]
        assert [c for c in changes if "Tiến độ" in c[1]] == [
            ("máy này", "Tiến độ: 50% → 60%"),
            ("Trên máy chủ", "Tiến độ: ∅ → 50%"),
        ], "each change once: the server's, and what only this computer has"

"""Acceptance 6: pilot tests of the Reports and Import sections, and the roll-up, inside the
real app (number keys 9 and 0, the palette)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import httpx
from textual.app import App
from textual.widgets import Button, Input, Markdown, Select, Static, TextArea

from domain.demo import demo_id
from sync.store import Store
from tests.helpers.app import settle
from tui.app import SotayApp, build_app
from tui.screens.importer import ImportScreen
from tui.screens.reports import ReportsScreen
from tui.screens.rollup import RollupScreen
from tui.widgets.table import VirtualTable

SIZE = (150, 50)


def make_app(store: Store, client: Any = None) -> SotayApp:
    return build_app(
        store, client, sync_interval=None, clock=lambda: datetime(2022, 6, 20, 9, tzinfo=UTC)
    )


def status(app: App[Any]) -> str:
    return str(app.screen.query_one("#status", Static).render())


async def test_reports_screen_previews_saves_and_exports(demo_store: Store, tmp_path: Path) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        screen.query_one("#kind", Select).value = "half"
        screen.query_one("#period", Input).value = "2011-H1"
        screen.query_one("#scope", Input).value = "vn/bac-giang"
        screen.query_one("#recommendations", TextArea).text = "Đề nghị UBND tỉnh bổ sung kinh phí."
        await pilot.click("#preview")
        await settle(app, pilot)
        markdown = screen.query_one("#report-preview", Markdown).source
        assert "| Sở có Một cửa điện tử |  | 6/22 Sở |  |  |" in markdown  # no target in the seed
        assert "Đề nghị UBND tỉnh bổ sung kinh phí." in markdown
        assert "6 tháng đầu năm 2011" in status(app)
        await pilot.click("#save")
        await settle(app, pilot)  # saving rebuilds with what is typed, in the worker
        saved = demo_store.list("report")
        assert len(saved) == 1 and saved[0].data["recommendations"].startswith("Đề nghị UBND")
        screen.query_one("#path", Input).value = str(tmp_path / "bg.docx")
        await pilot.click("#export")
        await pilot.pause()
        text = "\n".join(p.text for p in docx.Document(str(tmp_path / "bg.docx")).paragraphs)
        assert "BÁO CÁO" in text


async def test_reports_screen_shows_a_bad_period_without_crashing(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9", "f2")
        await pilot.pause()
        assert "Preview" in str(app.screen.query_one("#preview", Button).label)
        app.screen.query_one("#period", Input).value = "2022-Q9"
        await pilot.click("#preview")
        await settle(app, pilot)
        assert "2022-Q9" in status(app)
        await pilot.click("#save")  # saving builds first: the same message, nothing saved
        await settle(app, pilot)
        assert "2022-Q9" in status(app) and demo_store.list("report") == []
        await pilot.click("#export")
        await pilot.pause()
        assert "Preview the report" in status(app)
        await pilot.press("escape")  # the section's own screen: nowhere to go back to
        await pilot.pause()
        assert isinstance(app.screen, ReportsScreen)


async def test_import_screen_previews_errors_and_imports_good_rows_once(
    demo_store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(
        "STT;Nội dung nhiệm vụ;Đơn vị chủ trì;Thời gian thực hiện;Kinh phí (triệu đồng)\n"
        "1;Nâng cấp mạng;TTTT;Quý III/2022;1.200\n"
        "2;Mua máy chủ;Trung tâm Thông tin;Quý IV/2022;1,5 tỷ\n"
        "3;;TTTT;2022;10\n"
        "4;Đào tạo;Sở Xây dựng;2022;10\n"
        "5;Cổng thông tin;trung tam thong tin;2022;12,5\n",
        encoding="utf-8",
    )
    before = demo_store.count("task")
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("0")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        app.screen.query_one("#file", Input).value = str(path)
        app.screen.query_one("#plan", Input).value = demo_id("pl.1772")
        await pilot.click("#preview")
        await settle(app, pilot)
        table = app.screen.query_one("#rows", VirtualTable)
        assert len(table.rows) == 5
        issues = {row.cells["line"]: row.cells["issue"] for row in table.rows}
        assert "tỷ" in issues["3"] and "nội dung" in issues["4"] and "Sở Xây dựng" in issues["5"]
        confirm = app.screen.query_one("#confirm", Button)
        assert not confirm.disabled and "2" in str(confirm.label)
        assert demo_store.count("task") == before  # nothing saved before confirming
        await pilot.click("#confirm")
        await settle(app, pilot)
        assert demo_store.count("task") == before + 2
        assert "thêm 2" in status(app)
        await pilot.click("#preview")
        await settle(app, pilot)
        assert app.screen.query_one("#confirm", Button).disabled is False
        await pilot.click("#confirm")
        await settle(app, pilot)
        assert demo_store.count("task") == before + 2 and "thêm 0" in status(app)


async def test_import_screen_reports_an_unreadable_file(demo_store: Store, tmp_path: Path) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("0")
        await pilot.pause()
        app.screen.query_one("#file", Input).value = str(tmp_path / "missing.xlsx")
        app.screen.query_one("#plan", Input).value = "1772/KH-BCĐ"
        await pilot.click("#preview")
        await settle(app, pilot)
        assert "missing.xlsx" in status(app)


async def test_rollup_shows_each_office_and_the_servers_last_sync(
    demo_store: Store, tmp_path: Path
) -> None:
    from server_stub.app import create_app
    from server_stub.auth import add_office, create_token
    from server_stub.db import Database
    from server_stub.settings import ServerSettings
    from sync.client import SyncClient

    settings = ServerSettings(db=tmp_path / "hq.db", rate=1e6, burst=10**6)
    db = Database(settings.db)
    for scope in ("vn", "vn/bac-giang", "vn/ubdt", "vn/btttt"):
        add_office(db, scope, scope)
    server = create_app(settings, db=db)
    hq = create_token(db, "vn", "hq", "hq").token
    bg = create_token(db, "vn/bac-giang", "office", "bg").token
    office = Store.create(tmp_path / "bg", office="vn/bac-giang", name="bg")
    async with SyncClient(
        office, server_url="http://hq", token=bg, transport=httpx.ASGITransport(app=server)
    ) as office_client:
        await office_client.sync()  # Bắc Giang has synced; the other offices never have
    office.close()
    client = SyncClient(
        demo_store, server_url="http://hq", token=hq, transport=httpx.ASGITransport(app=server)
    )
    app = make_app(demo_store, client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9", "ctrl+g")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RollupScreen)
        rows = {row.scope: row for row in screen.query_one(VirtualTable).rows}
        assert set(rows) >= {"vn/bac-giang", "vn/ubdt", "vn/btttt"}
        assert rows["vn/bac-giang"].tasks == 14 and rows["vn/bac-giang"].overdue >= 2
        assert rows["vn/bac-giang"].last_sync is not None
        assert rows["vn/ubdt"].last_sync is None
        table = screen.query_one(VirtualTable)
        lines = [table.render_line(y).text for y in range(1, len(rows) + 1)]
        assert any("vn/ubdt" in line and "không rõ" in line for line in lines)
        await pilot.press("s")  # sort by the next column: still every office
        assert len(screen.query_one(VirtualTable).rows) == len(rows)
    db.close()


async def test_the_export_message_names_the_full_path_of_the_file_written(
    demo_store: Store, tmp_path: Path, monkeypatch: Any
) -> None:
    """Issue 11, point 11: "Đã xuất bao-cao.docx" told nobody which folder it went to."""
    monkeypatch.chdir(tmp_path)
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#kind", Select).value = "half"
        screen.query_one("#period", Input).value = "2011-H1"
        screen.query_one("#scope", Input).value = "vn/bac-giang"
        await pilot.click("#preview")
        await settle(app, pilot)
        screen.query_one("#path", Input).value = "bg.docx"
        await pilot.click("#export")
        await pilot.pause()
        written = tmp_path.resolve() / "bg.docx"
        assert written.is_file()
        assert [str(n.message) for n in app._notifications][-1] == f"Đã xuất {written}"
        assert status(app) == f"Đã xuất {written}"

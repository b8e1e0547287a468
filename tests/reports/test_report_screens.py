"""Acceptance 6: pilot tests of the Reports and Import screens, run inside a minimal app."""

from __future__ import annotations

from pathlib import Path

import docx
from textual.app import App
from textual.widgets import Button, DataTable, Input, Markdown, Select, Static, TextArea

from domain.demo import demo_id
from sync.store import Store
from tui.screens.importer import ImportScreen
from tui.screens.reports import ReportsScreen


class Host(App[None]):
    def __init__(self, screen_factory) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.factory = screen_factory

    def on_mount(self) -> None:
        self.push_screen(self.factory())


async def settle(app: App[None], pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def status(app: App[None]) -> str:
    return str(app.screen.query_one("#status", Static).render())


async def test_reports_screen_previews_saves_and_exports(demo_store: Store, tmp_path: Path) -> None:
    app = Host(lambda: ReportsScreen(demo_store, lang="vi"))
    async with app.run_test(size=(140, 50)) as pilot:
        screen = app.screen
        screen.query_one("#kind", Select).value = "half"
        screen.query_one("#period", Input).value = "2011-H1"
        screen.query_one("#scope", Input).value = "vn/bac-giang"
        screen.query_one("#recommendations", TextArea).text = "Đề nghị UBND tỉnh bổ sung kinh phí."
        await pilot.click("#preview")
        await settle(app, pilot)
        markdown = screen.query_one("#report-preview", Markdown).source
        assert "| Sở có Một cửa điện tử | 22/22 Sở | 6/22 Sở | 27,3% | Không đạt |" in markdown
        assert "Đề nghị UBND tỉnh bổ sung kinh phí." in markdown
        assert "6 tháng đầu năm 2011" in status(app)
        await pilot.click("#save")
        await pilot.pause()
        saved = demo_store.list("report")
        assert len(saved) == 1 and saved[0].data["recommendations"].startswith("Đề nghị UBND")
        screen.query_one("#path", Input).value = str(tmp_path / "bg.docx")
        await pilot.click("#export")
        await pilot.pause()
        text = "\n".join(p.text for p in docx.Document(str(tmp_path / "bg.docx")).paragraphs)
        assert "BÁO CÁO" in text


async def test_reports_screen_shows_a_bad_period_without_crashing(demo_store: Store) -> None:
    app = Host(lambda: ReportsScreen(demo_store, lang="en"))
    async with app.run_test(size=(140, 50)) as pilot:
        app.screen.query_one("#period", Input).value = "2022-Q9"
        await pilot.click("#preview")
        await settle(app, pilot)
        assert "2022-Q9" in status(app)
        await pilot.click("#save")
        await pilot.pause()
        assert "Preview the report" in status(app)


async def test_import_screen_previews_errors_and_imports_good_rows_once(demo_store: Store,
                                                                        tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("STT;Nội dung nhiệm vụ;Đơn vị chủ trì;Thời gian thực hiện;Kinh phí (triệu đồng)\n"
                    "1;Nâng cấp mạng;TTTT;Quý III/2022;1.200\n"
                    "2;Mua máy chủ;Trung tâm Thông tin;Quý IV/2022;1,5 tỷ\n"
                    "3;;TTTT;2022;10\n"
                    "4;Đào tạo;Sở Xây dựng;2022;10\n"
                    "5;Cổng thông tin;trung tam thong tin;2022;12,5\n", encoding="utf-8")
    before = demo_store.count("task")
    app = Host(lambda: ImportScreen(demo_store, lang="vi", path=path, plan_id=demo_id("pl.1772")))
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.click("#preview")
        await settle(app, pilot)
        table = app.screen.query_one("#rows", DataTable)
        assert table.row_count == 5
        issues = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[4]) for i in range(5)}
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
    app = Host(lambda: ImportScreen(demo_store, path=tmp_path / "missing.xlsx", plan_id="1772/KH-BCĐ"))
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.click("#preview")
        await settle(app, pilot)
        assert "missing.xlsx" in status(app)

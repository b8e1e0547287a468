"""Issue 12, Acceptance 7b: from the report screen a secretary edits a section, sets số, Nơi
nhận and the signer, saves with Ctrl+S, regenerates (the edit stays) and exports a .docx that
prints it; "refresh" gives the section back to the generated draft."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
from textual.widgets import Input, Markdown, Select, Static, TextArea

from sync.store import Store
from tests.helpers.app import settle
from tui.app import build_app
from tui.commands.records import load_demo
from tui.screens.reports import ReportsScreen

EDITED = "Một số Sở chưa bố trí cán bộ chuyên trách CNTT.\n- Nguyên nhân: thiếu biên chế."


def saved_report(store: Store) -> dict[str, Any]:
    (record,) = store.list("report")
    return dict(record.data)


async def test_a_report_with_an_edited_section_from_the_report_screen(tmp_path: Path) -> None:
    store = Store.create(tmp_path / "profile", office="vn", name="HQ", role="hq")
    load_demo(store)
    app = build_app(
        store, None, sync_interval=None, clock=lambda: datetime(2022, 6, 20, 9, tzinfo=UTC)
    )
    async with app.run_test(size=(150, 60)) as pilot:
        await pilot.press("9")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        screen.query_one("#kind", Select).value = "half"
        screen.query_one("#period", Input).value = "2011-H1"
        screen.query_one("#scope", Input).value = "vn/bac-giang"
        await pilot.click("#preview")
        await settle(app, pilot)
        assert screen.query_one("#signer", Select).value == Select.NULL
        assert screen.query_one("#number", Input).placeholder.startswith("Số:")
        screen.query_one("#section", Select).value = 3
        await pilot.pause()
        editor = screen.query_one("#section-text", TextArea)
        draft = editor.text
        assert draft == screen.built.document.drafts[3] and draft  # type: ignore[union-attr]
        editor.text = EDITED
        screen.query_one("#number", Input).value = "21/BC-BCĐ"
        screen.query_one("#recipients", TextArea).text = "UBND tỉnh Bắc Giang;\nLưu: VT."
        editor.focus()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Đã lưu báo cáo" in str(screen.query_one("#status", Static).render())
        data = saved_report(store)
        assert (data["section_3"], data["number"]) == (EDITED, "21/BC-BCĐ")
        assert data["recipients"] == "UBND tỉnh Bắc Giang;\nLưu: VT."

        screen.query_one("#number", Input).value = ""
        await pilot.click("#preview")  # regenerated: the record's text and number stay
        await settle(app, pilot)
        markdown = screen.query_one("#report-preview", Markdown).source
        assert "Một số Sở chưa bố trí cán bộ chuyên trách CNTT." in markdown
        assert "- Nguyên nhân: thiếu biên chế." in markdown and "Số: 21/BC-BCĐ" in markdown
        screen.query_one("#path", Input).value = str(tmp_path / "bg.docx")
        await pilot.click("#export")
        await pilot.pause()
        document = docx.Document(str(tmp_path / "bg.docx"))
        text = "\n".join(p.text for p in document.paragraphs)
        cells = "\n".join(c.text for tb in document.tables for r in tb.rows for c in r.cells)
        assert "chuyên trách CNTT.\n- Nguyên nhân: thiếu biên chế." in text
        assert "Số: 21/BC-BCĐ" in cells and "- UBND tỉnh Bắc Giang;\n- Lưu: VT." in cells

        screen.query_one("#section", Select).value = 3
        await pilot.click("#refresh-section")
        await pilot.pause()
        assert screen.query_one("#section-text", TextArea).text == draft
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert saved_report(store).get("section_3") is None
        markdown = screen.query_one("#report-preview", Markdown).source
        assert "chuyên trách CNTT" not in markdown
    store.close()

"""The conclusion notice from the app (issue 12: "No notice from the app"; acceptance 7's
first half), and the palette's output commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
from textual.command import CommandInput
from textual.widgets import Input, Markdown, Select, Static

from domain.i18n import t
from sync.store import Store
from tests.helpers.app import make_app, type_text
from tui.app import SotayApp
from tui.palette import SotayCommands
from tui.screens.meetings import MeetingsScreen, MeetingView
from tui.screens.notice import NoticeScreen, RankingScreen


def seed_meeting(store: Store, ids: dict[str, str]) -> str:
    """A meeting of the province's Ban Chỉ đạo chaired by its head Nguyễn Văn An (his deputy
    Trần Thị Bình signs KT.): two assignments and one conclusion-only line."""
    body = store.add(
        "unit",
        {
            "name": "Ban Chỉ đạo ứng dụng CNTT tỉnh Bắc Giang",
            "unit_kind": "committee",
            "symbol": "BCĐ",
            "signers": {
                ids["Nguyễn Văn An"]: {
                    "position": "Trưởng ban",
                    "form": "tm",
                    "behalf": "Ban Chỉ đạo",
                    "order": 0,
                },
                ids["Trần Thị Bình"]: {
                    "position": "Phó Trưởng ban",
                    "form": "kt",
                    "behalf": "Trưởng ban",
                    "order": 1,
                },
            },
        },
    )
    meeting = store.add(
        "meeting",
        {
            "title": "Họp Ban Chỉ đạo quý II",
            "unit_id": body.id,
            "date": "2024-06-03",
            "chair_id": ids["Nguyễn Văn An"],
            "attendees": {ids["Trần Thị Bình"]: "present"},
        },
    )
    notice = store.add(
        "conclusion",
        {
            "title": "Thông báo kết luận cuộc họp quý II",
            "meeting_id": meeting.id,
            "directives": "Biểu dương các đơn vị hoàn thành sớm",
        },
    )
    for title, lead, due in (
        ("Nâng cấp cổng dịch vụ công", "TTTT", "2024-09-30"),
        ("Rà soát thủ tục hành chính", "SNV", "2024-08-31"),
    ):
        store.add(
            "task",
            {
                "title": title,
                "meeting_id": meeting.id,
                "conclusion_id": notice.id,
                "lead_unit_id": ids[lead],
                "due": due,
            },
        )
    return meeting.id


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [c.text for c in row.cells]
    return "\n".join(texts)


async def test_the_notice_is_exported_from_the_meeting_screen_with_the_chosen_signer(
    store: Store, ids: dict[str, str], tmp_path: Path
) -> None:
    meeting_id = seed_meeting(store, ids)
    toasts: list[str] = []
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("4", "enter")
        assert isinstance(app.screen, MeetingView)
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NoticeScreen)
        preview = screen.query_one("#output-preview", Markdown)
        assert "Giao Trung tâm Thông tin chủ trì nâng cấp cổng dịch vụ công" in preview.source
        signer = screen.query_one("#notice-signer", Select)
        assert signer.value == ids["Nguyễn Văn An"], "the chair signs unless told otherwise"
        signer.value = ids["Trần Thị Bình"]
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Trần Thị Bình" in preview.source
        folder = screen.query_one("#output-folder", Input)
        folder.value = str(tmp_path / "out")
        app.notify = lambda message, **kw: toasts.append(str(message))  # type: ignore[method-assign]
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()

    stem = "thong-bao-ket-luan-2024-06-03-hop-ban-chi-dao-quy-ii"
    written = [tmp_path / "out" / f"{stem}.docx", tmp_path / "out" / f"{stem}.md"]
    assert toasts == [f"Đã xuất thông báo kết luận: {written[0]}, {written[1]}"]
    text = docx_text(written[0])
    for line in (
        "1.1. Giao Trung tâm Thông tin chủ trì nâng cấp cổng dịch vụ công, "
        "hoàn thành trước 30/09/2024.",
        "1.2. Giao Sở Nội vụ chủ trì rà soát thủ tục hành chính, hoàn thành trước 31/08/2024.",
        "2. Biểu dương các đơn vị hoàn thành sớm",
        "Trần Thị Bình",
    ):
        assert line in text.split("\n"), line
    assert "Trần Thị Bình" in written[1].read_text(encoding="utf-8")
    (notice,) = store.children(meeting_id, "conclusion")
    assert notice.data["signer_id"] == ids["Trần Thị Bình"], "the choice stays with the notice"


async def test_a_meeting_with_no_conclusion_gets_the_documents_refusal(
    store: Store, ids: dict[str, str], tmp_path: Path
) -> None:
    store.add("meeting", {"title": "Họp trao đổi", "date": "2024-06-03"})
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("4", "n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NoticeScreen)
        refusal = t("notice.no_conclusions", "vi", date="03/06/2024", title="Họp trao đổi")
        status = screen.query_one("#output-status", Static)
        assert str(status.render()) == refusal
        assert screen.query_one("#output-preview", Markdown).source == ""
        screen.query_one("#output-folder", Input).value = str(tmp_path / "out")
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(status.render()) == refusal
    assert not (tmp_path / "out").exists()


def palette_labels(app: SotayApp) -> list[str]:
    return [text for text, _command, _keys in SotayCommands(app.screen).commands()]


async def test_the_palette_lists_every_output_command(store: Store, ids: dict[str, str]) -> None:
    seed_meeting(store, ids)
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        labels = palette_labels(app)
        for label in (
            "Lập báo cáo (xem trước)",
            "Xuất báo cáo ra tệp",
            "Thông báo kết luận (chọn cuộc họp)",
            "Tình hình thực hiện của các đơn vị",
            "Bảng xếp hạng thi đua",
        ):
            assert label in labels, label
        await pilot.press("4")
        assert isinstance(app.screen, MeetingsScreen)
        assert "Thông báo kết luận: Họp Ban Chỉ đạo quý II" in palette_labels(app)
        await pilot.press("f2")
        english = palette_labels(app)
        for label in (
            "Build a report (preview)",
            "Export the report to a file",
            "Conclusion notice: Họp Ban Chỉ đạo quý II",
            "Progress by office",
            "Emulation ranking",
        ):
            assert label in english, label


async def test_the_palette_opens_the_notice_of_the_selected_meeting(
    store: Store, ids: dict[str, str]
) -> None:
    meeting_id = seed_meeting(store, ids)
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("4", "ctrl+p")
        await pilot.pause()
        assert app.screen.query_one(CommandInput)
        await type_text(pilot, "thong bao ket luan hop")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, NoticeScreen)
        assert app.screen.meeting_id == meeting_id


async def test_the_palettes_report_command_runs_the_reports_screens_preview(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        (run,) = [
            c for text, c, _k in SotayCommands(app.screen).commands() if "Lập báo cáo" in text
        ]
        run()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.current_mode == "reports"
        preview: Any = app.screen.query_one("#report-preview", Markdown)
        assert "BÁO CÁO" in preview.source


async def test_the_palettes_ranking_command_exports_the_years_ranking(
    store: Store, ids: dict[str, str], tmp_path: Path
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        (run,) = [c for text, c, _k in SotayCommands(app.screen).commands() if "xếp hạng" in text]
        run()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RankingScreen)
        assert screen.query_one("#ranking-year", Input).value == "2024"
        assert "XẾP HẠNG" in screen.query_one("#output-preview", Markdown).source.upper()
        screen.query_one("#output-folder", Input).value = str(tmp_path / "out")
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["bang-xep-hang-2024.docx", "bang-xep-hang-2024.md"]

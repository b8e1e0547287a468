"""The other sections, first-run setup, the clock warning, and the words of the interface."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.widgets import Static

from sync.store import Store
from tests.helpers.app import SIZE, make_app, type_text
from tui.screens.setup import SetupAnswers, SetupApp, check_answers
from tui.widgets.table import VirtualTable


async def test_units_and_roster_with_terms_of_service(store: Store, ids: dict[str, str]) -> None:
    store.update(
        ids["Phạm Thị Dung"],
        {"term_from": "2019-01-01", "term_to": "2023-12-31", "committee_role": "member"},
    )
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        units = app.screen.query_one("#units", VirtualTable)
        people = app.screen.query_one("#people", VirtualTable)
        assert len(units.rows) == 4 and len(people.rows) == 4
        ended = next(r for r in people.rows if r.id == ids["Phạm Thị Dung"])
        assert ended.cells["serving"] == "Hết nhiệm kỳ" and ended.style == "muted"
        assert ended.cells["term"] == "01/01/2019 – 31/12/2023"
        await pilot.press("f")
        await type_text(pilot, "noi vu")
        assert [r.cells["abbr"] for r in units.rows] == ["SNV"]


async def test_targets_and_projects_lists(store: Store, ids: dict[str, str]) -> None:
    store.add(
        "indicator",
        {
            "name": "Sở có Một cửa điện tử",
            "measure": "ratio",
            "target": 22,
            "target_denominator": 22,
            "plan_id": ids["plan"],
            "readings": {"2024-03-31": {"numerator": 6, "denominator": 22}},
        },
    )
    store.add(
        "project",
        {
            "name": "Trung tâm dữ liệu tỉnh",
            "budget": 12_500_000_000,
            "stage": "implementation",
            "investor_id": ids["STTTT"],
        },
    )
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        (row,) = app.screen.query_one("#list", VirtualTable).rows
        assert (row.cells["actual"], row.cells["pct"], row.cells["result"]) == (
            "6/22",
            "27,3%",
            "Không đạt",
        )
        await pilot.press("6")
        (row,) = app.screen.query_one("#list", VirtualTable).rows
        assert row.cells["budget"] == "12.500.000.000 đ"
        assert row.cells["stage"] == "Thực hiện" and row.cells["investor"] == "STTTT"


async def test_clock_drift_shows_a_warning_in_the_status_line(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.sync_view = replace(app.sync_view, configured=True, state="online", skew=-1800.0)
        await pilot.pause()
        assert "Đồng hồ lệch 30 phút" in str(app.screen.query_one("#status-text", Static).render())


def test_setup_answers_are_checked() -> None:
    answers, errors = check_answers(
        {
            "office": "vn/bac-giang",
            "name": "Bắc Giang",
            "server": "http://127.0.0.1:8765",
            "token": "",
        },
        "vi",
        offline=False,
    )
    assert answers is None and "token" in errors
    answers, errors = check_answers({"office": "Bắc Giang!", "name": ""}, "vi", offline=True)
    assert answers is None and "office" in errors
    answers, errors = check_answers(
        {"office": "", "name": "", "server": "x", "token": "y"}, "vi", offline=True
    )
    assert (answers, errors) == (
        None,
        {
            "office": "Nhập phạm vi văn phòng của mình, ví dụ vn/bac-giang; "
            "kể cả khi làm việc ngoại tuyến.",
            "name": "Trường này là bắt buộc.",
        },
    )
    answers, errors = check_answers(
        {"office": "vn/bac-giang", "name": "", "server": "x", "token": "y"}, "vi", offline=True
    )
    assert (answers, errors) == (SetupAnswers("vn/bac-giang", "vn/bac-giang", None, None), {})
    answers, errors = check_answers(
        {"office": "vn/bac-giang", "name": "BG", "server": "http://hq", "token": "st_…"},
        "en",
        offline=False,
    )
    assert answers is None and list(errors) == ["token"]
    assert errors["token"].startswith("The token is not in the right form")


async def test_first_run_setup_by_keys() -> None:
    app = SetupApp("vi")
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "vn/bac-giang")
        await pilot.press("tab")
        await type_text(pilot, "BG")
        await pilot.press("tab")
        await type_text(pilot, "http://hq")
        await pilot.press("ctrl+s")
        assert "Cần cả địa chỉ máy chủ" in str(app.query_one("#setup-token-error", Static).render())
        await pilot.press("escape")
    assert app.return_value is not None
    assert (app.return_value.office, app.return_value.name, app.return_value.token) == (
        "vn/bac-giang",
        "BG",
        None,
    )


async def test_the_title_names_the_office_then_its_scope_once(tmp_path: Path) -> None:
    from tui.widgets.frame import TitleBar

    with Store.create(tmp_path / "hq", office="vn", name="Ban Chỉ đạo (dữ liệu mẫu)") as store:
        app = make_app(store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            title = str(app.screen.query_one(TitleBar).render())
    assert title == " Sổ tay · Ban Chỉ đạo (dữ liệu mẫu) · vn · Tổng quan"

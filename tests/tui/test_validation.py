"""Invalid input shows a message under its field and saves nothing; valid shortcuts work."""

from __future__ import annotations

import pytest

from sync.store import Store
from tests.helpers.app import SIZE, make_app, type_text
from tui.screens.form import RecordFormScreen
from tui.widgets.forms import FieldBox, TextBox


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("due", "31/02/2024", "Ngày 31/02/2024 không tồn tại: tháng 2/2024 chỉ có 29 ngày."),
        ("budget", "1.5", "'1.5' có phần lẻ."),
        ("progress", "130", "Tiến độ phải từ 0 đến 100 (%), không phải 130."),
    ],
)
async def test_invalid_value_shows_message_under_the_field_and_saves_nothing(
    store: Store, ids: dict[str, str], field: str, typed: str, message: str
) -> None:
    before = store.pending_count()
    tasks_before = len(store.list("task"))
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.edit_record("task", None, defaults={"plan_id": ids["plan"]})
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RecordFormScreen)
        await type_text(pilot, "Việc mới")
        lead = screen.query_one("#field-lead_unit_id", FieldBox)
        lead.focus_editor()
        await type_text(pilot, "snv")
        box = screen.query_one(f"#field-{field}", TextBox)
        box.focus_editor()
        await type_text(pilot, typed)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RecordFormScreen), "the form stays open"
        assert box.has_class("-invalid")
        assert message in box.error_text
        assert not screen.query_one("#field-title", FieldBox).error_text
    assert store.pending_count() == before
    assert len(store.list("task")) == tasks_before


async def test_empty_required_field_is_refused_under_the_field(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "a")
        screen = app.screen
        assert isinstance(screen, RecordFormScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        title = screen.query_one("#field-title", FieldBox)
        assert title.error_text == "Trường này là bắt buộc."
        assert app.focused is not None and title in app.focused.ancestors
    assert len(store.list("plan")) == 1


async def test_money_is_grouped_as_typed_and_dates_take_shortcuts(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.edit_record("task", None)
        await pilot.pause()
        screen = app.screen
        budget = screen.query_one("#field-budget", TextBox)
        budget.focus_editor()
        await type_text(pilot, "2500000")
        assert budget.input.value == "2.500.000"
        await pilot.press("backspace")
        assert budget.input.value == "250.000"
        due = screen.query_one("#field-due", TextBox)
        due.focus_editor()
        await type_text(pilot, "+7")
        await pilot.press("tab")
        assert due.input.value == "10/06/2024"
        start = screen.query_one("#field-start", TextBox)
        start.focus_editor()
        await type_text(pilot, "t")
        await pilot.press("tab")
        assert start.input.value == "03/06/2024"


async def test_a_month_first_date_gets_a_helpful_message(store: Store, ids: dict[str, str]) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.edit_record("task", None)
        await pilot.pause()
        due = app.screen.query_one("#field-due", TextBox)
        due.focus_editor()
        await type_text(pilot, "12/25/2024")
        await pilot.press("tab")
        assert "25/12/2024" in due.error_text


async def test_escape_asks_before_discarding_unsaved_changes(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "a")
        await type_text(pilot, "Nháp")
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("n")
        assert isinstance(app.screen, RecordFormScreen)
        await pilot.press("escape", "c")
        assert app.screen.__class__.__name__ == "PlansScreen"
    assert len(store.list("plan")) == 1


async def test_target_readings_are_typed_as_date_and_value(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.edit_record("indicator", None, defaults={"plan_id": ids["plan"]})
        await pilot.pause()
        await type_text(pilot, "Sở có Một cửa")
        readings = app.screen.query_one("#field-readings", TextBox)
        readings.focus_editor()
        await type_text(pilot, "30/06/2011: 6/22; 31/12/2011: 70%")
        await pilot.press("ctrl+s")
        await pilot.pause()
    (indicator,) = store.list("indicator")
    assert indicator.data["readings"] == {
        "2011-06-30": {"numerator": 6, "denominator": 22, "value": 27.2727},
        "2011-12-31": {"value": 70.0},
    }

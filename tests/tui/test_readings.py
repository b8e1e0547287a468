"""Chỉ tiêu: ``n`` adds a reading (date, value or x/y, evidence) as its own action, and a
value over the target's total is refused in the dialog with the reason, nothing saved."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static

from sync.store import Store
from tests.helpers.app import SIZE, make_app, type_text
from tui.screens.records import IndicatorsScreen, ReadingScreen


def target(store: Store) -> str:
    return store.add(
        "indicator",
        {
            "name": "Huyện có cổng thông tin điện tử",
            "measure": "ratio",
            "unit_label": "huyện",
            "target": 10,
            "target_denominator": 10,
            "readings": {"2023-12-31": {"numerator": 6, "denominator": 10}},
        },
    ).id


async def add_reading(store: Store, value: str, evidence: str) -> tuple[Any, str]:
    """Open Chỉ tiêu, ``n`` on the target, type the value and evidence, Ctrl+S; returns
    the screen on top afterwards and the dialog's error line."""
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.screen, IndicatorsScreen)
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReadingScreen)
        assert dialog.query_one("#r-date", Input).value == "03/06/2024"
        dialog.query_one("#r-value", Input).focus()
        await type_text(pilot, value)
        dialog.query_one("#r-evidence", Input).focus()
        await type_text(pilot, evidence)
        await pilot.press("ctrl+s")
        await pilot.pause()
        if app.screen is not dialog:
            return type(app.screen), ""
        return type(app.screen), str(dialog.query_one("#reading-error", Static).render())


async def test_r_adds_a_dated_reading_with_its_evidence(store: Store) -> None:
    rid = target(store)
    top, error = await add_reading(store, "8/10", "Báo cáo số 12/BC-STTTT")
    assert (top, error) == (IndicatorsScreen, "")
    assert store.require(rid).data["readings"] == {
        "2023-12-31": {"numerator": 6, "denominator": 10, "value": 60.0},
        "2024-06-03": {
            "numerator": 8,
            "denominator": 10,
            "value": 80.0,
            "evidence": "Báo cáo số 12/BC-STTTT",
        },
    }


async def test_a_reading_over_the_total_is_refused_in_the_dialog(store: Store) -> None:
    rid = target(store)
    top, error = await add_reading(store, "12/10", "")
    assert (top, error) == (ReadingScreen, "Giá trị 12 vượt quá tổng số 10.")
    assert list(store.require(rid).data["readings"]) == ["2023-12-31"]

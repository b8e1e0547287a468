"""Inputs stand out (issue 11, point 11: "inputs barely visible against the background"): in
both themes every field of a form is drawn on a background clearly apart from what is behind
it, and the focused field clearly apart from the others."""

from __future__ import annotations

import pytest
from textual.color import Color
from textual.widget import Widget
from textual.widgets import Input, TextArea

from sync.store import Store
from tests.helpers.app import SIZE, make_app

#: How far apart (RGB distance, 0–441) two backgrounds must be to tell them apart at a
#: glance; Textual's own compact input is 21 from the dark screen and 14 from the light one.
APART = 40


def distance(a: Color, b: Color) -> float:
    return float(sum((x - y) ** 2 for x, y in zip(a.rgb, b.rgb, strict=True)) ** 0.5)


def backgrounds(widget: Widget) -> tuple[Color, Color]:
    """What is behind the widget, and the widget's own background, as drawn."""
    behind, own = widget.background_colors
    return behind, own


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_fields_stand_out_and_the_focused_one_differs(
    store: Store, ids: dict[str, str], theme: str
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        app.edit_record("task", ids["late"])
        await pilot.pause()
        fields = list(app.screen.query(Input)) + list(app.screen.query(TextArea))
        assert len(fields) >= 5
        app.screen.set_focus(None)
        await pilot.pause()
        for field in fields:
            behind, own = backgrounds(field)
            assert distance(behind, own) >= APART, (field, behind.hex, own.hex)
        resting = backgrounds(fields[0])[1]
        fields[0].focus()
        await pilot.pause()
        focused = backgrounds(fields[0])[1]
        assert distance(resting, focused) >= APART, (resting.hex, focused.hex)

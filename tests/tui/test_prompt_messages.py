"""A one-value prompt (``p`` on a task: its progress) says what is wrong in the person's
words only, as a form does under a field, not the command line's "Tiến độ (progress): …"."""

from __future__ import annotations

from textual.widgets import Static

from domain.errors import ValidationError
from domain.records import check_field
from sync.store import Store
from tests.helpers.app import SIZE, make_app, type_text
from tui.screens.dialogs import PromptScreen
from tui.screens.tasks import TasksScreen


async def test_a_refused_progress_names_no_field_code(store: Store, ids: dict[str, str]) -> None:
    try:
        check_field("task", "progress", "130")
    except ValidationError as exc:
        expected = exc.problems[0].message("vi")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        await pilot.press("p")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "130")
        await pilot.press("enter")
        await pilot.pause()
        shown = str(prompt.query_one("#prompt-error", Static).render())
    assert (shown, "(progress)" in shown) == (expected, False)
    assert store.require(ids["late"]).data["progress"] == 40

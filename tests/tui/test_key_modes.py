"""Keys have modes (issue 11, points 1, 7 and 11): in every form of the app printable keys
only ever type, chips included, so nothing outside the form changes; after a section switch
"f" and the words typed fast land in the filter; lists move with j/k and g/G; focus shows.
"""

from __future__ import annotations

import string
from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import Input

from domain.schema import SPECS
from sync.store import Store
from tests.helpers.app import SIZE, make_app, type_fast, type_text
from tui.app import SotayApp, is_editor
from tui.screens.tasks import TasksScreen
from tui.widgets.frame import KeyBar
from tui.widgets.pick import ChosenList, MultiPick
from tui.widgets.table import VirtualTable

#: Everything a person might type into a field: printable ASCII (the app's one-key
#: shortcuts ``u / ? 0-9`` among them) and Vietnamese with the issue's own period.
TYPED = string.printable[:95] + "Quý III/2025 — Ủy ban nhân dân ?/u4"
#: Every kind the app has a form for (the meeting has its own editor).
FORM_KINDS = [*sorted(k for k, spec in SPECS.items() if spec.form_fields), "meeting"]


def seed(store: Store, ids: dict[str, str]) -> dict[str, str]:
    """One record of every form kind, those with chips holding some (a task's coordinating
    units, a meeting's attendees), so each form opens on a record with every widget."""
    with store.transaction() as tx:
        meeting = tx.add(
            "meeting",
            {
                "title": "Phiên họp Ban Chỉ đạo quý I/2024",
                "date": "2024-04-10",
                "attendees": {ids["Trần Thị Bình"]: "present"},
            },
        )
        records = {
            "unit": ids["STTTT"],
            "person": ids["Nguyễn Văn An"],
            "plan": ids["plan"],
            "meeting": meeting.id,
            "task": tx.add(
                "task",
                {
                    "title": "Kho dữ liệu dùng chung",
                    "plan_id": ids["plan"],
                    "lead_unit_id": ids["TTTT"],
                    "coordinators": [ids["SNV"], ids["VP UBND"]],
                    "due": "2024-09-30",
                },
            ).id,
            "indicator": tx.add(
                "indicator", {"name": "Văn bản điện tử", "plan_id": ids["plan"], "target": 90}
            ).id,
            "conclusion": tx.add(
                "conclusion",
                {"title": "Thông báo kết luận", "meeting_id": meeting.id, "doc_type": "notice"},
            ).id,
            "project": tx.add("project", {"name": "Trung tâm dữ liệu", "plan_id": ids["plan"]}).id,
        }
    assert set(records) == set(FORM_KINDS)
    return records


def everything(store: Store) -> list[tuple[str, str, dict[str, Any], bool]]:
    """The whole store as a person could notice it: every record, its fields, its tombstone."""
    return sorted(
        (r.kind, r.id, r.data, r.deleted)
        for kind in SPECS
        for r in store.list(kind, include_deleted=True)
    )


def where(app: SotayApp) -> tuple[str, list[str]]:
    return app.current_mode, [type(s).__name__ for s in app.screen_stack]


def fields_of(app: SotayApp) -> list[Widget]:
    """Every widget of the form a person can reach with Tab, chips included."""
    return [w for w in app.screen.focus_chain if w.focusable]


def looks(widget: Widget) -> tuple[object, ...]:
    """How a widget is drawn, as far as focus can change it: colours, border, outline."""
    styles = widget.styles
    return widget.rich_style, styles.border, styles.outline, styles.border_left


@pytest.mark.parametrize("kind", FORM_KINDS)
async def test_typing_into_every_field_of_a_form_changes_nothing_outside_it(
    store: Store, ids: dict[str, str], kind: str
) -> None:
    records = seed(store, ids)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.editor.save("plan", ids["plan"], {"notes": "a change undo could take"})
        app.edit_record(kind, records[kind])
        await pilot.pause()
        assert is_editor(app.screen)
        before, place = everything(store), where(app)
        widgets = fields_of(app)
        chips = [w for w in widgets if isinstance(w, ChosenList)]
        assert chips or kind not in ("task", "meeting"), "the chips are among the fields"
        for widget in widgets:
            app.screen.set_focus(widget)
            await pilot.pause()
            await type_fast(pilot, TYPED)
            assert where(app) == place, f"typing on {widget!r} left the form"
        assert everything(store) == before
        assert getattr(app.screen, "dirty", False)
        typed = [w.value for w in app.screen.query(Input) if TYPED in w.value]
        assert typed, "the keys were typed into the fields"


async def test_letters_typed_on_the_chips_go_on_into_the_units_field(
    store: Store, ids: dict[str, str]
) -> None:
    records = seed(store, ids)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.edit_record("task", records["task"])
        await pilot.pause()
        chips = app.screen.query_one(ChosenList)
        app.screen.set_focus(chips)
        await type_fast(pilot, "Quý III/2025")
        picker = chips.parent
        assert isinstance(picker, MultiPick)
        picker_input = picker.picker.input
        assert app.focused is picker_input
        assert picker_input.value == "Quý III/2025"


async def test_f_and_words_typed_fast_after_a_section_key_land_in_the_filter(
    store: Store, ids: dict[str, str]
) -> None:
    one_stop = store.add(
        "task",
        {"title": "Hệ thống một cửa điện tử", "lead_unit_id": ids["SNV"], "due": "2024-12-31"},
    )
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await type_fast(pilot, "3f mot cua")
        assert where(app) == ("tasks", ["TasksScreen"])
        assert isinstance(app.screen, TasksScreen)
        assert app.screen.query_one("#task-text", Input).value == " mot cua"
        assert [row.id for row in app.screen.table.rows] == [one_stop.id]
        assert app.screen.overdue_only is False


async def test_lists_move_with_j_k_g_and_shift_g(store: Store, ids: dict[str, str]) -> None:
    with store.transaction() as tx:
        for n in range(30):
            tx.add("unit", {"name": f"Phòng {n:02}", "abbr": f"P{n:02}"})
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        table = app.screen.query_one("#units", VirtualTable)
        assert app.focused is table
        seen = []
        for key in ("j", "j", "k", "G", "k", "g"):
            await pilot.press(key)
            seen.append(table.cursor)
        last = len(table.rows) - 1
        assert seen == [1, 2, 1, last, last - 1, 0]


async def test_focus_is_visible_on_every_focusable_widget_of_a_form(
    store: Store, ids: dict[str, str]
) -> None:
    records = seed(store, ids)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        for kind in ("task", "meeting", "plan"):
            app.edit_record(kind, records[kind])
            await pilot.pause()
            unseen = []
            for widget in fields_of(app):
                app.screen.set_focus(None)
                await pilot.pause()
                blurred = looks(widget)
                app.screen.set_focus(widget)
                await pilot.pause()
                if looks(widget) == blurred:
                    unseen.append(widget)
            assert not unseen, f"{kind}: focus not shown on {unseen}"
            app.pop_screen()
            await pilot.pause()


def many_matches(store: Store) -> None:
    with store.transaction() as tx:
        for n in range(25):
            tx.add("unit", {"name": f"Phòng văn bản số {n:02}", "abbr": f"VB{n:02}"})


async def search_and_open(pilot: Any, app: SotayApp, *keys: str) -> list[str]:
    """``/`` "van ban", then ``keys``: the result IDs in the order shown."""
    await pilot.press("slash")
    await type_text(pilot, "van ban")
    results = app.screen.query_one("#search-results", VirtualTable)
    shown = [row.id for row in results.rows]
    assert len(shown) == 25
    await pilot.press(*keys)
    await pilot.pause()
    return shown


async def test_search_enter_opens_the_top_row_and_down_enter_the_second(
    store: Store, ids: dict[str, str]
) -> None:
    many_matches(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        shown = await search_and_open(pilot, app, "enter")
        assert getattr(app.screen, "record_id", None) == shown[0]
        await pilot.press("escape")
        await pilot.pause()
        assert where(app) == ("tasks", ["TasksScreen"]), "Esc comes back to where search began"
        shown = await search_and_open(pilot, app, "down", "enter")
        assert getattr(app.screen, "record_id", None) == shown[1]


async def test_the_key_bar_under_search_is_the_searchs_own(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "slash")
        bars = [str(bar.render()) for bar in app.screen.query(KeyBar)]
        assert bars == ["  ⏎  Mở   Esc  Quay lại  "]

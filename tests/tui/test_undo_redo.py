"""Undo scoped and named, redo (issue 11, point 1): undo in a form undoes its own text and
nothing outside it; on a list it takes the last change made from that section, says what
(kind and title); redo puts back what undo took; a record an open form or a saved record
points to is never removed from under it."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input

from sync.store import Store
from tests.helpers.app import SIZE, make_app, type_text
from tests.tui.test_key_modes import everything, where
from tui.app import SotayApp
from tui.editing import Editor, UndoRefused
from tui.screens.form import RecordFormScreen
from tui.widgets.pick import PickField
from tui.widgets.table import VirtualTable

TITLE = "Quý III/2025"


def said(app: SotayApp) -> str:
    return [str(n.message) for n in app._notifications][-1]


async def new_plan(pilot: Any, app: SotayApp) -> str:
    """``2``, ``a``, the title, Ctrl+S, back to the list: the new plan's ID."""
    await pilot.press("2", "a")
    await type_text(pilot, TITLE)
    await pilot.press("ctrl+s")
    await pilot.pause()
    plan_id = str(app.screen.plan_id)  # type: ignore[attr-defined]
    await pilot.press("escape")
    await pilot.pause()
    return plan_id


async def test_undo_on_a_list_names_the_record_and_redo_restores_it(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        plan_id = await new_plan(pilot, app)
        saved = store.require(plan_id)
        await pilot.press("u")
        await pilot.pause()
        assert store.require(plan_id).deleted
        assert said(app) == "Đã hoàn tác: Kế hoạch «Quý III/2025»"
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert said(app) == "Đã làm lại: Kế hoạch «Quý III/2025»"
        again = store.require(plan_id)
        assert (again.data, again.deleted) == (saved.data, False)
        await pilot.press("ctrl+y")
        assert said(app) == "Không có thay đổi nào để làm lại."


async def test_undo_in_a_form_undoes_its_own_text_and_nothing_outside(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await new_plan(pilot, app)
        await pilot.press("a")
        assert isinstance(app.screen, RecordFormScreen)
        title = app.screen.query(Input).first()
        await type_text(pilot, "Rà soát")
        await pilot.press("tab")
        await type_text(pilot, "12/KH")
        before, place = everything(store), where(app)
        await pilot.press("ctrl+z")
        assert title.value == "Rà soát" and app.focused is not title
        number = app.focused
        assert isinstance(number, Input) and number.value == ""
        await pilot.press("ctrl+z")
        assert title.value == "" and app.focused is title
        await pilot.press("ctrl+z")
        assert said(app) == "Không có gì để hoàn tác trong biểu mẫu này."
        await pilot.press("ctrl+y", "ctrl+y")
        assert (title.value, number.value) == ("Rà soát", "12/KH")
        assert everything(store) == before and where(app) == place


async def test_undo_takes_the_last_change_of_the_section_you_are_in(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        plan_id = await new_plan(pilot, app)
        await pilot.press("3")
        app.screen.query_one("#tasks", VirtualTable).select_id(ids["late"])
        await pilot.press("plus")
        await pilot.press("2", "u")
        await pilot.pause()
        assert store.require(plan_id).deleted
        assert store.require(ids["late"]).data["progress"] == 50, "the task's change stays"
        await pilot.press("3", "u")
        await pilot.pause()
        assert store.require(ids["late"]).data["progress"] == 40
        assert said(app) == "Đã hoàn tác: Nhiệm vụ «Nâng cấp Cổng thông tin điện tử tỉnh»"


async def test_a_plan_a_saved_task_points_to_is_not_undone_from_under_it(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        plan_id = await new_plan(pilot, app)
        app.editor.section = "tasks"  # as if saved from Nhiệm vụ: the task now points to the plan
        app.editor.save("task", ids["soon"], {"plan_id": plan_id})
        app.editor.section = app.current_mode
        await pilot.press("2", "u")
        await pilot.pause()
        assert not store.require(plan_id).deleted
        assert said(app) == (
            "Không thể bỏ Kế hoạch «Quý III/2025»: một biểu mẫu đang mở hoặc một bản ghi khác "
            "còn dùng đến."
        )


async def test_a_plan_an_open_form_points_to_is_neither_undone_nor_deleted(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        plan_id = await new_plan(pilot, app)
        await pilot.press("3")
        app.edit_record("task", None, defaults={"title": "Đào tạo"})
        await pilot.pause()
        picker = app.screen.query_one("#field-plan_id PickField", PickField)
        picker.pick(next(c for c in picker.choices if c.value == plan_id))
        app.switch_mode("plans")  # the form stays open in Nhiệm vụ
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert not store.require(plan_id).deleted
        assert said(app).startswith("Không thể bỏ Kế hoạch «Quý III/2025»")
        app.screen.query_one("#list", VirtualTable).select_id(plan_id)
        await pilot.press("delete")
        await pilot.pause()
        assert said(app) == (
            "Không thể xoá Kế hoạch «Quý III/2025»: một biểu mẫu đang mở còn dùng đến. "
            "Hãy lưu hoặc đóng biểu mẫu đó trước."
        )
        assert not store.require(plan_id).deleted


@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["save", "undo", "redo"]), st.integers(0, 100)), max_size=12
    )
)
def test_redo_puts_back_exactly_what_undo_took(
    store: Store, ids: dict[str, str], steps: list[tuple[str, int]]
) -> None:
    """Any run of saves, undos and redos: an undo followed by a redo leaves every record as
    it was before the undo, and an undo of each save in turn leaves the store as it began."""
    editor = Editor(store)
    editor.section = "tasks"
    start = everything(store)
    for action, value in steps:
        if action == "save":
            editor.save("task", ids["late"], {"progress": value})
            continue
        before = everything(store)
        replay = editor.undo if action == "undo" else editor.redo
        if replay() is None:
            assert everything(store) == before
            continue
        again = editor.redo if action == "undo" else editor.undo
        assert again() is not None
        assert everything(store) == before
    undone = editor.undo()
    while undone is not None:  # back to the start, one saved change at a time
        undone = editor.undo()
    progress = {r[1]: r[2].get("progress") for r in everything(store)}
    assert progress == {r[1]: r[2].get("progress") for r in start}


def test_undo_refuses_to_clobber_a_later_change_from_another_section(
    store: Store, ids: dict[str, str]
) -> None:
    editor = Editor(store)
    editor.section = "tasks"
    editor.save("task", ids["late"], {"progress": 50})
    editor.section = "plans"
    editor.save("task", ids["late"], {"progress": 70})
    editor.section = "tasks"
    try:
        editor.undo()
    except UndoRefused as refused:
        assert (refused.key, refused.record_id) == ("ui.undo.changed_since", ids["late"])
    else:
        raise AssertionError("undo clobbered the later change")
    assert store.require(ids["late"]).data["progress"] == 70


def test_two_equal_saves_are_undone_one_by_one(store: Store, ids: dict[str, str]) -> None:
    """40 → 43, 43 → 0, 0 → 40, 40 → 43: the first and last saves are equal, and undoing the
    last one took the first off the stack, so the next undo was refused (found by the
    property test above)."""
    editor = Editor(store)
    editor.section = "tasks"
    for value in (43, 0, 40, 43):
        editor.save("task", ids["late"], {"progress": value})
    seen = []
    while editor.undo() is not None:
        seen.append(store.require(ids["late"]).data["progress"])
    assert seen == [40, 0, 43, 40]

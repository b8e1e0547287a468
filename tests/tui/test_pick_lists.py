"""Choice lists (issue 11, point 11): a picker shows its options when the field is focused
(and on ↓), and filters them by the start of any word, accents optional."""

from __future__ import annotations

from textual.widgets import OptionList

from sync.store import Store
from tests.helpers.app import SIZE, make_app, type_text
from tui.app import SotayApp
from tui.widgets.forms import PickBox
from tui.widgets.pick import Choice, PickField, match


def shown(app: SotayApp, field: PickField) -> list[str]:
    """The options a person sees under the field ([] when its list is hidden)."""
    dropdown = field.query(OptionList)
    if not dropdown or not dropdown.first().display:
        return []
    options = dropdown.first()
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def open_task_form(app: SotayApp, pilot: object, store: Store, field: str) -> PickField:
    app.edit_record("task", None)
    await pilot.pause()  # type: ignore[attr-defined]
    box = next(b for b in app.screen.query(PickBox) if b.spec.name == field)
    box.picker.input.focus()
    await pilot.pause()  # type: ignore[attr-defined]
    return box.picker


async def test_focus_on_an_empty_unit_field_lists_every_unit(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        picker = await open_task_form(app, pilot, store, "lead_unit_id")
        assert shown(app, picker) == [
            "Sở Nội vụ · SNV",
            "Sở Thông tin và Truyền thông · STTTT",
            "Trung tâm Thông tin · TTTT",
            "Văn phòng UBND tỉnh · VP UBND",
        ]


async def test_down_then_enter_picks_the_first_unit_without_typing(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        picker = await open_task_form(app, pilot, store, "lead_unit_id")
        await pilot.press("down", "enter")
        assert picker.value == ids["SNV"]
        assert picker.text == "Sở Nội vụ"


async def test_enter_on_an_empty_field_picks_nothing(store: Store, ids: dict[str, str]) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        picker = await open_task_form(app, pilot, store, "lead_unit_id")
        await pilot.press("enter")
        assert picker.value is None


async def test_a_word_start_typed_without_accents_filters_the_list(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        picker = await open_task_form(app, pilot, store, "lead_unit_id")
        await type_text(pilot, "tr")
        assert shown(app, picker) == [
            "Trung tâm Thông tin · TTTT",
            "Sở Thông tin và Truyền thông · STTTT",
        ]


def test_word_prefix_matching_is_accent_insensitive() -> None:
    people = [
        Choice.make("a", "Nguyễn Văn An", "Giám đốc Sở"),
        Choice.make("b", "Trần Thị Bình", "Phó Giám đốc"),
        Choice.make("c", "Ngân hàng Nhà nước chi nhánh tỉnh", "NHNN"),
        Choice.make("d", "Sở Kế hoạch và Đầu tư", "SKHĐT"),
    ]

    def labels(text: str) -> list[str]:
        return [c.label for c in match(people, text)]

    assert labels("tr") == ["Trần Thị Bình"]
    assert labels("ngan") == ["Ngân hàng Nhà nước chi nhánh tỉnh"]
    assert labels("k") == ["Sở Kế hoạch và Đầu tư"]
    assert labels("binh tr") == ["Trần Thị Bình"]
    assert labels("an") == ["Nguyễn Văn An"]  # a word's start, not its middle ("Ngân", "nhánh")
    assert labels("skhdt") == ["Sở Kế hoạch và Đầu tư"]


async def test_down_on_a_picked_field_offers_every_other_choice(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.edit_record("task", ids["late"])  # led by Trung tâm Thông tin
        await pilot.pause()
        box = next(b for b in app.screen.query(PickBox) if b.spec.name == "lead_unit_id")
        box.picker.input.focus()
        await pilot.pause()
        assert shown(app, box.picker) == []  # a picked field keeps its text clear of a list
        await pilot.press("down", "down", "enter")
        assert box.picker.text == "Sở Thông tin và Truyền thông"
        assert box.picker.value == ids["STTTT"]

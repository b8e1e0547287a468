"""Meetings as they happen (issue 11, points 4, 5 and 8; acceptance 3), driven by keys.

Guests attend by name; a conclusion becomes a task only when asked; the meeting just saved
is the selected row; the block Ctrl+N adds is in view; Enter shows a meeting read-only and
``e`` edits it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from sync.store import Store
from tests.helpers.app import PEOPLE, make_app, type_text
from tests.tui.test_flows import fill, focused_field
from tui.app import SotayApp
from tui.editing import Editor
from tui.screens.meetings import (
    ConclusionItem,
    MeetingEditor,
    MeetingsScreen,
    MeetingView,
    directive_lines,
)
from tui.widgets.forms import FieldBox
from tui.widgets.table import VirtualTable

SIZES = [(120, 36), (80, 24)]
PEOPLE_NAMES = [name for name, _position in PEOPLE]


def add_meeting(store: Store, title: str, day: str, **fields: Any) -> str:
    return store.add("meeting", {"title": title, "date": day, **fields}).id


async def new_meeting(pilot: Pilot[Any], title: str, day: str = "03/06/2024") -> None:
    await pilot.press("4", "a")
    assert isinstance(pilot.app.screen, MeetingEditor)
    await type_text(pilot, title)
    await fill(pilot, "date", day)


async def save(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+s")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def errors(app: SotayApp) -> dict[str, str]:
    return {b.id or "": b.error_text for b in app.screen.query(FieldBox) if b.error_text}


async def test_a_guest_typed_by_name_attends_as_a_person_of_the_office(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    commits: list[int] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await new_meeting(pilot, "Họp với doanh nghiệp")
        await fill(pilot, "attendees", "binh")
        await pilot.press("enter")
        await type_text(pilot, "Đỗ Minh Khách")
        await pilot.press("enter")
        assert focused_field(app) == "attendees", "Enter on a guest stays in the field"
        store.listeners.append(lambda _store: commits.append(1))
        await save(pilot)
        assert isinstance(app.screen, MeetingsScreen), errors(app)

    assert len(commits) == 1, "the guest and the meeting are one transaction"
    (meeting,) = store.list("meeting")
    (guest,) = [p for p in store.list("person") if p.title == "Đỗ Minh Khách"]
    assert meeting.data["attendees"] == {ids["Trần Thị Bình"]: "present", guest.id: "present"}
    assert guest.scope == "vn/bac-giang"
    assert "committee_role" not in guest.data, "a guest is no member of the committee"
    assert guest.data["notes"] == "Khách mời, thêm khi ghi cuộc họp: Họp với doanh nghiệp"


async def test_a_refused_attendee_shows_its_message_under_the_field(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await new_meeting(pilot, "Họp")
        await fill(pilot, "attendees", "Người Lạ")
        await pilot.press("tab")  # left without Enter: neither picked nor added
        await save(pilot)
        assert isinstance(app.screen, MeetingEditor)
        box = app.screen.query_one("#field-attendees", FieldBox)
        (shown,) = [s for s in box.query(".field-error").results(Static) if s.display]
        assert str(shown.render()) == (
            "Không có “Người Lạ” trong danh sách; nhấn Enter để thêm làm khách mời."
        )
        assert shown.region.height == 1 and shown.region.width > 0, "visible, not only set"
    assert store.list("meeting") == []


async def test_a_conclusion_not_made_a_task_is_a_line_of_the_notice_only(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await new_meeting(pilot, "Họp giao ban")
        await pilot.press("ctrl+n")
        await type_text(pilot, "Thống nhất chủ trương số hóa hồ sơ")
        await pilot.press("tab")  # the "make it a task" box, right under the conclusion
        await pilot.press("space")
        await pilot.press("ctrl+n")
        await type_text(pilot, "Lập kế hoạch triển khai")
        await fill(pilot, "item2-lead_unit_id", "trung tam")
        await save(pilot)
        assert isinstance(app.screen, MeetingsScreen), errors(app)

    (meeting,) = store.list("meeting")
    (notice,) = store.children(meeting.id, "conclusion")
    assert notice.data["directives"] == "Thống nhất chủ trương số hóa hồ sơ"
    tasks = [t for t in store.list("task") if t.data.get("meeting_id") == meeting.id]
    assert [(t.title, t.data["lead_unit_id"]) for t in tasks] == [
        ("Lập kế hoạch triển khai", ids["TTTT"])
    ]


async def test_a_meeting_of_conclusions_only_creates_no_task_and_reopens_as_it_was(
    store: Store, ids: dict[str, str]
) -> None:
    before = len(store.list("task"))
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await new_meeting(pilot, "Họp")
        await pilot.press("ctrl+n")
        await type_text(pilot, "Ghi nhận kết quả quý II")
        await pilot.press("tab", "space")
        await save(pilot)
        assert isinstance(app.screen, MeetingsScreen), errors(app)
        assert len(store.list("task")) == before
        await pilot.press("e")
        editor = app.screen
        assert isinstance(editor, MeetingEditor)
        (item,) = editor.query(ConclusionItem)
        assert (item.as_task, item.title_box.value()) == (False, "Ghi nhận kết quả quý II")
        assert editor.dirty is False


async def test_after_save_the_new_meeting_is_the_selected_row(
    store: Store, ids: dict[str, str]
) -> None:
    add_meeting(store, "Họp tháng 6", "2024-06-01")
    add_meeting(store, "Họp tháng 4", "2024-04-01")
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await new_meeting(pilot, "Họp tháng 5", "15/05/2024")
        await save(pilot)
        screen = app.screen
        assert isinstance(screen, MeetingsScreen), errors(app)
        table = screen.query_one("#list", VirtualTable)
        assert [r.cells["title"] for r in table.rows] == [
            "Họp tháng 6",
            "Họp tháng 5",
            "Họp tháng 4",
        ]
        current = table.current
        assert current is not None and current.cells["title"] == "Họp tháng 5"
        await pilot.press("enter")
        assert isinstance(app.screen, MeetingView)
        assert app.store.require(app.screen.meeting_id).title == "Họp tháng 5"


@pytest.mark.parametrize("size", SIZES, ids=["120x36", "80x24"])
async def test_the_block_ctrl_n_adds_is_in_view_with_the_cursor_in_it(
    store: Store, ids: dict[str, str], size: tuple[int, int]
) -> None:
    people = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung"]
    meeting_id = add_meeting(
        store,
        "Họp quý II",
        "2024-06-03",
        attendees={ids[name]: "present" for name in people},
        minutes="Thống nhất",
    )
    store.add("task", {"title": "Báo cáo", "meeting_id": meeting_id, "lead_unit_id": ids["SNV"]})
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await pilot.press("4", "e")
        assert isinstance(app.screen, MeetingEditor)
        for number in (2, 3, 4):
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert focused_field(app) == f"item{number}-title"
            await type_text(pilot, f"Kết luận {number}")
            form = app.screen.query_one("#meeting-form", VerticalScroll)
            item = app.screen.query(ConclusionItem).last()
            visible = form.content_region
            assert visible.contains_region(item.boxes[0].region), (number, visible)
            assert isinstance(app.focused, Input)
            assert visible.contains_region(app.focused.region)
            assert app.focused.value == f"Kết luận {number}"


async def test_enter_shows_the_meeting_read_only_and_e_edits_it(
    store: Store, ids: dict[str, str]
) -> None:
    minutes = "Các đại biểu thống nhất " + "đẩy nhanh tiến độ số hóa hồ sơ " * 8
    meeting_id = add_meeting(
        store,
        "Họp Ban Chỉ đạo quý II",
        "2024-06-03",
        chair_id=ids["Nguyễn Văn An"],
        attendees={ids["Trần Thị Bình"]: "present", ids["Lê Hoàng Cường"]: "absent"},
        minutes=minutes.strip(),
    )
    notice = store.add(
        "conclusion",
        {"title": "TB", "meeting_id": meeting_id, "directives": "Ghi nhận kết quả"},
    )
    store.add(
        "task",
        {
            "title": "Nâng cấp cổng dịch vụ công",
            "meeting_id": meeting_id,
            "conclusion_id": notice.id,
            "lead_unit_id": ids["TTTT"],
            "coordinators": [ids["SNV"]],
            "due": "2024-09-30",
        },
    )
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("4", "enter")
        view = app.screen
        assert isinstance(view, MeetingView)
        assert not view.query(Input) and not view.query(TextArea), "nothing to type into"
        text = view.query_one("#meeting-view-text", Static)
        shown = str(text.render())
        assert "Thành phần tham dự" in shown
        assert "• Lê Hoàng Cường (Vắng)" in shown
        assert shown.endswith(
            "Kết luận, giao nhiệm vụ\n"
            "1. Nâng cấp cổng dịch vụ công — Đơn vị chủ trì: Trung tâm Thông tin; "
            "Đơn vị phối hợp: Sở Nội vụ; Thời hạn: 30/09/2024\n"
            "2. Ghi nhận kết quả"
        )
        pane = view.query_one("#meeting-view", VerticalScroll)
        assert text.region.width <= pane.region.width
        assert text.region.height > shown.count("\n") + 1, "the minutes wrap in the pane"
        await pilot.press("e")
        assert isinstance(app.screen, MeetingEditor)
        assert app.screen.meeting_id == meeting_id
        area = app.screen.query_one("#field-minutes TextArea", TextArea)
        assert area.soft_wrap and area.wrapped_document.height > 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingView)


def test_one_undo_takes_back_the_meeting_its_guests_and_its_notice(
    store: Store, ids: dict[str, str]
) -> None:
    editor = Editor(store)
    meeting, tasks = editor.save_meeting(
        None,
        {"title": "Họp", "date": "2024-06-03", "attendees": {ids["Trần Thị Bình"]: "present"}},
        {"title": "Thông báo kết luận: Họp", "directives": "Ghi nhận kết quả"},
        [],
        [],
        guests={"Đỗ Minh Khách": "present", "Vũ Thị Mời": "absent"},
        guest_note="Khách mời",
    )
    guests = {p.title: p.id for p in store.list("person") if p.data.get("notes") == "Khách mời"}
    assert tasks == [] and set(guests) == {"Đỗ Minh Khách", "Vũ Thị Mời"}
    assert store.require(meeting.id).data["attendees"] == {
        ids["Trần Thị Bình"]: "present",
        guests["Đỗ Minh Khách"]: "present",
        guests["Vũ Thị Mời"]: "absent",
    }
    (notice,) = store.children(meeting.id, "conclusion")
    assert notice.data["directives"] == "Ghi nhận kết quả"
    assert len(editor.undo_stack) == 1, "one save, one undo"
    editor.undo()
    assert store.list("meeting") == [] and store.children(meeting.id, "conclusion") == []
    assert {p.title for p in store.list("person")} == set(PEOPLE_NAMES)


@given(st.lists(st.text(min_size=1).filter(lambda x: "\n" not in x and x.strip())))
def test_conclusion_lines_come_back_as_they_were_saved(lines: list[str]) -> None:
    notice = SimpleNamespace(data={"directives": "\n".join(lines)})
    assert directive_lines(notice) == [line.strip() for line in lines]  # type: ignore[arg-type]

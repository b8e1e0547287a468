"""Cuộc họp / Meetings: the list, and the meeting editor.

The editor takes a whole meeting from the keyboard: kind, date and time, venue, chair and
attendees (picked by typing part of a name, accents optional; Space on an attendee switches
present / absent / delegated), agenda and minutes (F4 opens $EDITOR), and the conclusions:
each one — what, lead unit, coordinating units, deadline — becomes a follow-up task linked
to the conclusion notice.  Ctrl+S saves the meeting, the notice and every task in one store
transaction, in a worker, so a slow disk never freezes the screen.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Static

from documents.notice import timing_for, timing_note
from domain.dates import format_date
from domain.errors import Problem, SotayError, ValidationError
from domain.i18n import t
from domain.schema import element_of
from domain.text import collation_key, safe_display
from sync.record import Record
from tui.app import SotayApp
from tui.editing import ItemEdit, ItemInvalid, follow_ups, notice_of
from tui.screens.base import ListRow, ListScreen, SotayScreen, list_row
from tui.screens.dialogs import close_editor
from tui.widgets.forms import FieldBox, FieldSpec, make_box, spec_for
from tui.widgets.table import Column

MEETING_FIELDS = ["title", "meeting_kind", "sequence", "date", "time", "venue", "chair_id"]
ITEM_FIELDS = ["title", "lead_unit_id", "coordinators", "due"]
LIST_COLUMNS = [
    Column("date", "field.date", 10),
    Column("time", "field.time", 6),
    Column("title", "field.title", 30, flex=True),
    Column("chair", "field.chair_id", 20),
    Column("attendees", "ui.col.attendees", 5, align="right"),
    Column("tasks", "ui.col.tasks", 6, align="right"),
]


class MeetingsScreen(ListScreen):
    section_key = "ui.nav.meetings"
    kind = "meeting"
    columns = LIST_COLUMNS

    def build_rows(self) -> list[ListRow]:
        store = self.app.store
        derived = self.app.derived
        rows = []
        for meeting in store.list("meeting"):
            flat = meeting.flat
            attendees = sum(1 for key in flat if element_of("attendees", key) is not None)
            cells = {
                "date": format_date(flat.get("date")),
                "time": safe_display(flat.get("time")),
                "title": safe_display(meeting.title),
                "chair": derived.name_of(flat.get("chair_id")),
                "attendees": str(attendees),
                "tasks": str(len(follow_ups(store, meeting.id))),
            }
            rows.append(
                list_row(
                    meeting,
                    meeting.id,
                    cells,
                    sort={
                        "date": str(flat.get("date") or ""),
                        "title": collation_key(cells["title"]),
                        "attendees": attendees,
                        "tasks": int(cells["tasks"]),
                    },
                )
            )
        rows.sort(key=lambda r: r.sort["date"], reverse=True)
        return rows


class ConclusionItem(Vertical):
    """One conclusion of the meeting: what is assigned, to whom, with whom, by when."""

    app = getters.app(SotayApp)

    class Remove(Message):
        def __init__(self, item: ConclusionItem) -> None:
            super().__init__()
            self.item = item

    def __init__(self, number: int, task: Record | None = None) -> None:
        super().__init__(classes="conclusion-item")
        self.number = number
        self.task_id = task.id if task is not None else None
        self.values = task.data if task is not None else {}

    def compose(self) -> ComposeResult:
        yield Static("", classes="item-title")
        for name in ITEM_FIELDS:
            spec = spec_for("task", name)
            key = "ui.meeting.item_title" if name == "title" else None
            yield make_box(
                spec, self.values.get(name), id=f"field-item{self.number}-{name}", label_key=key
            )
        yield Button("", classes="item-remove", compact=True)

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        lang = self.app.ui_lang

        self.query_one(".item-title", Static).update(
            Text(t("ui.meeting.item", lang, n=self.number), "bold")
        )
        self.query_one(".item-remove", Button).label = t("ui.meeting.remove_item", lang)
        for box in self.query(FieldBox):
            box.relabel()

    @property
    def boxes(self) -> list[FieldBox]:
        return list(self.query(FieldBox))

    @on(Button.Pressed, ".item-remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Remove(self))


class MeetingSaved(Message):
    def __init__(self, meeting_id: str, tasks: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.tasks = tasks


class MeetingEditor(SotayScreen):
    section_key = "ui.nav.meetings"
    AUTO_FOCUS = "#field-title Input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "ui.key.save"),
        Binding("ctrl+n", "add_item", "ui.key.add_item"),
        Binding("escape", "back", "ui.key.back"),
    ]

    def __init__(self, meeting_id: str | None) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.removed: list[str] = []
        self.saving = False
        self._next_number = 1

    @property
    def meeting(self) -> Record | None:
        return self.app.store.get(self.meeting_id) if self.meeting_id else None

    def compose_main(self) -> ComposeResult:
        meeting = self.meeting
        data = meeting.data if meeting is not None else {}
        notice = notice_of(self.app.store, meeting.id) if meeting is not None else None
        with VerticalScroll(id="meeting-form"):
            yield Static("", id="meeting-heading")
            yield Static("", id="sec-main", classes="form-section")
            for name in MEETING_FIELDS:
                yield make_box(spec_for("meeting", name), data.get(name))
            yield Static("", id="sec-people", classes="form-section")
            yield make_box(spec_for("meeting", "attendees"), data.get("attendees"))
            yield Static("", id="sec-text", classes="form-section")
            yield make_box(spec_for("meeting", "agenda"), data.get("agenda"))
            yield make_box(spec_for("meeting", "minutes"), data.get("minutes"))
            yield Static("", id="sec-conclusions", classes="form-section")
            notice_spec = FieldSpec("conclusion", "number", "text")
            yield make_box(
                notice_spec,
                notice.data.get("number") if notice else None,
                id="field-notice-number",
                label_key="ui.meeting.notice_number",
            )
            with Vertical(id="items"):
                for task in follow_ups(self.app.store, meeting.id) if meeting else []:
                    yield ConclusionItem(self._take_number(), task)
            yield Static("", id="no-items")

    def _take_number(self) -> int:
        number = self._next_number
        self._next_number += 1
        return number

    def on_mount(self) -> None:
        super().on_mount()
        self._update_empty()

    def relabel(self) -> None:
        meeting = self.meeting
        kind = t("kind.meeting", self.lang)
        heading = (
            f"{t('ui.editing', self.lang)} {kind}: {safe_display(meeting.title)}"
            if meeting
            else f"{t('ui.new', self.lang)}: {kind}"
        )
        text = Text(heading, "bold")
        if meeting is not None:
            timing = timing_for(self.app.store, meeting, notice_of(self.app.store, meeting.id))
            if timing.uncovered:
                text.append("\n" + timing_note(timing, self.lang), "bold red")
        self.query_one("#meeting-heading", Static).update(text)
        for selector, key in (
            ("#sec-main", "ui.meeting.section.main"),
            ("#sec-people", "ui.meeting.section.people"),
            ("#sec-text", "ui.meeting.section.text"),
            ("#sec-conclusions", "ui.meeting.section.conclusions"),
        ):
            self.query_one(selector, Static).update(Text(t(key, self.lang), "bold underline"))
        for box in self.query(FieldBox):
            box.relabel()
        for item in self.query(ConclusionItem):
            item.relabel()
        self.query_one("#no-items", Static).update(Text(t("ui.meeting.no_items", self.lang), "dim"))

    def _update_empty(self) -> None:
        self.query_one("#no-items", Static).display = not self.query(ConclusionItem)

    # ----------------------------------------------------------------- items
    async def action_add_item(self) -> None:
        item = ConclusionItem(self._take_number())
        await self.query_one("#items", Vertical).mount(item)
        self._update_empty()
        item.boxes[0].focus_editor()
        self.query_one("#meeting-form", VerticalScroll).scroll_to_widget(item, animate=False)

    @on(ConclusionItem.Remove)
    def _remove_item(self, event: ConclusionItem.Remove) -> None:
        if event.item.task_id:
            self.removed.append(event.item.task_id)
        event.item.remove()
        self.call_after_refresh(self._update_empty)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # ------------------------------------------------------------------ save
    def _meeting_boxes(self) -> list[FieldBox]:
        return [
            b
            for b in self.query(FieldBox)
            if b.spec.kind == "meeting" and not isinstance(b.parent, ConclusionItem)
        ]

    @property
    def dirty(self) -> bool:
        return (
            bool(self.removed)
            or any(b.dirty for b in self.query(FieldBox))
            or any(item.task_id is None for item in self.query(ConclusionItem))
        )

    def _collect(self) -> tuple[dict[str, Any], dict[str, Any], list[ItemEdit]] | None:
        problems: list[Problem] = []
        changes: dict[str, Any] = {}
        for box in self._meeting_boxes():
            found = box.validate_now()
            problems += found
            if not found and (self.meeting_id is None or box.dirty):
                value = box.value()
                if value is not None or self.meeting_id is not None:
                    changes[box.spec.name] = value
        notice_box = self.query_one("#field-notice-number", FieldBox)
        problems += notice_box.validate_now()
        items = []
        for item in self.query(ConclusionItem):
            fields: dict[str, Any] = {}
            for box in item.boxes:
                found = box.validate_now()
                problems += found
                if not found and (item.task_id is None or box.dirty):
                    fields[box.spec.name] = box.value()
            if item.task_id is None:
                fields = {k: v for k, v in fields.items() if v is not None}
                fields.setdefault("status", "not_started")
            items.append(ItemEdit(item.task_id, fields))
        if problems:
            self._focus_first_invalid()
            self.notify(
                t("ui.fix_fields", self.lang, count=len(problems)), severity="error", markup=False
            )
            return None
        title = changes.get("title") or (self.meeting.title if self.meeting else "")
        notice = {
            "number": notice_box.value(),
            "title": t("ui.meeting.notice_title", self.lang, title=title),
        }
        return changes, notice, items

    def _focus_first_invalid(self) -> None:
        for box in self.query(FieldBox):
            if box.has_class("-invalid"):
                box.focus_editor()
                self.query_one("#meeting-form", VerticalScroll).scroll_to_widget(box, animate=False)
                return

    def action_save(self) -> None:
        if self.saving:
            return
        collected = self._collect()
        if collected is None:
            return
        changes, notice, items = collected
        self.saving = True
        self.notify(t("ui.saving", self.lang), markup=False, timeout=2)
        what = f"{t('kind.meeting', self.lang)}: {changes.get('title') or ''}".strip()
        self._save(changes, notice, items, list(self.removed), what)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(
        self,
        changes: dict[str, Any],
        notice: dict[str, Any],
        items: list[ItemEdit],
        removed: list[str],
        what: str,
    ) -> None:
        meeting, tasks = self.app.editor.save_meeting(
            self.meeting_id, changes, notice, items, removed, what=what
        )
        self.post_message(MeetingSaved(meeting.id, len(tasks)))

    def on_meeting_saved(self, message: MeetingSaved) -> None:
        self.saving = False
        self.notify(t("ui.meeting.saved", self.lang, count=message.tasks), markup=False)
        for box in self.query(FieldBox):
            box.mark_saved()
        self.removed.clear()
        self.dismiss(message.meeting_id)

    def worker_failed(self, error: SotayError) -> None:
        self.saving = False
        if isinstance(error, ValidationError):
            self._place(error, error.index if isinstance(error, ItemInvalid) else None)
        self.notify(
            t("ui.save_failed", self.lang, detail=error.message(self.lang)),
            severity="error",
            markup=False,
            timeout=8,
        )

    def _place(self, error: ValidationError, item: int | None) -> None:
        if item is not None:
            items = list(self.query(ConclusionItem))
            boxes = items[item].boxes if item < len(items) else []
        else:
            boxes = self._meeting_boxes()
        for problem in error.problems:
            for box in boxes:
                if box.spec.name == problem.field:
                    box.show_error(problem.message(self.lang))
        self._focus_first_invalid()

    def action_back(self) -> None:
        close_editor(self, self.dirty, t("ui.confirm.discard", self.lang))

"""Cuộc họp / Meetings: the list, a meeting read-only, and the meeting editor.

The editor takes a whole meeting from the keyboard: kind, date and time, venue, chair and
attendees (picked by typing part of a name, accents optional; a name on no list, Enter,
is a guest: a person record of the meeting's scope, with no committee role, made when the
meeting is saved; Space on an attendee switches present / absent / delegated), agenda and
minutes (F4 opens $EDITOR), and the conclusions: each one — what, lead unit, coordinating
units, deadline — becomes a follow-up task linked to the conclusion notice when its "make it
a task" box is ticked (the default), else it is a line of the notice's conclusions only.
Ctrl+S saves the meeting, its guests, the notice and every task in one store transaction, in
a worker, so a slow disk never freezes the screen.

Enter on the list opens the meeting read-only (:class:`MeetingView`), ``e`` edits it, ``n``
opens its conclusion notice (:mod:`tui.screens.notice`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Static

from documents.notice import timing_for, timing_note
from domain.dates import format_date
from domain.errors import Problem, SotayError, ValidationError
from domain.i18n import t
from domain.schema import element_of
from domain.text import collation_key, safe_display
from sync.record import Record
from sync.store import Store
from tui.app import SotayApp
from tui.editing import ItemEdit, ItemInvalid, follow_ups, notice_of
from tui.present import said
from tui.screens.base import ListRow, ListScreen, SotayScreen, list_row
from tui.screens.dialogs import close_editor
from tui.widgets.forms import FieldBox, FieldSpec, MultiBox, make_box, spec_for
from tui.widgets.pick import FREE, MultiPick
from tui.widgets.table import Column

MEETING_FIELDS = ["title", "meeting_kind", "sequence", "date", "time", "venue", "chair_id"]
ITEM_FIELDS = ["title", "lead_unit_id", "coordinators", "due"]
#: The fields of an assignment: off (disabled, not saved) when a conclusion is no task.
ASSIGNMENT = ITEM_FIELDS[1:]
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
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "ui.key.edit"),
        Binding("n", "notice", "ui.key.notice"),
    ]

    def build_rows(self) -> list[ListRow]:
        store = self.app.store
        name_of = self.app.derived.namer()
        rows = []
        for meeting in store.list("meeting"):
            flat = meeting.flat
            attendees = sum(1 for key in flat if element_of("attendees", key) is not None)
            cells = {
                "date": format_date(flat.get("date")),
                "time": safe_display(flat.get("time")),
                "title": safe_display(meeting.title),
                "chair": name_of(flat.get("chair_id")),
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

    def open_row(self, row: ListRow) -> None:
        self.app.push_screen(MeetingView(row.id))

    def action_add(self) -> None:
        self.app.edit_record("meeting", None, on_saved=self.select_saved)

    def action_edit(self) -> None:
        row = self.table.current
        if row is not None:
            self.app.edit_record("meeting", row.id, on_saved=self.select_saved)

    def select_saved(self, meeting_id: str) -> None:
        """The meeting just saved is the selected row (Enter opens that one)."""
        self.refresh_data()
        self._stale = False
        self.table.select_id(meeting_id)

    def action_notice(self) -> None:
        row = self.table.current
        if row is not None:
            open_notice(self.app, row.id)


class AttendeesBox(MultiBox):
    """The attendees: people of the roster picked by name, and guests typed in full (Enter
    on a name that matches nobody).  A guest is kept as its name until the meeting is
    saved, then becomes a person record (see :meth:`tui.editing.Editor.save_meeting`)."""

    def editor(self) -> ComposeResult:
        yield MultiPick(
            self.choices,
            dict(self.initial or {}),
            roles=list(self.spec.codes or {}),
            role_label=self.role_label,
            free_names=True,
            classes="field-multi",
        )

    def value(self) -> Any:
        picker = self.multi.picker
        if picker.text.strip() and not picker.settle():
            raise ValidationError.single(
                self.spec.name, "ui.meeting.unknown_attendee", value=picker.text.strip()
            )
        known = {k: v for k, v in self.multi.chosen.items() if not k.startswith(FREE)}
        return self.check(known or None)

    def guests(self) -> dict[str, str]:
        """The guests typed in: name → attendance."""
        return self.multi.free_chosen()


class ConclusionItem(Vertical):
    """One conclusion of the meeting: what is concluded and, when it is a task, to whom,
    with whom, by when."""

    app = getters.app(SotayApp)

    class Remove(Message):
        def __init__(self, item: ConclusionItem) -> None:
            super().__init__()
            self.item = item

    def __init__(self, number: int, task: Record | None = None, text: str | None = None) -> None:
        super().__init__(classes="conclusion-item")
        self.number = number
        self.task_id = task.id if task is not None else None
        self.values = task.data if task is not None else {"title": text} if text else {}
        #: a task (an existing one, or a new conclusion); a line of the notice otherwise
        self.as_task = self.was_task = text is None
        self.new = task is None and text is None

    def compose(self) -> ComposeResult:
        yield Static("", classes="item-title")
        for name in ITEM_FIELDS:
            spec = spec_for("task", name)
            key = "ui.meeting.item_title" if name == "title" else None
            yield make_box(
                spec, self.values.get(name), id=f"field-item{self.number}-{name}", label_key=key
            )
            if name == "title":
                yield Checkbox("", self.as_task, compact=True, classes="item-task")
        yield Button("", classes="item-remove", compact=True)

    def on_mount(self) -> None:
        self.relabel()
        self._enable_assignment()

    def relabel(self) -> None:
        lang = self.app.ui_lang

        self.query_one(".item-title", Static).update(
            Text(t("ui.meeting.item", lang, n=self.number), "bold")
        )
        self.query_one(".item-task", Checkbox).label = t("ui.meeting.make_task", lang)
        self.query_one(".item-remove", Button).label = t("ui.meeting.remove_item", lang)
        for box in self.query(FieldBox):
            box.relabel()

    @property
    def boxes(self) -> list[FieldBox]:
        """The fields that count: the assignment's only when the conclusion is a task."""
        return [b for b in self.query(FieldBox) if self.as_task or b.spec.name not in ASSIGNMENT]

    @property
    def title_box(self) -> FieldBox:
        return self.query_one(f"#field-item{self.number}-title", FieldBox)

    @property
    def dirty(self) -> bool:
        return self.new or self.as_task != self.was_task or any(b.dirty for b in self.boxes)

    @on(Checkbox.Changed, ".item-task")
    def _task_switched(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.as_task = event.value
        self._enable_assignment()

    def _enable_assignment(self) -> None:
        for box in self.query(FieldBox):
            if box.spec.name in ASSIGNMENT:
                box.disabled = not self.as_task
                if not self.as_task:
                    box.show_error("")

    @on(Button.Pressed, ".item-remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Remove(self))


def directive_lines(notice: Record | None) -> list[str]:
    """The notice's conclusions that are no task, one a line."""
    text = str(notice.data.get("directives") or "") if notice is not None else ""
    return [line.strip() for line in text.split("\n") if line.strip()]


@dataclass
class Collected:
    """What the editor saves: the meeting's changes, its notice, its tasks, the tasks to
    delete and the guests to add (name → attendance)."""

    changes: dict[str, Any]
    notice: dict[str, Any]
    items: list[ItemEdit]
    removed: list[str]
    guests: dict[str, str]


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
        self.lines_dropped = False  # a conclusion that was a line of the notice is removed
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
            yield AttendeesBox(spec_for("meeting", "attendees"), data.get("attendees"))
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
                for line in directive_lines(notice):
                    yield ConclusionItem(self._take_number(), text=line)
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
        item.title_box.focus_editor()
        # once laid out (a new block has no place yet): the whole block into view
        self.call_after_refresh(self._show_item, item)

    def _show_item(self, item: ConclusionItem) -> None:
        form = self.query_one("#meeting-form", VerticalScroll)
        form.scroll_to_widget(item, animate=False, immediate=True)

    @on(ConclusionItem.Remove)
    def _remove_item(self, event: ConclusionItem.Remove) -> None:
        if event.item.task_id:
            self.removed.append(event.item.task_id)
        elif not event.item.new:
            self.lines_dropped = True
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
            or self.lines_dropped
            or any(b.dirty for b in self._meeting_boxes())
            or self.query_one("#field-notice-number", FieldBox).dirty
            or any(item.dirty for item in self.query(ConclusionItem))
        )

    def _collect(self) -> Collected | None:
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
        items: list[ItemEdit] = []
        lines: list[str] = []
        removed = list(self.removed)
        for item in self.query(ConclusionItem):
            fields: dict[str, Any] = {}
            for box in item.boxes:
                found = box.validate_now()
                problems += found
                if not found and (item.task_id is None or box.dirty):
                    fields[box.spec.name] = box.value()
            if not item.as_task:
                lines.append(" ".join(str(item.title_box.value() or "").split()))
                removed += [item.task_id] if item.task_id else []
                continue
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
            "directives": "\n".join(lines) or None,
        }
        guests = self.query_one(AttendeesBox).guests()
        return Collected(changes, notice, items, removed, guests)

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
        self.saving = True
        self.notify(t("ui.saving", self.lang), markup=False, timeout=2)
        title = collected.changes.get("title") or (self.meeting.title if self.meeting else "")
        what = f"{t('kind.meeting', self.lang)}: {title}".strip()
        note = t("ui.meeting.guest_note", self.lang, title=title)
        self._save(collected, what, note)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, collected: Collected, what: str, note: str) -> None:
        meeting, tasks = self.app.editor.save_meeting(
            self.meeting_id,
            collected.changes,
            collected.notice,
            collected.items,
            collected.removed,
            guests=collected.guests,
            guest_note=note,
            what=what,
        )
        self.post_message(MeetingSaved(meeting.id, len(tasks)))

    def on_meeting_saved(self, message: MeetingSaved) -> None:
        self.saving = False
        self.notify(t("ui.meeting.saved", self.lang, count=message.tasks), markup=False)
        for box in self.query(FieldBox):
            box.mark_saved()
        self.removed.clear()
        self.lines_dropped = False
        self.dismiss(message.meeting_id)

    def worker_failed(self, error: SotayError) -> None:
        self.saving = False
        if isinstance(error, ValidationError):
            self._place(error, error.index if isinstance(error, ItemInvalid) else None)
        self.notify(
            t("ui.save_failed", self.lang, detail=said(error, self.lang)),
            severity="error",
            markup=False,
            timeout=8,
        )

    def _place(self, error: ValidationError, item: int | None) -> None:
        if item is not None:
            items = [i for i in self.query(ConclusionItem) if i.as_task]
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


class MeetingView(SotayScreen):
    """One meeting, read-only: what a secretary checks before the notice.  ``e`` edits it,
    ``n`` opens its conclusion notice, Esc goes back to the list."""

    section_key = "ui.nav.meetings"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "ui.key.edit"),
        Binding("n", "notice", "ui.key.notice"),
        Binding("escape", "back", "ui.key.back"),
    ]

    def __init__(self, meeting_id: str) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    def compose_main(self) -> ComposeResult:
        with VerticalScroll(id="meeting-view", can_focus=True):
            yield Static("", id="meeting-view-text")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#meeting-view", VerticalScroll).focus()

    def refresh_data(self) -> None:
        meeting = self.app.store.get(self.meeting_id)
        if meeting is None or meeting.deleted:
            self.query_one("#meeting-view-text", Static).update("")
            return
        self.query_one("#meeting-view-text", Static).update(meeting_text(self.app, meeting))

    def relabel(self) -> None:
        self.refresh_data()

    def action_edit(self) -> None:
        self.app.edit_record("meeting", self.meeting_id)

    def action_notice(self) -> None:
        open_notice(self.app, self.meeting_id)


def meeting_text(app: SotayApp, meeting: Record) -> Text:
    """The meeting as the view shows it: its facts, who attended, agenda and minutes
    (wrapped by the view), and its conclusions numbered as the notice numbers them."""
    lang, store, names = app.ui_lang, app.store, partial(full_name, app.store)
    data = meeting.data
    out = Text(safe_display(meeting.title), "bold")
    kind = data.get("meeting_kind")
    facts = [
        ("field.meeting_kind", t(f"meeting_kind.{kind}", lang) if kind else ""),
        ("field.sequence", safe_display(data.get("sequence"))),
        ("field.date", format_date(data.get("date"))),
        ("field.time", safe_display(data.get("time"))),
        ("field.venue", safe_display(data.get("venue"))),
        ("field.chair_id", names(data.get("chair_id"))),
    ]
    for key, shown in facts:
        if shown:
            out.append(f"\n{t(key, lang)}: ", "bold")
            out.append(shown)
    attendees = data.get("attendees") or {}
    if attendees:
        out.append(f"\n\n{t('field.attendees', lang)}", "bold underline")
        for pid, role in attendees.items():
            out.append(f"\n• {names(pid)} ({t(f'attendance.{role}', lang)})")
    for name in ("agenda", "minutes"):
        if data.get(name):
            out.append(f"\n\n{t(f'field.{name}', lang)}", "bold underline")
            out.append("\n" + safe_display(data[name]))
    out.append(f"\n\n{t('ui.meeting.section.conclusions', lang)}", "bold underline")
    notice = notice_of(store, meeting.id)
    lines = [conclusion_line(app, task) for task in follow_ups(store, meeting.id)]
    lines += [safe_display(line) for line in directive_lines(notice)]
    for number, line in enumerate(lines, start=1):
        out.append(f"\n{number}. {line}")
    if not lines:
        out.append("\n" + t("ui.meeting.no_conclusions", lang), "dim")
    return out


def conclusion_line(app: SotayApp, task: Record) -> str:
    """ "Title — Chủ trì: X; phối hợp: Y, Z; hạn: dd/mm/yyyy" (the parts it has)."""
    lang, data, names = app.ui_lang, task.data, partial(full_name, app.store)
    parts = []
    if data.get("lead_unit_id"):
        parts.append(f"{t('field.lead_unit_id', lang)}: {names(data['lead_unit_id'])}")
    coordinators = [names(c) for c in data.get("coordinators") or []]
    if coordinators:
        parts.append(f"{t('field.coordinators', lang)}: {', '.join(coordinators)}")
    if data.get("due"):
        parts.append(f"{t('field.due', lang)}: {format_date(data['due'])}")
    title = safe_display(task.title)
    return f"{title} — {'; '.join(parts)}" if parts else title


def full_name(store: Store, record_id: Any) -> str:
    """A unit's or a person's full name (the lists show abbreviations; a view has room)."""
    record = store.get(str(record_id)) if record_id else None
    return safe_display(record.title) if record is not None else ""


def open_notice(app: SotayApp, meeting_id: str) -> None:
    from tui.screens.notice import NoticeScreen  # the documents load when first asked for

    app.push_screen(NoticeScreen(meeting_id))

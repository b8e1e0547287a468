"""Chỉ tiêu / Targets and Dự án / IT projects: a list each, and the record form.  On a
target, ``n`` adds a reading (date, value or x/y, evidence) without opening the whole form."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from domain.dates import format_date, parse_date
from domain.errors import SotayError, ValidationError
from domain.i18n import Lang, t
from domain.money import format_money, format_percent
from domain.records import check_field
from domain.rules import attainment
from domain.text import collation_key, safe_display
from sync.record import Record
from tui.app import SotayApp
from tui.inputs import reading_value
from tui.screens.base import ListRow, ListScreen, list_row
from tui.screens.dialogs import close_editor, field_message
from tui.widgets.table import Column

INDICATOR_COLUMNS = [
    Column("name", "field.name", 30, flex=True),
    Column("plan", "ui.col.plan", 16),
    Column("target", "ui.col.target", 14),
    Column("actual", "ui.col.actual", 14),
    Column("when", "field.date", 10),
    Column("pct", "ui.col.pct", 8, align="right"),
    Column("result", "ui.col.result", 12),
]
PROJECT_COLUMNS = [
    Column("name", "field.name", 30, flex=True),
    Column("investor", "field.investor_id", 16),
    Column("stage", "field.stage", 16),
    Column("budget", "field.budget", 18, align="right"),
    Column("end", "field.end", 10),
    Column("complete", "field.records_complete", 10),
]


class IndicatorsScreen(ListScreen):
    section_key = "ui.nav.indicators"
    kind = "indicator"
    columns = INDICATOR_COLUMNS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "add_reading", "ui.key.add_reading"),
    ]

    def action_add_reading(self) -> None:
        row = self.table.current
        record = row.record if isinstance(row, ListRow) else None
        if record is not None:
            self.app.push_screen(ReadingScreen(record))

    def build_rows(self) -> list[ListRow]:
        store = self.app.store
        today = self.app.today()
        rows = []
        for indicator in store.list("indicator"):
            result = attainment(indicator.data, today)
            verdict = (
                ""
                if result.achieved is None
                else t("word.achieved" if result.achieved else "word.not_achieved", self.lang)
            )
            plan = store.get(str(indicator.flat.get("plan_id") or ""))
            cells = {
                "name": safe_display(indicator.title),
                "plan": safe_display(plan.flat.get("number") or plan.title) if plan else "",
                "target": result.target_text,
                "actual": result.actual_text,
                "when": format_date(result.reading_date) if result.reading_date else "",
                "pct": format_percent(result.percent_of_target),
                "result": verdict,
            }
            style = None if result.achieved is None else ("done" if result.achieved else "overdue")
            rows.append(
                list_row(
                    indicator,
                    indicator.id,
                    cells,
                    style=style,
                    sort={
                        "name": collation_key(cells["name"]),
                        "pct": result.percent_of_target or -1.0,
                    },
                )
            )
        rows.sort(key=lambda r: r.sort["name"])
        return rows


class ProjectsScreen(ListScreen):
    section_key = "ui.nav.projects"
    kind = "project"
    columns = PROJECT_COLUMNS

    def build_rows(self) -> list[ListRow]:
        store = self.app.store
        name_of = self.app.derived.namer()
        rows = []
        for project in store.list("project"):
            flat = project.flat
            stage = flat.get("stage")
            complete = flat.get("records_complete")
            cells = {
                "name": safe_display(project.title),
                "investor": name_of(flat.get("investor_id")),
                "stage": t(f"stage.{stage}", self.lang) if stage else "",
                "budget": format_money(
                    flat.get("budget") if isinstance(flat.get("budget"), int) else None
                ),
                "end": format_date(flat.get("end")),
                "complete": ""
                if complete is None
                else t("word.yes" if complete else "word.no", self.lang),
            }
            rows.append(
                list_row(
                    project,
                    project.id,
                    cells,
                    sort={
                        "name": collation_key(cells["name"]),
                        "budget": flat.get("budget") or 0,
                        "end": str(flat.get("end") or ""),
                    },
                )
            )
        rows.sort(key=lambda r: r.sort["name"])
        return rows


class ReadingScreen(ModalScreen[None]):
    """One new reading of a target: its date (``t`` is today), its value (``6/22``, ``70%``
    or ``12``) and its evidence.  Ctrl+S saves it beside the target's other readings (the
    same date replaces that day's reading); Esc asks before dropping what was typed."""

    app = getters.app(SotayApp)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "ui.key.save"),
        Binding("escape", "back", "ui.key.back"),
    ]
    FIELDS = ("date", "value", "evidence")

    def __init__(self, indicator: Record) -> None:
        super().__init__()
        self.indicator = indicator

    @property
    def lang(self) -> Lang:
        return self.app.ui_lang

    def compose(self) -> ComposeResult:
        lang = self.lang
        title = safe_display(self.indicator.title)
        with Vertical(classes="dialog"):
            yield Static(Text(t("ui.reading.title", lang, title=title)), classes="dialog-question")
            for name in self.FIELDS:
                yield Label(t(f"ui.reading.{name}", lang))
                start = format_date(self.app.today()) if name == "date" else ""
                yield Input(start, placeholder=t(f"ui.reading.{name}_hint", lang), id=f"r-{name}")
            yield Static("", id="reading-error", classes="field-error")

    @property
    def dirty(self) -> bool:
        return any(self._typed(name) for name in ("value", "evidence"))

    def _typed(self, name: str) -> str:
        return self.query_one(f"#r-{name}", Input).value.strip()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "r-evidence":
            self.action_save()
        else:
            self.focus_next()

    def reading(self) -> dict[str, Any]:
        """The target's readings with this one added, checked as the form checks them."""
        when = parse_date(self._typed("date"), "readings", today=self.app.today())
        new = reading_value(self._typed("value")) if self._typed("value") else {}
        if not new:
            raise ValidationError.single("readings", "validation.reading_value")
        if self._typed("evidence"):
            new["evidence"] = self._typed("evidence")
        readings = dict(self.indicator.data.get("readings") or {})
        readings[when.isoformat()] = new
        return dict(check_field("indicator", "readings", readings))

    def action_save(self) -> None:
        try:
            readings = self.reading()
            what = f"{t('ui.key.add_reading', self.lang)}: {safe_display(self.indicator.title)}"
            self.app.editor.save("indicator", self.indicator.id, {"readings": readings}, what=what)
        except SotayError as exc:
            error = self.query_one("#reading-error", Static)
            error.update(Text(field_message(exc, self.lang)))
            error.display = True
            return
        self.app.notify(t("ui.reading.saved", self.lang), markup=False)
        self.dismiss(None)

    def action_back(self) -> None:
        close_editor(self, self.dirty, t("ui.confirm.discard", self.lang))

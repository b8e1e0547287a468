"""Đơn vị & thành viên / Units and roster: the units, and the committee's members with their
terms of service (who served when; those whose term has ended are shown dimmed)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from domain.dates import format_date
from domain.i18n import t
from domain.text import collation_key, safe_display
from tui.screens.base import ListRow, SotayScreen, cell, filter_rows, list_row, sort_value
from tui.widgets.table import Column, VirtualTable

UNIT_COLUMNS = [
    Column("abbr", "field.abbr", 12),
    Column("name", "field.name", 26, flex=True),
    Column("unit_kind", "field.unit_kind", 16, drop=2),
    Column("parent", "field.parent_id", 12, drop=1),
]
PERSON_COLUMNS = [
    Column("name", "field.name", 22, flex=True),
    Column("position", "field.position", 18, flex=True),
    Column("unit", "field.unit_id", 10),
    Column("role", "field.committee_role", 16, drop=1),
    Column("term", "ui.col.term", 23, drop=2),
    Column("serving", "ui.col.serving", 13),
]


class UnitsScreen(SotayScreen):
    section_key = "ui.nav.units"
    AUTO_FOCUS = "#units"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "ui.key.add"),
        Binding("delete", "delete", "ui.key.delete"),
        Binding("h", "history", "ui.key.history"),
        Binding("f", "filter", "ui.key.filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.unit_rows: list[ListRow] = []
        self.person_rows: list[ListRow] = []

    def compose_main(self) -> ComposeResult:
        yield Input(compact=True, id="roster-filter")
        with Horizontal(id="roster"):
            yield Static("", id="units-title", classes="roster-title")
            yield Static("", id="people-title", classes="roster-title")
        with Horizontal(id="roster-tables"):
            yield self._table(UNIT_COLUMNS, "units")
            yield self._table(PERSON_COLUMNS, "people")

    def _table(self, columns: list[Column], id: str) -> VirtualTable:
        return VirtualTable(
            columns,
            cell=cell,
            row_id=lambda r: r.id,
            row_class=lambda r: r.style,
            sort_key=sort_value,
            label=lambda key: t(key, self.lang),
            empty=self.empty_text,
            id=id,
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#units", VirtualTable).focus()

    def relabel(self) -> None:
        self.query_one("#roster-filter", Input).placeholder = t("ui.filter.text", self.lang)
        self.query_one("#units-title", Static).update(Text(t("ui.units.units", self.lang), "bold"))
        self.query_one("#people-title", Static).update(
            Text(t("ui.units.people", self.lang), "bold")
        )

    def refresh_data(self) -> None:
        store = self.app.store
        records = store.count_hint("unit") + store.count_hint("person")
        self.build_then_show(self._build_lists, self._show_lists, records=records)

    def _build_lists(self) -> tuple[list[ListRow], list[ListRow]]:
        names = self.app.derived.unit_names()
        return self._unit_rows(names), self._person_rows(names)

    def _unit_rows(self, names: dict[str, str]) -> list[ListRow]:
        lang = self.lang
        unit_rows = []
        for unit in self.app.store.list("unit"):
            flat = unit.flat
            kind = flat.get("unit_kind")
            cells = {
                "abbr": safe_display(flat.get("abbr")),
                "name": safe_display(unit.title),
                "unit_kind": t(f"unit_kind.{kind}", lang) if kind else "",
                "parent": names.get(str(flat.get("parent_id") or ""), ""),
            }
            unit_rows.append(
                list_row(unit, unit.id, cells, sort={"name": collation_key(cells["name"])})
            )
        unit_rows.sort(key=lambda r: r.sort["name"])
        return unit_rows

    def _person_rows(self, names: dict[str, str]) -> list[ListRow]:
        lang = self.lang
        today = self.app.today().isoformat()
        person_rows = []
        for person in self.app.store.list("person"):
            flat = person.flat
            role = flat.get("committee_role")
            start, end = str(flat.get("term_from") or ""), str(flat.get("term_to") or "")
            serving = (not start or start <= today) and (not end or end >= today)
            term = (
                f"{format_date(start) or '…'} – {format_date(end) or '…'}" if start or end else ""
            )
            cells = {
                "name": safe_display(person.title),
                "position": safe_display(flat.get("position")),
                "unit": names.get(str(flat.get("unit_id") or ""), ""),
                "role": t(f"committee_role.{role}", lang) if role else "",
                "term": term,
                "serving": t("ui.serving.yes" if serving else "ui.serving.no", self.lang),
            }
            person_rows.append(
                list_row(
                    person,
                    person.id,
                    cells,
                    style=None if serving else "muted",
                    sort={"name": _person_key(cells["name"]), "term": start},
                )
            )
        person_rows.sort(key=lambda r: r.sort["name"])
        return person_rows

    def _show_lists(self, lists: tuple[list[ListRow], list[ListRow]]) -> None:
        self.unit_rows, self.person_rows = lists
        self.apply_filter()

    def loading_changed(self) -> None:
        for table in self.query(VirtualTable):
            table.refresh()

    def apply_filter(self) -> None:
        text = self.query_one("#roster-filter", Input).value
        self.query_one("#units", VirtualTable).set_rows(filter_rows(self.unit_rows, text))
        self.query_one("#people", VirtualTable).set_rows(filter_rows(self.person_rows, text))

    @on(Input.Changed, "#roster-filter")
    def _typed(self, event: Input.Changed) -> None:
        self.apply_filter()

    @on(Input.Submitted, "#roster-filter")
    def _done(self, event: Input.Submitted) -> None:
        self.query_one("#units", VirtualTable).focus()

    def action_filter(self) -> None:
        self.set_focus(
            self.query_one("#roster-filter", Input)
        )  # at once: keys typed next land there

    def _table_kind(self) -> tuple[VirtualTable, str]:
        focused = self.focused
        if isinstance(focused, VirtualTable) and focused.id == "people":
            return focused, "person"
        return self.query_one("#units", VirtualTable), "unit"

    @on(VirtualTable.Selected)
    def _open(self, event: VirtualTable.Selected) -> None:
        kind = "person" if event.table.id == "people" else "unit"
        self.app.edit_record(kind, event.row.id)

    def action_add(self) -> None:
        _table, kind = self._table_kind()
        self.app.edit_record(kind, None)

    def action_delete(self) -> None:
        table, _kind = self._table_kind()
        if table.current is not None:
            self.app.confirm_delete(table.current.id)

    def action_history(self) -> None:
        table, _kind = self._table_kind()
        if table.current is not None:
            self.app.show_history(table.current.id)


def _person_key(name: str) -> object:
    """Vietnamese names sort by the given name (the last word), then the whole name."""
    words = name.split()
    return (collation_key(words[-1]) if words else collation_key(""), collation_key(name))

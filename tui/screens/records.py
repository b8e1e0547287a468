"""Chỉ tiêu / Targets and Dự án / IT projects: a list each, and the record form."""

from __future__ import annotations

from domain.dates import format_date
from domain.i18n import t
from domain.money import format_money, format_percent
from domain.rules import attainment
from domain.text import collation_key, safe_display
from tui.screens.base import ListRow, ListScreen, list_row
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
        derived = self.app.derived
        rows = []
        for project in store.list("project"):
            flat = project.flat
            stage = flat.get("stage")
            complete = flat.get("records_complete")
            cells = {
                "name": safe_display(project.title),
                "investor": derived.name_of(flat.get("investor_id")),
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

"""The sections of the app: number key, label and the screen that opens.

Each section is a Textual *mode* with its own screen stack, so switching with a number key
keeps where you were in each (a plan open in Kế hoạch stays open while you look at
Nhiệm vụ).  Screens are imported when first opened, so starting the app loads only the
dashboard.

To add a section, append a :class:`Section` to :data:`SECTIONS` (or pass your own list to
:func:`tui.app.build_app`), with its label in ``tui/strings.json``.  The factory
gets the running app (its ``store``, ``ui_lang``, ``sync_client``…)::

    def _reports(app: Any) -> Screen[Any]:
        from tui.screens.reports import ReportsScreen
        return ReportsScreen(app.store, lang=app.ui_lang)

    Section("reports", "9", "ui.nav.reports", _reports)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen


@dataclass(frozen=True)
class Section:
    name: str
    key: str
    label_key: str
    #: Makes the section's first screen; called with the app when the section first opens.
    factory: Callable[[Any], Screen[Any]]


def _dashboard(app: Any) -> Screen[Any]:
    from tui.screens.dashboard import DashboardScreen

    return DashboardScreen()


def _plans(app: Any) -> Screen[Any]:
    from tui.screens.plans import PlansScreen

    return PlansScreen()


def _tasks(app: Any) -> Screen[Any]:
    from tui.screens.tasks import TasksScreen

    return TasksScreen()


def _meetings(app: Any) -> Screen[Any]:
    from tui.screens.meetings import MeetingsScreen

    return MeetingsScreen()


def _indicators(app: Any) -> Screen[Any]:
    from tui.screens.records import IndicatorsScreen

    return IndicatorsScreen()


def _projects(app: Any) -> Screen[Any]:
    from tui.screens.records import ProjectsScreen

    return ProjectsScreen()


def _units(app: Any) -> Screen[Any]:
    from tui.screens.units import UnitsScreen

    return UnitsScreen()


def _conflicts(app: Any) -> Screen[Any]:
    from tui.screens.conflicts import ConflictsScreen

    return ConflictsScreen()


def _reports(app: Any) -> Screen[Any]:
    from tui.screens.reports import ReportsScreen

    return ReportsScreen()


def _import(app: Any) -> Screen[Any]:
    from tui.screens.importer import ImportScreen

    return ImportScreen()


SECTIONS: tuple[Section, ...] = (
    Section("dashboard", "1", "ui.nav.dashboard", _dashboard),
    Section("plans", "2", "ui.nav.plans", _plans),
    Section("tasks", "3", "ui.nav.tasks", _tasks),
    Section("meetings", "4", "ui.nav.meetings", _meetings),
    Section("indicators", "5", "ui.nav.indicators", _indicators),
    Section("projects", "6", "ui.nav.projects", _projects),
    Section("units", "7", "ui.nav.units", _units),
    Section("conflicts", "8", "ui.nav.conflicts", _conflicts),
    Section("reports", "9", "ui.nav.reports", _reports),
    Section("import", "0", "ui.nav.import", _import),
)

#: The section where records of each kind are listed and edited.
KIND_SECTION = {
    "plan": "plans",
    "task": "tasks",
    "meeting": "meetings",
    "conclusion": "meetings",
    "indicator": "indicators",
    "project": "projects",
    "unit": "units",
    "person": "units",
    "conflict": "conflicts",
}

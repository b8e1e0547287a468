"""What the screens show, computed from the store once per change rather than per repaint.

Headless (no Textual): the app keeps one :class:`Derived` and asks it for task rows, unit
names and the dashboard summary; each is cached against the store's revision counter, which
the app bumps after every commit.  Over 10k tasks a task row costs a few microseconds, so a
list of every task is built in tens of milliseconds, once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from documents.notice import MeetingNotice, late_meetings
from domain.rules import Attainment, attainment, task_status
from domain.text import collation_key, fold, safe_display
from sync.record import Record
from sync.store import Store

DUE_SOON_DAYS = 14
#: Derived statuses of tasks still to be done (not finished, cancelled or overdue).
OPEN = frozenset({"not_started", "in_progress", "paused"})
T = TypeVar("T")


@dataclass(slots=True)
class TaskRow:
    """One task as lists show it; folded text and sort keys are filled on first use.

    Text fields are kept as stored: whatever draws them passes them through
    :func:`domain.text.safe_display` (only the visible rows are ever drawn)."""

    id: str
    title: str
    stt: str
    group: str
    plan_id: str
    conclusion_id: str
    lead_id: str
    due: str
    progress: int | None
    status: str
    budget: int | None
    timeframe: str
    pending: bool
    scope: str
    folded: str | None = None
    title_key: Any = None


def task_row(record: Record, today: date) -> TaskRow:
    flat = record.flat
    progress = flat.get("progress")
    budget = flat.get("budget")
    return TaskRow(
        id=record.id,
        title=str(flat.get("title") or ""),
        stt=str(flat.get("stt") or ""),
        group=str(flat.get("group") or ""),
        plan_id=str(flat.get("plan_id") or ""),
        conclusion_id=str(flat.get("conclusion_id") or ""),
        lead_id=str(flat.get("lead_unit_id") or ""),
        due=str(flat.get("due") or ""),
        progress=progress if isinstance(progress, int) else None,
        status=task_status(flat, today),
        budget=budget if isinstance(budget, int) else None,
        timeframe=str(flat.get("timeframe") or ""),
        pending=record.pending > 0,
        scope=record.scope,
    )


@dataclass(frozen=True)
class IndicatorLine:
    id: str
    name: str
    result: Attainment


@dataclass
class Dashboard:
    overdue: list[TaskRow] = field(default_factory=list)
    due_soon: list[TaskRow] = field(default_factory=list)
    meetings: list[Record] = field(default_factory=list)
    late_notices: list[MeetingNotice] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)
    pending: int = 0
    open_conflicts: int = 0
    rejected: int = 0


class Derived:
    """Caches of derived data, each valid for one (revision, today)."""

    def __init__(self, store: Store, today: Callable[[], date]) -> None:
        self.store = store
        self.today = today
        self.revision = 0
        self._cache: dict[str, tuple[tuple[int, date], Any]] = {}

    def invalidate(self) -> None:
        self.revision += 1

    def _cached(self, name: str, build: Callable[[], T]) -> T:
        stamp = (self.revision, self.today())
        hit = self._cache.get(name)
        if hit is not None and hit[0] == stamp:
            cached: T = hit[1]
            return cached
        value = build()
        self._cache[name] = (stamp, value)
        return value

    # ------------------------------------------------------------------ names
    def unit_names(self) -> dict[str, str]:
        """Unit ID → the short name people use (abbreviation, else name)."""

        def build() -> dict[str, str]:
            return {
                r.id: safe_display(r.flat.get("abbr") or r.title) for r in self.store.list("unit")
            }

        return self._cached("unit_names", build)

    def unit_search(self) -> dict[str, str]:
        """Unit ID → its folded name and abbreviation (for filters typed without accents)."""

        def build() -> dict[str, str]:
            return {
                r.id: fold(f"{r.title} {r.flat.get('abbr') or ''}") for r in self.store.list("unit")
            }

        return self._cached("unit_search", build)

    def name_of(self, record_id: str | None) -> str:
        return self.namer()(record_id)

    def namer(self) -> Callable[[str | None], str]:
        """:meth:`name_of` for a loop over many rows: the names are looked up once."""
        names = self.unit_names()
        get = self.store.get

        def name_of(record_id: str | None) -> str:
            if not record_id:
                return ""
            name = names.get(record_id)
            if name is not None:
                return name
            record = get(record_id)
            return safe_display(record.title) if record is not None else ""

        return name_of

    # ------------------------------------------------------------------ tasks
    def tasks(self) -> list[TaskRow]:
        def build() -> list[TaskRow]:
            today = self.today()
            return [task_row(r, today) for r in self.store.list("task")]

        return self._cached("tasks", build)

    def folded(self, row: TaskRow) -> str:
        """The text a task list filter looks in: title, STT, timeframe, lead unit, status."""
        if row.folded is None:
            names = self.unit_names()
            row.folded = fold(
                " ".join((row.title, row.stt, row.timeframe, names.get(row.lead_id, "")))
            )
        return row.folded

    @staticmethod
    def title_key(row: TaskRow) -> Any:
        if row.title_key is None:
            row.title_key = collation_key(row.title)
        return row.title_key

    # -------------------------------------------------------------- dashboard
    def dashboard(self) -> Dashboard:
        return self._cached("dashboard", self._build_dashboard)

    def _build_dashboard(self) -> Dashboard:
        today = self.today()
        rows = self.tasks()
        board = Dashboard()
        board.overdue = sorted(
            (r for r in rows if r.status == "overdue"), key=lambda r: (r.due, r.title)
        )
        first, last = today.isoformat(), (today + timedelta(days=DUE_SOON_DAYS)).isoformat()
        board.due_soon = sorted(
            (r for r in rows if r.status in OPEN and first <= r.due <= last),
            key=lambda r: (r.due, r.title),
        )
        board.meetings = self._upcoming_meetings(today)
        board.late_notices = self._late_notices(today)
        board.indicators = self._indicators(today)
        board.pending = self.store.pending_count()
        board.open_conflicts = len(self.open_conflicts())
        board.rejected = len(self.store.rejected())
        return board

    def _upcoming_meetings(self, today: date) -> list[Record]:
        horizon = (today + timedelta(days=60)).isoformat()
        start = today.isoformat()
        found = [
            m
            for m in self.store.list("meeting")
            if start <= str(m.flat.get("date") or "") <= horizon
        ]
        return sorted(found, key=lambda m: (str(m.flat.get("date")), str(m.flat.get("time") or "")))

    def _late_notices(self, today: date) -> list[MeetingNotice]:
        """Meetings whose conclusion notice came (or is still missing) later than 5 working
        days after them (QĐ 45/2018/QĐ-TTg), most recent first — judged by the one rule the
        CLI and the documents use, so the counts agree."""
        return late_meetings(self.store, as_of=today)[::-1]

    def _indicators(self, today: date) -> list[IndicatorLine]:
        """Every target's standing, furthest behind first (those without a reading last)."""
        lines = []
        for record in self.store.list("indicator"):
            lines.append(
                IndicatorLine(record.id, safe_display(record.title), attainment(record.data, today))
            )

        def order(line: IndicatorLine) -> tuple[int, float, str]:
            percent = line.result.percent_of_target
            return (percent is None, percent if percent is not None else 0.0, fold(line.name))

        return sorted(lines, key=order)

    def open_conflicts(self) -> list[Record]:
        return self._cached("conflicts", self.store.open_conflicts)

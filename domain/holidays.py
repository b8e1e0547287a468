"""Vietnamese public holidays and the 5-working-day rule for conclusion notices.

The holiday table is data (``domain/data/holidays_vn.json``): days off per year, including
compensatory days (nghỉ bù) and swapped days (hoán đổi), and the Saturdays worked in
exchange.  :func:`load_calendar` is the only function here that reads a file; everything
else is pure and takes a :class:`WorkCalendar`.

A conclusion notice is due within 5 working days of the meeting (QĐ 45/2018/QĐ-TTg): the
meeting day is not counted, weekends and days off are skipped, a make-up Saturday counts.
"""

from __future__ import annotations

import bisect
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any

NOTICE_WORKING_DAYS = 5


@dataclass(frozen=True)
class WorkCalendar:
    """Days off (holidays, compensatory and swapped days) and make-up working Saturdays."""

    days_off: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    names: Mapping[date, tuple[str, str]] = field(default_factory=dict)
    years: frozenset[int] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def name(self, day: date, lang: str = "vi") -> str:
        pair = self.names.get(day)
        if pair is None:
            return ""
        return pair[0] if lang == "vi" else pair[1]

    def covers(self, year: int) -> bool:
        return year in self.years

    @functools.cached_property
    def exceptions(self) -> tuple[list[date], list[date]]:
        """Weekdays off and weekend days worked, each sorted (for counting by bisection)."""
        off = sorted(d for d in self.days_off if d.weekday() < 5 and d not in self.workdays)
        return off, sorted(d for d in self.workdays if d.weekday() >= 5)

    @functools.cached_property
    def notice_deadlines(self) -> dict[date, date]:
        """Meeting day → its notice's deadline, filled as asked (a memo, not data)."""
        return {}


def calendar_from_data(data: Mapping[str, Any]) -> WorkCalendar:
    """Build a calendar from the JSON table's structure (see the data file's ``about``)."""
    off: set[date] = set()
    work: set[date] = set()
    names: dict[date, tuple[str, str]] = {}
    years = set()
    for year, entry in (data.get("years") or {}).items():
        years.add(int(year))
        for item in entry.get("off", []):
            day = date.fromisoformat(item["date"])
            off.add(day)
            names[day] = (item.get("vi", ""), item.get("en", ""))
        for item in entry.get("workdays", []):
            day = date.fromisoformat(item["date"])
            work.add(day)
            names[day] = (item.get("vi", ""), item.get("en", ""))
    return WorkCalendar(frozenset(off), frozenset(work), names, frozenset(years))


@functools.lru_cache(maxsize=1)
def load_calendar() -> WorkCalendar:
    """The shipped Vietnamese holiday table (read once)."""
    text = resources.files("domain.data").joinpath("holidays_vn.json").read_text("utf-8")
    return calendar_from_data(json.loads(text))


def add_working_days(start: date, count: int, calendar: WorkCalendar) -> date:
    """The date ``count`` working days after ``start`` (``start`` itself not counted)."""
    day, remaining = start, count
    while remaining > 0:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, calendar: WorkCalendar) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start).

    Counted, not walked: weekdays in the span, less the days off among them, plus the
    make-up Saturdays — a meeting held ten years ago costs no more than one held last week."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    weekdays = weeks * 5 + sum((end - timedelta(days=i)).weekday() < 5 for i in range(rest))
    off, extra = calendar.exceptions
    return weekdays - _within(off, start, end) + _within(extra, start, end)


def _within(days: list[date], start: date, end: date) -> int:
    """How many of the sorted ``days`` fall after ``start``, up to and including ``end``."""
    return bisect.bisect_right(days, end) - bisect.bisect_right(days, start)


@dataclass(frozen=True)
class NoticeTiming:
    """Whether a meeting's conclusion notice came (or is still missing) in time."""

    meeting_date: date
    deadline: date
    issued_on: date | None
    working_days: int  # working days from the meeting to the notice (or to ``as_of``)
    late: bool
    uncovered: tuple[int, ...] = ()  # years from the meeting to the deadline not in the table

    @property
    def days_late(self) -> int:
        return max(0, self.working_days - NOTICE_WORKING_DAYS)

    @property
    def state(self) -> str:
        """ "late", "on_time" (issued within the 5 days) or "pending" (not issued, not due)."""
        if self.late:
            return "late"
        return "on_time" if self.issued_on is not None else "pending"


def notice_timing(
    meeting_date: date, issued_on: date | None, as_of: date, calendar: WorkCalendar
) -> NoticeTiming:
    """Judge a notice: late when issued more than 5 working days after the meeting, or not
    issued by ``as_of`` although that deadline has passed.  A notice dated after ``as_of``
    counts as not issued yet.  The count always runs from the meeting."""
    memo = calendar.notice_deadlines
    deadline = memo.get(meeting_date) or memo.setdefault(
        meeting_date, add_working_days(meeting_date, NOTICE_WORKING_DAYS, calendar)
    )
    issued = issued_on if issued_on is not None and issued_on <= as_of else None
    until = issued if issued is not None else as_of
    spent = working_days_between(meeting_date, until, calendar)
    late = spent > NOTICE_WORKING_DAYS
    years = range(meeting_date.year, deadline.year + 1)
    uncovered = tuple(y for y in years if not calendar.covers(y))
    return NoticeTiming(meeting_date, deadline, issued, spent, late, uncovered)

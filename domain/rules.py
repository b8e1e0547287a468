"""Pure rules: a task's displayed status, indicator attainment, plan progress.

They take logical fields (plain dicts, as :func:`domain.records.from_flat` gives) and the
date to judge by, so the same rule serves "today" on the dashboard and a report's cut-off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from domain.money import format_percent, group_thousands
from domain.timeframe import parse_timeframe

CLOSED = frozenset({"done", "cancelled"})


def _day(value: Any) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@lru_cache(maxsize=4096)
def _recurring(timeframe: str) -> bool:
    return parse_timeframe(timeframe).recurring


def is_standing(task: Mapping[str, Any], today: date) -> bool:
    """A standing duty in force: "Thường xuyên", "Hằng năm" … with no due date, begun."""
    if task.get("due") or not _recurring(str(task.get("timeframe") or "")):
        return False
    start = _day(task.get("start"))
    return start is None or start <= today


def task_status(task: Mapping[str, Any], today: date) -> str:
    """The status a person should see: overdue is derived from the due date, never typed.

    Returns one of not_started, in_progress, done_on_time, done_late, overdue, paused,
    cancelled.  A standing duty nobody gave a status is in progress once in force (Công
    văn 878's "hằng năm" duties of 2012 are not "not started" in 2022); a typed status wins.
    """
    stored = task.get("status")
    if not stored:
        begun = (task.get("progress") or 0) > 0 or is_standing(task, today)
        stored = "in_progress" if begun else "not_started"
    due = _day(task.get("due"))
    if stored == "done":
        finished = _day(task.get("completed_on"))
        if due and finished and finished > due:
            return "done_late"
        return "done_on_time"
    if stored == "cancelled":
        return "cancelled"
    if due and today > due:
        return "overdue"
    return stored


def due_within(task: Mapping[str, Any], today: date, days: int) -> bool:
    """Open tasks whose due date falls in the next ``days`` days (today included)."""
    due = _day(task.get("due"))
    if due is None or task.get("status") in CLOSED:
        return False
    return 0 <= (due - today).days <= days


@dataclass(frozen=True)
class Attainment:
    """An indicator's standing at some date: "6/22" → 27,3% of target, not achieved."""

    actual: float | None  # the reading's value (percent, count or x/y as a percent)
    actual_text: str  # as people write it: "6/22", "70%", "12"
    target_text: str
    percent_of_target: float | None
    achieved: bool | None
    reading_date: date | None


def latest_reading(
    indicator: Mapping[str, Any], as_of: date | None = None
) -> tuple[date, dict[str, Any]] | None:
    readings = indicator.get("readings") or {}
    best: tuple[date, dict[str, Any]] | None = None
    for key, reading in readings.items():
        when = _day(key)
        if when is None or (as_of is not None and when > as_of):
            continue
        if best is None or when > best[0]:
            best = (when, reading)
    return best


def _number_text(value: Any) -> str:
    """A figure as Vietnamese write it: ``4367`` → ``4.367``, ``1234.5`` → ``1.234,5``."""
    if value is None:
        return ""
    if float(value).is_integer():
        return group_thousands(int(value))
    sign = "-" if value < 0 else ""
    whole, tenth = f"{abs(float(value)):.1f}".split(".")
    return f"{sign}{group_thousands(int(whole))},{tenth}"


def _describe(measure: str, value: float | None, num: Any, den: Any, unit_label: str) -> str:
    suffix = f" {unit_label}" if unit_label else ""
    if num is not None and den:
        return f"{_number_text(num)}/{_number_text(den)}{suffix}"
    if value is None:
        return ""
    if measure == "count":
        return f"{_number_text(value)}{suffix}"
    return format_percent(value)


def attainment(indicator: Mapping[str, Any], as_of: date | None = None) -> Attainment:
    """Compare the latest reading at ``as_of`` with the target.

    For x/y indicators the target is ``target`` out of ``target_denominator`` (10/10 huyện);
    for percentages and counts it is the number itself.  With no target, a ratio is judged
    against its own denominator (6/22 is 27,3%) and achievement is left open.
    """
    measure = indicator.get("measure") or (
        "ratio" if indicator.get("target_denominator") else "percent"
    )
    unit_label = indicator.get("unit_label") or ""
    target = indicator.get("target")
    target_den = indicator.get("target_denominator")
    if target is None:
        target_text = ""
    elif target_den:
        label = f" {unit_label}" if unit_label else ""
        target_text = f"{_number_text(target)}/{_number_text(target_den)}{label}"
    else:
        target_text = _describe(measure, target, None, None, unit_label)
    found = latest_reading(indicator, as_of)
    if found is None:
        return Attainment(None, "", target_text, None, None, None)
    when, reading = found
    num, den = reading.get("numerator"), reading.get("denominator")
    value = reading.get("value")
    if value is None and num is not None and den:
        value = 100.0 * num / den
    actual_text = _describe(measure, value, num, den, unit_label)
    percent: float | None
    if target is None:
        percent = value if measure != "count" else None
    elif target_den:
        target_pct = 100.0 * float(target) / target_den
        percent = 100.0 * value / target_pct if (value is not None and target_pct) else None
    else:
        base = num if (measure == "count" and num is not None) else value
        percent = 100.0 * float(base) / float(target) if (base is not None and target) else None
    achieved = None if (percent is None or target is None) else percent >= 100.0 - 1e-9
    if percent is not None:
        percent = round(percent, 1)
    return Attainment(value, actual_text, target_text, percent, achieved, when)


def plan_progress(tasks: Iterable[Mapping[str, Any]]) -> float | None:
    """A plan's % done: the mean progress of its live tasks (done counts as 100)."""
    values = []
    for task in tasks:
        if task.get("status") == "cancelled":
            continue
        values.append(100 if task.get("status") == "done" else int(task.get("progress") or 0))
    if not values:
        return None
    return round(sum(values) / len(values), 1)


def stt_key(stt: str | None) -> tuple[tuple[int, int | str], ...]:
    """Sort key for STT as plans write it: "II.3.a" after "II.2", "10" after "9"."""
    if not stt:
        return ((9, 0),)
    roman = {
        "i": 1,
        "ii": 2,
        "iii": 3,
        "iv": 4,
        "v": 5,
        "vi": 6,
        "vii": 7,
        "viii": 8,
        "ix": 9,
        "x": 10,
        "xi": 11,
        "xii": 12,
    }
    parts: list[tuple[int, int | str]] = []
    for raw in stt.replace(")", "").replace(" ", "").split("."):
        token = raw.lower()
        if not token:
            continue
        if token.isdigit():
            parts.append((1, int(token)))
        elif token in roman:
            parts.append((0, roman[token]))
        else:
            parts.append((2, token))
    return tuple(parts)

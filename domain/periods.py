"""Reporting periods and their data cut-off (NĐ 09/2019/NĐ-CP, Điều 12).

* month: from the 15th of the month before to the 14th of the month;
* quarter: from the 15th of the month before the quarter to the 14th of its last month;
* half-year: from 15/12 (or 15/06) to 14/06 (or 14/12);
* year: from 15/12 of the year before to 14/12;
* custom: the range itself.

Codes people type: ``2022-Q2``, ``2011-H1``, ``2022-05``, ``2022``, ``Q2/2022``,
``Quý II/2022``, ``6 tháng đầu năm 2011``, ``tháng 5/2022``, and custom ranges
``01/03/2022..30/06/2022``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from domain.dates import parse_date
from domain.errors import ValidationError
from domain.i18n import Lang, t
from domain.text import fold

KINDS = ("month", "quarter", "half", "year", "custom")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_ROMAN_IN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Period:
    """A reporting period: its calendar span and its data cut-off window."""

    kind: str
    year: int
    index: int  # month 1–12, quarter 1–4, half 1–2; 0 for a year or a custom range
    start: date
    end: date
    cutoff_from: date
    cutoff_to: date

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.index}"
        if self.kind == "half":
            return f"{self.year}-H{self.index}"
        if self.kind == "year":
            return str(self.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def title(self, lang: Lang = "vi") -> str:
        """The period as a report's title names it: "Quý II/2022", "Q2 2022"."""
        n, year = self.index, self.year
        if self.kind == "month":
            return t("period.month", lang, n=n, year=year, month=_MONTHS_EN[n - 1])
        if self.kind == "quarter":
            return t("period.quarter", lang, n=n, roman=ROMAN[n], year=year)
        if self.kind == "half":
            return t(f"period.half.{n}", lang, year=year)
        if self.kind == "year":
            return t("period.year", lang, year=year)
        start, end = self.start.strftime("%d/%m/%Y"), self.end.strftime("%d/%m/%Y")
        return t("period.range", lang, start=start, end=end)

    def contains(self, day: date) -> bool:
        """Is ``day`` inside the cut-off window (the facts this period reports)?"""
        return self.cutoff_from <= day <= self.cutoff_to


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _the_15th_before(year: int, month: int) -> date:
    """The 15th of the month before ``month``/``year``."""
    return date(year - 1, 12, 15) if month == 1 else date(year, month - 1, 15)


def month(year: int, number: int) -> Period:
    return Period(
        "month",
        year,
        number,
        date(year, number, 1),
        _month_end(year, number),
        _the_15th_before(year, number),
        date(year, number, 14),
    )


def quarter(year: int, number: int) -> Period:
    first = 3 * (number - 1) + 1
    last = first + 2
    return Period(
        "quarter",
        year,
        number,
        date(year, first, 1),
        _month_end(year, last),
        _the_15th_before(year, first),
        date(year, last, 14),
    )


def half(year: int, number: int) -> Period:
    first = 1 if number == 1 else 7
    last = first + 5
    return Period(
        "half",
        year,
        number,
        date(year, first, 1),
        _month_end(year, last),
        _the_15th_before(year, first),
        date(year, last, 14),
    )


def year(number: int) -> Period:
    return Period(
        "year",
        number,
        0,
        date(number, 1, 1),
        date(number, 12, 31),
        date(number - 1, 12, 15),
        date(number, 12, 14),
    )


def custom(start: date, end: date) -> Period:
    if end < start:
        raise ValidationError.single(
            "period",
            "validation.date_order",
            start=start.strftime("%d/%m/%Y"),
            end=end.strftime("%d/%m/%Y"),
        )
    return Period("custom", start.year, 0, start, end, start, end)


def report_due(period: Period) -> date:
    """The day a periodic report is due: the 20th of the period's last month (NĐ 09/2019: a
    periodic report is sent no later than the 20th of the last month of its period, after the
    data cut-off on the 14th); a custom range is due on its last day."""
    if period.kind == "custom":
        return period.end
    return date(period.end.year, period.end.month, 20)


def next_period(period: Period) -> Period:
    """The period after ``period``, of the same kind (a custom range: the next equal span)."""
    if period.kind == "month":
        return (
            month(period.year + 1, 1)
            if period.index == 12
            else month(period.year, period.index + 1)
        )
    if period.kind == "quarter":
        return (
            quarter(period.year + 1, 1)
            if period.index == 4
            else quarter(period.year, period.index + 1)
        )
    if period.kind == "half":
        return half(period.year + 1, 1) if period.index == 2 else half(period.year, 2)
    if period.kind == "year":
        return year(period.year + 1)
    span = period.end - period.start
    start = period.end + timedelta(days=1)
    return custom(start, start + span)


def by_cutoff(kind: str, day: date) -> Period:
    """The period of ``kind`` whose cut-off window holds ``day`` (15/06/2022 → Q3/2022)."""
    shifted = day if day.day < 15 else _month_end(day.year, day.month) + timedelta(days=1)
    y, m = shifted.year, shifted.month
    if kind == "month":
        return month(y, m)
    if kind == "quarter":
        return quarter(y, (m - 1) // 3 + 1)
    if kind == "half":
        return half(y, 1 if m <= 6 else 2)
    if kind == "year":
        return year(y)
    raise ValidationError.single("period", "validation.period", value=kind)


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("quarter", re.compile(r"^(\d{4})\s*-?\s*q\s*([1-4])$")),
    ("quarter", re.compile(r"^(?:q|quy)\s*([1-4]|iv|i{1,3})\s*[/\- ]\s*(?:nam\s*)?(\d{4})$")),
    ("half", re.compile(r"^(\d{4})\s*-?\s*h\s*([12])$")),
    ("half", re.compile(r"^h\s*([12])\s*[/\- ]\s*(\d{4})$")),
    ("half", re.compile(r"^6\s*thang\s*(dau|cuoi)\s*(?:nam\s*)?(\d{4})$")),
    ("month", re.compile(r"^(\d{4})\s*-\s*(\d{1,2})$")),
    ("month", re.compile(r"^(?:thang\s*)?(\d{1,2})\s*/\s*(\d{4})$")),
    ("year", re.compile(r"^(?:nam\s*)?(\d{4})$")),
]


def _number(token: str) -> int:
    return _ROMAN_IN[token] if token in _ROMAN_IN else int(token)


def _build(kind: str, a: str, b: str) -> Period:
    if kind == "year":
        return year(int(a))
    if a.isdigit() and len(a) == 4:
        y, n = int(a), b
    else:
        y, n = int(b), a
    if kind == "half":
        index = 1 if n in ("dau", "1") else 2
        return half(y, index)
    number = _number(n)
    if kind == "quarter":
        return quarter(y, number)
    return month(y, number)


def _parse_custom(text: str) -> Period | None:
    parts = re.split(r"\s*(?:\.\.|–|—|\bden\b|\bto\b)\s*", text)
    if len(parts) != 2 or not all(parts):
        return None
    start = parse_date(parts[0].replace("tu ", "").strip(), "period")
    return custom(start, parse_date(parts[1], "period"))


def parse_period(text: str, kind: str | None = None) -> Period:
    """Parse what a person typed; ``kind`` (month/quarter/half/year/custom), when given,
    must agree with the text."""
    raw = " ".join(str(text).split())
    folded = fold(raw).strip()
    found: Period | None = None
    for pkind, pattern in _PATTERNS:
        m = pattern.match(folded)
        if m:
            groups = [g for g in m.groups() if g is not None] + [""]
            try:
                found = _build(pkind, groups[0], groups[1])
            except (ValueError, KeyError):
                raise ValidationError.single("period", "validation.period", value=raw) from None
            break
    if found is None:
        try:
            found = _parse_custom(folded)
        except ValidationError:
            raise ValidationError.single("period", "validation.period", value=raw) from None
    if found is None or (kind and kind != found.kind):
        raise ValidationError.single("period", "validation.period", value=raw)
    return found

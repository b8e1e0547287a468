"""Timeframes as plans write them: "Quý III/2022", "6 tháng cuối năm 2011", "Thường xuyên",
"trước 30/9/2022", "2021-2025" … parsed into start / due where possible, kept verbatim always.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from domain.text import clean_input, fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_DATE = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"


@dataclass(frozen=True)
class Timeframe:
    text: str
    start: date | None = None
    due: date | None = None
    recurring: bool = False


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter(q: int, year: int) -> tuple[date, date]:
    first = 3 * (q - 1) + 1
    return date(year, first, 1), _month_end(year, first + 2)


def _safe_date(d: str, m: str, y: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _quarter_number(token: str) -> int | None:
    token = token.strip().lower()
    if token.isdigit():
        n = int(token)
        return n if 1 <= n <= 4 else None
    return _ROMAN.get(token)


def _parse_range(f: str) -> tuple[date | None, date | None] | None:
    m = re.search(rf"(?:tu\s*(?:ngay)?\s*)?{_DATE}\s*(?:den|-|–|toi)\s*(?:ngay\s*)?{_DATE}", f)
    if m:
        return _safe_date(*m.group(1, 2, 3)), _safe_date(*m.group(4, 5, 6))
    return None


def _parse_quarter(f: str, year: int | None) -> tuple[date, date] | None:
    m = re.search(r"quy\s*([ivx]+|\d)\s*(?:(?:/|nam|-)\s*(\d{4}))?", f)
    if not m:
        return None
    q = _quarter_number(m.group(1))
    y = int(m.group(2)) if m.group(2) else year
    if q is None or y is None:
        return None
    return _quarter(q, y)


def _parse_half(f: str, year: int | None) -> tuple[date, date] | None:
    m = re.search(r"6\s*thang\s*(dau|cuoi)\s*(?:nam)?\s*(\d{4})?", f)
    if not m:
        return None
    y = int(m.group(2)) if m.group(2) else year
    if y is None:
        return None
    if m.group(1) == "dau":
        return date(y, 1, 1), date(y, 6, 30)
    return date(y, 7, 1), date(y, 12, 31)


def _parse_month(f: str, year: int | None) -> tuple[date, date] | None:
    m = re.search(r"thang\s*(\d{1,2})\s*(?:(?:/|nam|-)\s*(\d{4}))?", f)
    if not m:
        return None
    month = int(m.group(1))
    y = int(m.group(2)) if m.group(2) else year
    if not 1 <= month <= 12 or y is None:
        return None
    return date(y, month, 1), _month_end(y, month)


def _parse_years(f: str) -> tuple[date, date] | None:
    m = re.search(r"(\d{4})\s*(?:-|–|den)\s*(\d{4})", f)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if 1900 <= a <= b <= 2100:
            return date(a, 1, 1), date(b, 12, 31)
    m = re.fullmatch(r"(?:ca\s*)?(?:nam\s*)?(\d{4})", f.strip())
    if m:
        y = int(m.group(1))
        if 1900 <= y <= 2100:
            return date(y, 1, 1), date(y, 12, 31)
    return None


def parse_timeframe(text: str, year: int | None = None) -> Timeframe:
    """Parse a timeframe; ``year`` fills in a missing year ("Quý III" in a 2022 plan).

    Unparseable text is kept with no dates rather than refused: it is what the plan says.
    """
    raw = clean_input(text)
    f = fold(raw)
    if not f:
        return Timeframe(raw)
    if re.search(r"thuong xuyen|hang nam|hang quy|hang thang|lien tuc|dinh ky", f):
        return Timeframe(raw, recurring=True)
    rng = _parse_range(f)
    if rng:
        return Timeframe(raw, rng[0], rng[1])
    m = re.search(rf"(?:truoc|cham nhat|han|hoan thanh)\D*?{_DATE}", f)
    if m:
        return Timeframe(raw, None, _safe_date(*m.group(1, 2, 3)))
    for parser in (_parse_quarter, _parse_half, _parse_month):
        found = parser(f, year)
        if found:
            return Timeframe(raw, found[0], found[1])
    found = _parse_years(f)
    if found:
        return Timeframe(raw, found[0], found[1])
    m = re.fullmatch(rf"\s*(?:ngay\s*)?{_DATE}\s*", f)
    if m:
        return Timeframe(raw, None, _safe_date(*m.group(1, 2, 3)))
    return Timeframe(raw)

"""Dates the Vietnamese way: typed and shown as dd/mm/yyyy, never month-first.

Also the working-day arithmetic behind the 5-working-day rule for conclusion notices; the
holiday table itself is data (``domain/data/holidays_vn.json``) passed in by the caller.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta, tzinfo

from domain.errors import ValidationError

_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.+\-Z]*)?\s*$")
_RELATIVE = re.compile(r"^\s*([+-])\s*(\d{1,4})\s*$")
_TODAY_WORDS = {"t", "today", "h", "homnay", "hôm nay", "hom nay"}


def _invalid(field: str, key: str, **params: object) -> ValidationError:
    return ValidationError.single(field, key, **params)


def make_date(day: int, month: int, year: int, raw: str, field: str = "date") -> date:
    """Build a date from parts typed day-first, with a message a person understands."""
    if not 1900 <= year <= 2100:
        raise _invalid(field, "validation.date_bad_year", value=raw, year=year)
    if not 1 <= month <= 12:
        if 1 <= day <= 12 and 13 <= month <= 31:
            suggestion = f"{month:02d}/{day:02d}/{year}"
            raise _invalid(
                field, "validation.date_month_first", value=raw, month=month, suggestion=suggestion
            )
        raise _invalid(field, "validation.date_bad_month", value=raw, month=month)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise _invalid(
            field,
            "validation.date_bad_day",
            value=f"{day:02d}/{month:02d}/{year}",
            month=month,
            year=year,
            days=days,
        )
    return date(year, month, day)


def parse_date(value: object, field: str = "date", today: date | None = None) -> date:
    """Parse a date typed as dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or ISO.

    With ``today`` given, the interface shortcuts work too: ``t`` (today), ``+7``, ``-3``.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    if today is not None:
        lowered = raw.lower()
        if lowered in _TODAY_WORDS:
            return today
        rel = _RELATIVE.match(raw)
        if rel:
            days = int(rel.group(2))
            return today + timedelta(days=days if rel.group(1) == "+" else -days)
    m = _DMY.match(raw)
    if m:
        return make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw, field)
    m = _ISO.match(raw)
    if m:
        return make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)), raw, field)
    raise _invalid(field, "validation.date_format", value=raw)


def format_date(value: date | str | None) -> str:
    """dd/mm/yyyy, or '' for nothing.  Accepts the ISO strings records store."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = parse_date(value)
    return value.strftime("%d/%m/%Y")


def format_time(value: datetime | str, tz: tzinfo | None = None) -> str:
    """A moment as a person reads it: dd/mm/yyyy HH:MM in ``tz`` (default: this computer's
    zone).  A time without a zone is UTC, as stored; text that is no time raises ValueError."""
    when = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(tz).strftime("%d/%m/%Y %H:%M")


def format_long_date(value: date, place: str = "") -> str:
    """The date line of an official document: "Hà Nội, ngày 05 tháng 3 năm 2020".

    NĐ 30/2020, Phụ lục I: a day below 10 and the months 1 and 2 take a leading 0 ("ngày
    05", "tháng 01", "tháng 02"; "tháng 3" … "tháng 12" as they are), so that no digit can be
    added in front of them later.
    """
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    text = f"ngày {value.day:02d} tháng {month} năm {value.year}"
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None

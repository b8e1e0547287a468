"""Field value types shared by the record models: text, dates, money, numbers, choices, refs.

Each is an ``Annotated`` pydantic type whose validator accepts what a person types (strings
from the CLI, a form or an import) as well as what the store keeps (JSON values), and
raises a :class:`FieldValueError` carrying a catalogue message on bad input.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

from domain.dates import parse_date
from domain.errors import Problem, ValidationError
from domain.money import parse_money
from domain.scopes import check_scope
from domain.text import clean_input, fold

SHORT_TEXT_LIMIT = 4_000
LONG_TEXT_LIMIT = 500_000


class FieldValueError(ValueError):
    """A value error pydantic carries through to :func:`domain.records.validate`."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.key)
        self.problem = problem


def _raise(key: str, **params: Any) -> FieldValueError:
    return FieldValueError(Problem("", key, params))


def guarded(fn: Callable[..., Any]) -> Callable[[Any], Any]:
    """Wrap a parser that raises our ValidationError so pydantic sees a ValueError."""

    def run(value: Any) -> Any:
        try:
            return fn(value)
        except ValidationError as exc:
            raise FieldValueError(exc.problems[0]) from None

    return run


def _text(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    value = clean_input(value)
    if len(value) > SHORT_TEXT_LIMIT:
        raise _raise("validation.text_too_long", length=len(value), limit=SHORT_TEXT_LIMIT)
    return value or None


def _long_text(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    value = clean_input(value, multiline=True)
    if len(value) > LONG_TEXT_LIMIT:
        raise _raise("validation.text_too_long", length=len(value), limit=LONG_TEXT_LIMIT)
    return value or None


def _date(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        return _day_of(value)
    return guarded(parse_date)(value)


@functools.lru_cache(maxsize=4096)
def _day_of(text: str) -> date:
    """A typed or stored date, remembered (a date is a value): the records of an import or a
    pulled page share a few dates.  A refusal is not remembered: it is raised every time."""
    day: date = guarded(parse_date)(text)
    return day


def _money(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return guarded(parse_money)(value)


_INT = re.compile(r"^[+-]?\d+$")


def _int(value: Any) -> Any:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if re.match(r"^\d{1,3}(\.\d{3})+$", text):
        text = text.replace(".", "")
    if not text:
        return None
    if not _INT.match(text):
        raise _raise("validation.not_integer", value=value)
    return int(text)


def parse_number(value: Any) -> float | None:
    """A number as Vietnamese write it: ``99,1`` or ``99.1``; ``1.000`` is a thousand; ``70%``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().rstrip("%").strip()
    if not text:
        return None
    if re.match(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$", text):
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise ValidationError.single("", "validation.not_number", value=value) from None


def _progress(value: Any) -> Any:
    number = guarded(parse_number)(value)
    if number is None:
        return None
    if not 0 <= number <= 100:
        raise _raise("validation.progress_range", value=value)
    return round(number)


_TRUE = {"1", "true", "yes", "y", "co", "x", "dung", "roi", "da"}
_FALSE = {"0", "false", "no", "n", "khong", "chua", "sai", ""}


def _bool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    text = fold(str(value).strip())
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _raise("validation.bad_choice", value=value, choices="có / không")


def _ref(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        if len(value) != 1:
            raise _raise("validation.bad_value", detail=str(value))
        value = value[0]
    text = str(value).strip()
    return text or None


def _lead_ref(value: Any) -> Any:
    if isinstance(value, list | tuple) and len(value) > 1:
        raise _raise("validation.one_lead_unit")
    if isinstance(value, str) and re.search(r"[,;]", value):
        raise _raise("validation.one_lead_unit")
    return _ref(value)


def _scope(value: Any) -> Any:
    if value is None:
        return None
    return guarded(check_scope)(value)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _symbol(value: Any) -> Any:
    """Document number and symbol: "1772 / KH – BCĐ" → "1772/KH-BCĐ"; Đ kept."""
    text = _text(value)
    if text is None:
        return None
    text = re.sub(r"\s*[–—‐-]\s*", "-", text)
    text = re.sub(r"\s*/\s*", "/", text)
    return text


def choice(prefix: str, codes: Mapping[str, tuple[str, str]]) -> Callable[[Any], Any]:
    """A validator accepting a code or its Vietnamese / English label (accent-insensitive).

    The catalogue shows the same labels as ``{prefix}.{code}`` (it takes them from the schema).
    """
    lookup: dict[str, str] = {}
    for code, (vi, en) in codes.items():
        for name in (code, vi, en):
            lookup[fold(name)] = code
            lookup[fold(name).replace(" ", "_")] = code

    def run(value: Any) -> Any:
        if value is None:
            return None
        key = _choice_key(str(value))
        if not key:
            return None
        found = lookup.get(key) or lookup.get(key.replace(" ", "_"))
        if found is None:
            names = ", ".join(vi for vi, _ in codes.values())
            raise _raise("validation.bad_choice", value=value, choices=names)
        return found

    return run


@functools.lru_cache(maxsize=1024)
def _choice_key(text: str) -> str:
    """How a typed choice is looked up, remembered: a field's few values come again and again."""
    return fold(clean_input(text))


Text = Annotated[str, BeforeValidator(_text)]
LongText = Annotated[str, BeforeValidator(_long_text)]
Day = Annotated[date, BeforeValidator(_date), PlainSerializer(_iso, return_type=str | None)]
Money = Annotated[int, BeforeValidator(_money)]
Int = Annotated[int, BeforeValidator(_int)]
Number = Annotated[float, BeforeValidator(guarded(parse_number))]
Progress = Annotated[int, BeforeValidator(_progress)]
Bool = Annotated[bool, BeforeValidator(_bool)]
Ref = Annotated[str, BeforeValidator(_ref)]
LeadRef = Annotated[str, BeforeValidator(_lead_ref)]
ScopeText = Annotated[str, BeforeValidator(_scope)]
Symbol = Annotated[str, BeforeValidator(_symbol)]

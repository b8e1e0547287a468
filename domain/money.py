"""Money in đồng: an integer, typed with optional dot grouping, shown as ``1.500.000.000 đ``."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from domain.errors import ValidationError

_SUFFIX = re.compile(r"\s*(?:đ|₫|đồng|dong|vnd|vnđ)\s*$", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}(?:[.\s\u00a0]\d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_WORDS = re.compile(r"(tỷ|tỉ|ty|triệu|trieu|nghìn|nghin|ngàn|ngan|tr\b|k\b)", re.IGNORECASE)


def parse_money(value: object, field: str = "budget") -> int:
    """Parse a whole number of đồng: ``1.500.000.000``, ``1500000000``, ``1 500 000 000 đ``.

    ``1.5`` or ``1,5`` are refused with a message (money has no fractions and the dot only
    groups thousands); so are words like "tỷ" — a person must see the number they saved.
    """
    if isinstance(value, bool):
        raise ValidationError.single(field, "validation.money_format", value=value)
    if isinstance(value, int):
        if value < 0:
            raise ValidationError.single(field, "validation.money_negative", value=value)
        return value
    if isinstance(value, float):
        if value.is_integer() and value >= 0:
            return int(value)
        raise ValidationError.single(field, "validation.money_decimal", value=value)
    raw = str(value).strip()
    text = _SUFFIX.sub("", raw).strip()
    if text.startswith("-"):
        raise ValidationError.single(field, "validation.money_negative", value=raw)
    if _WORDS.search(text):
        raise ValidationError.single(field, "validation.money_words", value=raw)
    if _PLAIN.match(text):
        return int(text)
    if _GROUPED.match(text):
        return int(re.sub(r"[.\s\u00a0]", "", text))
    if re.match(r"^\d+(?:[.,]\d+)+$", text):
        raise ValidationError.single(field, "validation.money_decimal", value=raw)
    raise ValidationError.single(field, "validation.money_format", value=raw)


def parse_millions(value: object, field: str = "budget") -> int:
    """Plan tables speak in triệu đồng: ``1.200`` → 1.200.000.000 đ, ``12,5`` → 12.500.000 đ.

    Here a comma is the decimal mark (Vietnamese style) and dots group thousands.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = Decimal(str(value))
    else:
        raw = str(value).strip()
        text = re.sub(r"\s*(triệu đồng|triệu|trđ|tr)\s*$", "", raw, flags=re.IGNORECASE)
        if _WORDS.search(text) or not re.match(
            r"^\d{1,3}(?:\.\d{3})*(?:,\d+)?$|^\d+(?:,\d+)?$", text
        ):
            raise ValidationError.single(field, "validation.money_format", value=raw)
        try:
            amount = Decimal(text.replace(".", "").replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the regex already guards
            raise ValidationError.single(field, "validation.money_format", value=raw) from exc
    dong = amount * 1_000_000
    if dong < 0:
        raise ValidationError.single(field, "validation.money_negative", value=value)
    if dong != dong.to_integral_value():
        raise ValidationError.single(field, "validation.money_decimal", value=value)
    return int(dong)


def group_thousands(amount: int) -> str:
    """``1500000000`` → ``1.500.000.000``."""
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(amount):,}".replace(",", ".")


def format_money(amount: int | None) -> str:
    """``1500000000`` → ``1.500.000.000 đ``; ``None`` → ``""``."""
    if amount is None:
        return ""
    return f"{group_thousands(amount)} đ"


def format_percent(value: float | None, digits: int = 1) -> str:
    """``99.1`` → ``99,1%`` (comma decimal mark); whole numbers without decimals."""
    if value is None:
        return ""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value)}%"
    return f"{value:.{digits}f}".replace(".", ",") + "%"

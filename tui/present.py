"""How records are shown: field values as people read them (dd/mm/yyyy, 1.500.000.000 đ,
status labels, unit names instead of IDs) and the columns of each kind's list.

Headless: the CLI and the Textual screens use the same functions, so a value reads the same
everywhere.  Every string that may come from another office goes through ``safe_display``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, tzinfo
from typing import Any

from domain.dates import format_date, format_time
from domain.errors import SotayError, ValidationError
from domain.i18n import Lang, known, t
from domain.ids import short
from domain.money import format_money, format_percent
from domain.rules import attainment, task_status
from domain.schema import SPECS, logical_name, split_key
from domain.text import safe_display
from sync.record import Record
from sync.store import Store


def ref_name(store: Store, record_id: Any) -> str:
    """The name a person knows a referenced record by (abbreviation for units)."""
    if not isinstance(record_id, str):
        return ""
    record = store.get(record_id)
    if record is None:
        return short(record_id)
    if record.kind == "unit":
        return safe_display(record.flat.get("abbr") or record.title)
    return safe_display(record.title)


def said(exc: SotayError, lang: Lang) -> str:
    """What went wrong, as a screen says it: each problem after its field's label, without
    the command line's key ("Tiến độ: …", not "Tiến độ (progress): …")."""
    if not isinstance(exc, ValidationError):
        return exc.message(lang)
    lines = []
    for problem in exc.problems:
        label = f"field.{problem.field}"
        text = problem.message(lang)
        lines.append(f"{t(label, lang)}: {text}" if known(label) else text)
    if len(lines) == 1:
        return lines[0]
    return t(exc.key, lang) + "\n" + "\n".join(f"  - {line}" for line in lines)


def status_text(code: str | None, lang: Lang) -> str:
    return t(f"status.{code}", lang) if code else ""


def display_value(store: Store, kind: str, name: str, value: Any, lang: Lang = "vi") -> str:
    """One logical field value as text for a person, as the field schema types it."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    spec = SPECS.get(kind)
    field = spec.field(name) if spec else None
    if field is None:
        return _plain(value, lang)
    if field.type == "date" and isinstance(value, str):
        return format_date(value)
    if field.type == "money" and isinstance(value, int):
        return format_money(value)
    if field.type == "percent" and isinstance(value, int | float):
        return format_percent(float(value))
    if field.item == "signer" and isinstance(value, dict):
        return _signers(store, value, lang)
    if field.target:
        if isinstance(value, list):
            return ", ".join(ref_name(store, v) for v in value)
        if isinstance(value, dict):
            return ", ".join(
                f"{ref_name(store, k)} ({t(f'{field.labels}.{v}', lang)})" for k, v in value.items()
            )
        return ref_name(store, value)
    if field.item == "reading" and isinstance(value, dict):
        return _readings(value)
    if field.labels and isinstance(value, str):
        return safe_display(t(f"{field.labels}.{value}", lang))
    return _plain(value, lang)


def _signers(store: Store, value: Mapping[str, Any], lang: Lang) -> str:
    """ "Hầu A Lềnh (TM. (thay mặt tập thể) Ban Chỉ đạo, Trưởng ban)", the default first."""
    ordered = sorted(value.items(), key=lambda kv: (kv[1].get("order") is None, kv[1].get("order")))
    parts = []
    for pid, item in ordered:
        form = t(f"signing_form.{item.get('form') or 'plain'}", lang)
        said = ", ".join(safe_display(x) for x in (item.get("behalf"), item.get("position")) if x)
        parts.append(f"{ref_name(store, pid)} ({form}{' ' if said else ''}{said})")
    return "; ".join(parts)


def _readings(value: Mapping[str, Any]) -> str:
    parts = []
    for when in sorted(value):
        reading = value[when]
        num, den = reading.get("numerator"), reading.get("denominator")
        shown = f"{num}/{den}" if num is not None and den else format_percent(reading.get("value"))
        parts.append(f"{format_date(when)}: {shown}")
    return "; ".join(parts)


def _plain(value: Any, lang: Lang) -> str:
    if isinstance(value, bool):
        return t("word.yes" if value else "word.no", lang)
    if isinstance(value, list):
        return ", ".join(safe_display(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{safe_display(k)}: {safe_display(v)}" for k, v in value.items())
    return safe_display(value)


# ---------------------------------------------------------------------------
# List columns per kind
# ---------------------------------------------------------------------------
Column = tuple[str, Callable[[Store, Record, Lang, date], str], int]


def _field(name: str) -> Callable[[Store, Record, Lang, date], str]:
    def get(store: Store, record: Record, lang: Lang, today: date) -> str:
        return display_value(store, record.kind, name, record.get(name), lang)

    return get


def _task_status(store: Store, record: Record, lang: Lang, today: date) -> str:
    return status_text(task_status(record.data, today), lang)


def _attainment(store: Store, record: Record, lang: Lang, today: date) -> str:
    att = attainment(record.data, today)
    pct = f" ({format_percent(att.percent_of_target)})" if att.percent_of_target is not None else ""
    target = f" / {att.target_text}" if att.target_text else ""
    return f"{att.actual_text}{target}{pct}"


def _id(store: Store, record: Record, lang: Lang, today: date) -> str:
    return short(record.id) + ("*" if record.pending else "")


COLUMNS: dict[str, list[Column]] = {
    "task": [
        ("field.stt", _field("stt"), 8),
        ("field.title", _field("title"), 60),
        ("field.lead_unit_id", _field("lead_unit_id"), 16),
        ("field.due", _field("due"), 10),
        ("field.progress", _field("progress"), 6),
        ("field.status", _task_status, 20),
    ],
    "plan": [
        ("field.number", _field("number"), 16),
        ("field.title", _field("title"), 70),
        ("field.year_from", _field("year_from"), 6),
        ("field.status", _field("status"), 12),
    ],
    "meeting": [
        ("field.date", _field("date"), 10),
        ("field.title", _field("title"), 70),
        ("field.chair_id", _field("chair_id"), 20),
    ],
    "conclusion": [
        ("field.number", _field("number"), 16),
        ("field.date", _field("date"), 10),
        ("field.title", _field("title"), 70),
    ],
    "indicator": [("field.name", _field("name"), 60), ("field.readings", _attainment, 30)],
    "unit": [
        ("field.abbr", _field("abbr"), 14),
        ("field.name", _field("name"), 60),
        ("field.unit_kind", _field("unit_kind"), 20),
    ],
    "person": [
        ("field.name", _field("name"), 30),
        ("field.position", _field("position"), 40),
        ("field.committee_role", _field("committee_role"), 22),
    ],
    "project": [
        ("field.name", _field("name"), 60),
        ("field.stage", _field("stage"), 16),
        ("field.budget", _field("budget"), 20),
    ],
    "report": [("field.period", _field("period"), 10), ("field.title", _field("title"), 70)],
    "ranking": [("field.year", _field("year"), 6), ("field.title", _field("title"), 70)],
    "conflict": [
        ("field.record_title", _field("record_title"), 40),
        ("field.field", _field("field"), 16),
        ("field.status", _field("status"), 16),
    ],
}


def columns(kind: str) -> list[Column]:
    return [("field.id", _id, 9), *COLUMNS.get(kind, [("field.title", _field("title"), 70)])]


def record_rows(
    store: Store, records: list[Record], lang: Lang, today: date
) -> tuple[list[str], list[list[str]], list[int]]:
    cols = columns(records[0].kind) if records else []
    headers = [t(key, lang) for key, _get, _w in cols]
    rows = [[get(store, r, lang, today) for _key, get, _w in cols] for r in records]
    limits = [w for _key, _get, w in cols]
    return headers, rows, limits


def describe(store: Store, record: Record, lang: Lang, today: date) -> list[tuple[str, str]]:
    """(label, value) pairs for every field of a record, in the model's order."""
    spec = SPECS.get(record.kind)
    names = list(spec.fields) if spec else list(record.data)
    pairs = [
        (t("field.id", lang), record.id),
        (t("field.kind", lang), t(f"kind.{record.kind}", lang)),
        (t("field.scope", lang), record.scope),
    ]
    for name in names:
        value = record.data.get(name)
        if value in (None, "", [], {}):
            continue
        pairs.append(
            (t(f"field.{name}", lang), display_value(store, record.kind, name, value, lang))
        )
    if record.kind == "task":
        pairs.append((t("field.status_derived", lang), _task_status(store, record, lang, today)))
    return pairs


def sort_key(record: Record) -> Any:
    """Default order of a list: tasks by STT, meetings by date, others by title."""
    from domain.rules import stt_key
    from domain.text import collation_key

    if record.kind == "task":
        return (
            record.flat.get("plan_id") or record.flat.get("conclusion_id") or "",
            stt_key(record.flat.get("stt")),
            collation_key(record.title),
        )
    if record.kind in ("meeting", "conclusion"):
        return (str(record.flat.get("date") or ""), collation_key(record.title))
    return collation_key(record.title)


def field_label(kind: str, key: str, lang: Lang) -> str:
    """A flat key's field label; ``scope`` and ``deleted`` are fields of every record."""
    return t(f"field.{logical_name(kind, key)}", lang)


def conflict_field(kind: str, key: str, store: Store, lang: Lang) -> str:
    """The field a conflict is about, as a label; an element of a list or map field (one
    attendee, one reading) is named after the label."""
    shown = field_label(kind, key, lang)
    element = split_key(key)[1]
    if element is not None:
        name = logical_name(kind, key)
        shown += f" · {display_value(store, kind, name, [element], lang) or element[-8:]}"
    return shown


def conflict_value(store: Store, kind: str, key: str, value: Any, lang: Lang) -> str:
    """One side of a conflict as a person reads it: the app's panes and the CLI's table."""
    if key == "deleted":
        return t("ui.conflict.deleted_yes" if value else "ui.conflict.deleted_no", lang)
    if value is None:
        return "∅"
    if ":" in key:
        return safe_display(value if not isinstance(value, bool) else t("word.yes", lang))
    return display_value(store, kind, logical_name(kind, key), value, lang) or safe_display(value)


def local_time(iso: str | None, lang: Lang = "vi", tz: tzinfo | None = None) -> str:
    """A stored UTC time as the person reads it: dd/mm/yyyy HH:MM in ``tz`` (default: local)."""
    if not iso:
        return t("ui.status.never", lang)
    try:
        return format_time(str(iso), tz)
    except ValueError:
        return str(iso)

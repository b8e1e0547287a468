"""Turning what a person types (``field=value`` on the command line, a form field) into
logical field values, resolving unit / person / plan names to record IDs.

Headless: used by the CLI and by the Textual forms alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import orjson

from domain.errors import NotFound, Problem, ValidationError
from domain.i18n import LANGS, t
from domain.records import spec_for
from domain.schema import SIGNING_FORMS, SPECS
from domain.text import fold
from sync.store import Store

_SPLIT = re.compile(r"\s*[,;]\s*")


def parse_assignments(args: Iterable[str]) -> dict[str, str]:
    """``["title=Họp quý II", "due=30/09/2022"]`` → a dict; refuses anything without ``=``."""
    out: dict[str, str] = {}
    problems = []
    for arg in args:
        name, sep, value = arg.partition("=")
        if not sep or not name.strip():
            problems.append(Problem("__root__", "validation.assignment", {"value": arg}))
            continue
        out[name.strip()] = value
    if problems:
        raise ValidationError(problems)
    return out


def resolve_ref(store: Store, kind: str, text: str, field: str) -> str:
    """A record ID from an ID, a short ID, or a name / abbreviation (accent-insensitive)."""
    text = text.strip()
    record = store.get(text)
    if record is not None:
        return record.id
    matches = store.find_by_name(kind, text)
    if len(matches) == 1:
        return matches[0].id
    if len(matches) > 1:
        names = ", ".join(m.title for m in matches[:5])
        raise ValidationError.single(
            field, "validation.reference_ambiguous", value=text, kind=f"§kind.{kind}", matches=names
        )
    try:
        rid = store.resolve_id(text)
    except (NotFound, ValidationError):
        raise ValidationError.single(
            field, "validation.reference", kind=f"§kind.{kind}", value=text
        ) from None
    found = store.get(rid)
    if found is None or found.kind != kind:
        raise ValidationError.single(
            field, "validation.reference", kind=f"§kind.{kind}", value=text
        )
    return rid


def _json_or_text(value: str) -> Any:
    stripped = value.strip()
    if stripped[:1] in "{[":
        try:
            return orjson.loads(stripped)
        except orjson.JSONDecodeError:
            return value
    return value


def _parse_reading(item: str, field: str) -> tuple[str, dict[str, Any]]:
    """``30/06/2011:6/22`` or ``30/06/2011:70%`` or ``30/06/2011:12``."""
    when, sep, value = item.partition(":")
    if not sep or not value.strip():
        raise ValidationError.single(field, "validation.reading", value=item)
    return when.strip(), reading_value(value)


def reading_value(value: str) -> dict[str, Any]:
    """One reading's value as typed: ``6/22`` (x of y), ``70%`` or ``12``."""
    value = value.strip()
    ratio = re.fullmatch(r"(\d+)\s*/\s*(\d+)", value)
    if ratio:
        return {"numerator": int(ratio.group(1)), "denominator": int(ratio.group(2))}
    return {"value": value}


def _parse_set(store: Store, target: str | None, value: str, field: str) -> list[str]:
    items = [v for v in _SPLIT.split(value.strip()) if v]
    if target is None:
        return items
    return [resolve_ref(store, target, item, field) for item in items]


def _parse_signer(store: Store, item: str, order: int, field: str) -> tuple[str, dict[str, Any]]:
    """``Nguyễn Văn An:Trưởng ban:TM.:Ban Chỉ đạo`` → the person's ID and how they sign
    (chức vụ, then optionally the form, TM. / KT. / TL. / Q. or plain, and for whom)."""
    person, _, rest = item.partition(":")
    position, _, rest = rest.partition(":")
    form, _, behalf = rest.partition(":")
    code = fold(form).strip().rstrip(".")
    signer: dict[str, Any] = {"position": position.strip(), "order": order}
    signer["form"] = code if code in SIGNING_FORMS else form.strip() or "plain"
    if behalf.strip():
        signer["behalf"] = behalf.strip()
    return resolve_ref(store, "person", person, field), signer


def _parse_map(store: Store, kind: str, name: str, value: str) -> dict[str, Any]:
    model = spec_for(kind)
    items = [v for v in _SPLIT.split(value.strip()) if v]
    if model.by_name[name].item == "reading":
        return dict(_parse_reading(item, name) for item in items)
    if model.by_name[name].item == "signer":
        return dict(_parse_signer(store, item, n, name) for n, item in enumerate(items))
    target = model.refs.get(name)
    out: dict[str, Any] = {}
    for item in items:
        key, sep, role = item.rpartition(":") if ":" in item else (item, "", "")
        ref = resolve_ref(store, target, key, name) if target else key
        out[ref] = role.strip() if sep and role.strip() else "present"
    return out


def to_logical(store: Store, kind: str, raw: dict[str, str]) -> dict[str, Any]:
    """Typed strings → logical values the models validate.  Empty text clears a field."""
    model = spec_for(kind)
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in raw.items():
        try:
            out[name] = _one_value(store, model, kind, name, value)
        except ValidationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationError(problems, kind=kind)
    return out


def _one_value(store: Store, model: Any, kind: str, name: str, value: str) -> Any:
    if value.strip() == "":
        return None
    parsed = _json_or_text(value)
    if not isinstance(parsed, str):
        return parsed
    if name in model.sets:
        _prefix, shape = model.sets[name]
        if shape == "set":
            return _parse_set(store, model.refs.get(name), value, name)
        return _parse_map(store, kind, name, value)
    target = model.refs.get(name)
    if target is not None:
        if model.by_name[name].type == "lead" and len([v for v in _SPLIT.split(value) if v]) > 1:
            raise ValidationError.single(name, "validation.one_lead_unit")
        return resolve_ref(store, target, value, name)
    return value


def known_kinds() -> list[str]:
    return sorted(SPECS)


def match_kind(text: str) -> str:
    """A kind from its code or its Vietnamese / English label ("nhiem vu" → task)."""
    key = fold(text.strip())
    for kind in SPECS:
        names = {fold(t(f"kind.{kind}", lang)) for lang in LANGS}
        if key in names or key in (kind, kind + "s"):
            return kind
    raise ValidationError.single(
        "kind", "validation.unknown_kind", kind=text, known=", ".join(known_kinds())
    )

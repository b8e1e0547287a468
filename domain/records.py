"""Validation and the logical ↔ flat conversion of record fields.

*Logical* fields are what a person and the models see (``attendees: {pid: "present"}``).
*Flat* fields are what the store and the wire keep: one key per scalar field and one key per
element of a set-valued field (``attendee:<pid>`` → ``"present"``); a cleared field or a
removed element is ``None`` in a change and absent in a state.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from domain.errors import Problem, ValidationError
from domain.schema import SPECS, KindSpec
from domain.timeframe import Timeframe, parse_timeframe

if TYPE_CHECKING:  # pydantic and the models load on the first validation, not at start-up
    import pydantic

    from domain.models import RecordModel

META_FIELDS = ("id", "kind", "scope", "deleted")


def spec_for(kind: str) -> KindSpec:
    """What records of ``kind`` are made of (no pydantic): fields, sets, references…"""
    try:
        return SPECS[kind]
    except KeyError:
        raise ValidationError.single(
            "kind", "validation.unknown_kind", kind=kind, known=", ".join(sorted(SPECS))
        ) from None


def model_for(kind: str) -> type[RecordModel]:
    """The pydantic model of ``kind`` (imports the models on first use)."""
    spec_for(kind)
    from domain.models import KINDS

    return KINDS[kind]


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------
def _problem_from(error: Any, model: type[RecordModel]) -> Problem:
    loc = error.get("loc") or ()
    name = str(loc[0]) if loc else "__root__"
    etype = error.get("type", "")
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    from domain.values import FieldValueError

    if isinstance(cause, FieldValueError):
        problem = cause.problem
        where = name if name != "__root__" else (problem.field or name)
        return Problem(where, problem.key, problem.params)
    if etype == "missing":
        return Problem(name, "validation.required")
    if etype == "extra_forbidden":
        known = ", ".join(model.model_fields)
        return Problem(
            name,
            "validation.unknown_field",
            {"field": name, "kind": f"§kind.{model.KIND}", "known": known},
        )
    value = error.get("input")
    if etype in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low = ctx.get("ge", ctx.get("gt", ""))
        high = ctx.get("le", ctx.get("lt", ""))
        return Problem(name, "validation.out_of_range", {"value": value, "low": low, "high": high})
    if etype.startswith("int_"):
        return Problem(name, "validation.not_integer", {"value": value})
    if etype.startswith("float_"):
        return Problem(name, "validation.not_number", {"value": value})
    if etype == "string_pattern_mismatch":
        return Problem(name, "validation.bad_value", {"detail": repr(value)})
    return Problem(name, "validation.bad_value", {"detail": error.get("msg", etype)})


def validate(kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a whole record's logical fields; return them normalised, JSON-ready, no Nones."""
    import pydantic

    model = model_for(kind)
    try:
        instance = model.model_validate(dict(fields))
    except pydantic.ValidationError as exc:
        problems = [_problem_from(e, model) for e in exc.errors()]
        raise ValidationError(problems, kind=kind) from None
    data = instance.model_dump(mode="json", exclude_none=True)
    for name in model.REQUIRED:
        if data.get(name) in (None, "", [], {}):
            raise ValidationError([Problem(name, "validation.required")], kind=kind)
    return data


# ---------------------------------------------------------------------------
# Flat <-> logical
# ---------------------------------------------------------------------------
def to_flat(kind: str, logical: Mapping[str, Any]) -> dict[str, Any]:
    """Logical (validated) fields → flat fields; ``None`` values and empty sets are left out."""
    sets = spec_for(kind).sets
    flat: dict[str, Any] = {}
    for name, value in logical.items():
        if value is None:
            continue
        spec = sets.get(name)
        if spec is None:
            flat[name] = value
            continue
        prefix, shape = spec
        if shape == "set":
            for element in value:
                flat[f"{prefix}:{element}"] = True
        else:
            for key, element in value.items():
                flat[f"{prefix}:{key}"] = element
    return flat


@functools.lru_cache(maxsize=64)
def _prefixes(kind: str) -> tuple[dict[str, tuple[str, str]], tuple[str, ...]]:
    """A kind's set prefixes → (logical name, shape), and the names of its "set" fields."""
    sets = spec_for(kind).sets
    by_prefix = {prefix: (name, shape) for name, (prefix, shape) in sets.items()}
    return by_prefix, tuple(name for name, (_p, shape) in sets.items() if shape == "set")


def from_flat(kind: str, flat: Mapping[str, Any]) -> dict[str, Any]:
    """Flat fields → logical fields (sets as sorted lists, maps as dicts)."""
    by_prefix, set_names = _prefixes(kind)
    logical: dict[str, Any] = {}
    for key, value in flat.items():
        if value is None:
            continue
        if ":" not in key:
            logical[key] = value
            continue
        prefix, _sep, element = key.partition(":")
        spec = by_prefix.get(prefix)
        if spec is None:
            logical[key] = value
        elif spec[1] == "set":
            logical.setdefault(spec[0], []).append(element)
        else:
            logical.setdefault(spec[0], {})[element] = value
    for name in set_names:
        if name in logical:
            logical[name].sort()
    return logical


def diff_flat(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The flat changes turning ``old`` into ``new`` (removed keys become ``None``)."""
    changes = {k: v for k, v in new.items() if old.get(k) != v}
    changes.update({k: None for k in old if k not in new})
    return changes


def apply_flat(state: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(state)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


# ---------------------------------------------------------------------------
# Creating and changing records
# ---------------------------------------------------------------------------
def _drop_derived_dates(
    merged: dict[str, Any], previous: Mapping[str, Any] | None, changed: Mapping[str, Any]
) -> None:
    """A start / due that had come from the old timeframe goes when the timeframe changes
    (unless typed now): the new timeframe gives its own, or none ("trước 30/9/2025" has a
    due date but no start) — a date nobody typed must not keep a changed task from saving."""
    if previous is None or "timeframe" not in changed:
        return
    old_text = previous.get("timeframe")
    if not old_text or old_text == merged.get("timeframe"):
        return
    old = _timeframe(str(old_text))
    for name in ("start", "due"):
        derived = getattr(old, name)
        if (
            changed.get(name) in (None, "")
            and derived is not None
            and str(previous.get(name) or "") == derived.isoformat()
        ):
            merged.pop(name, None)


@functools.lru_cache(maxsize=1024)
def _timeframe(text: str) -> Timeframe:
    """:func:`parse_timeframe`, remembered (a frozen value): the tasks of a plan share a few
    timeframes ("Quý III/2022"), and an import of 10k tasks parsed each one again."""
    return parse_timeframe(text)


def _derive_task_dates(logical: dict[str, Any], changed: Mapping[str, Any]) -> None:
    """Fill a task's start / due from its timeframe text where the person gave none."""
    text = logical.get("timeframe")
    if not text:
        return
    tf = _timeframe(text)
    for name in ("start", "due"):
        derived = getattr(tf, name)
        if (
            derived is not None
            and changed.get(name) in (None, "")
            and logical.get(name) in (None, "")
        ):
            logical[name] = derived.isoformat()


def _complete_task(logical: dict[str, Any], changed: Mapping[str, Any], today: date) -> None:
    """A task marked done gets a completion date and 100%; reopening clears the date."""
    status = logical.get("status")
    if status == "done":
        if not logical.get("completed_on"):
            logical["completed_on"] = today.isoformat()
        if changed.get("progress") in (None, ""):
            logical["progress"] = 100
    elif "status" in changed and "completed_on" not in changed:
        logical.pop("completed_on", None)


def prepare(
    kind: str, changes: Mapping[str, Any], *, previous: Mapping[str, Any] | None = None, today: date
) -> dict[str, Any]:
    """Merge ``changes`` (logical) into ``previous`` (logical), derive, validate.

    Returns the new logical fields.  ``previous`` is ``None`` for a new record.
    """
    spec = spec_for(kind)
    unknown = [k for k in changes if k not in spec.fields]
    if unknown:
        known = ", ".join(spec.fields)
        raise ValidationError(
            [
                Problem(
                    k,
                    "validation.unknown_field",
                    {"field": k, "kind": f"§kind.{kind}", "known": known},
                )
                for k in unknown
            ],
            kind=kind,
        )
    merged: dict[str, Any] = dict(previous or {})
    for key, value in changes.items():
        if value is None or value == "" or value == [] or value == {}:
            merged.pop(key, None)
        else:
            merged[key] = value
    if kind == "task":
        _drop_derived_dates(merged, previous, changes)
    logical = validate(kind, merged)
    if kind == "task":
        checked = dict(logical)
        _derive_task_dates(logical, changes)
        _complete_task(logical, changes, today)
        if logical != checked:  # what was derived is checked too (validating is idempotent)
            logical = validate(kind, logical)
    return logical


_JSON_SCALARS = (str, int, float, bool)


def check_flat_key(kind: str, key: str) -> bool:
    """Is ``key`` a field (or a set element) that records of ``kind`` may carry?

    A fast structural check for the server, which must not run full validation on every op.
    """
    spec = SPECS.get(kind)
    if spec is None:
        return False
    prefix, sep, element = key.partition(":")
    if sep:
        return (
            bool(element)
            and len(element) <= 200
            and any(p == prefix for p, _shape in spec.sets.values())
        )
    return key in spec.fields and key not in spec.sets


def check_flat_value(value: Any, depth: int = 0) -> bool:
    """JSON values of bounded depth only (no NaN); the server stores what it can send back."""
    if value is None or isinstance(value, _JSON_SCALARS):
        return not (isinstance(value, float) and value != value)
    if depth >= 4:
        return False
    if isinstance(value, list):
        return all(check_flat_value(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and check_flat_value(v, depth + 1) for k, v in value.items())
    return False


def long_text_fields(kind: str) -> frozenset[str]:
    spec = SPECS.get(kind)
    return spec.long_text if spec else frozenset()


@functools.lru_cache(maxsize=512)
def _adapter(kind: str, name: str) -> pydantic.TypeAdapter[Any]:
    import pydantic

    info = model_for(kind).model_fields[name]
    return pydantic.TypeAdapter(info.rebuild_annotation())


def check_field(kind: str, name: str, value: Any) -> Any:
    """Validate ONE field as a form does while a person types; returns the JSON value.

    Raises :class:`ValidationError` whose single problem names the field, so a form can show
    the message under it.  Empty input is ``None`` (an optional field left blank).
    """
    import pydantic

    model = model_for(kind)
    if name not in model.model_fields:
        known = ", ".join(model.model_fields)
        raise ValidationError.single(
            name, "validation.unknown_field", field=name, kind=f"§kind.{kind}", known=known
        )
    if value is None or (isinstance(value, str) and not value.strip()):
        if name in model.REQUIRED:
            raise ValidationError.single(name, "validation.required")
        return None
    adapter = _adapter(kind, name)
    try:
        parsed = adapter.validate_python(value)
    except pydantic.ValidationError as exc:
        problems = []
        for error in exc.errors():
            problem = _problem_from({**error, "loc": (name,)}, model)
            problems.append(Problem(name, problem.key, problem.params))
        raise ValidationError(problems, kind=kind) from None
    return adapter.dump_python(parsed, mode="json")

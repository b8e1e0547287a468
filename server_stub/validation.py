"""Every field value of an op, checked with the domain's own rules before it is stored.

The server is the authority: a value it stores reaches every replica, so it must be a value
the domain would have produced itself (:func:`domain.records.validate`).  An op's value is
accepted when the record model, validating that one field (its annotation, its field
validators), gives back exactly the value sent — so a title that is an object, a status
"hacked", a date "tomorrow" or a text with a terminal escape is refused, and what the server
keeps is byte for byte what the replica has (``base + op == server``, no silent rewriting).

Two paths decide the same thing:

* the *model* path (:func:`model_accepts`): the pydantic model of the kind validates the
  field on a bare instance (``validate_assignment``: the annotation, the field validators)
  and the JSON dump of the result is compared with the value sent;
* a *fast* path, derived from the same models at first use: for a field whose annotation is
  one of the domain's value types (``Annotated[base, BeforeValidator(fn)]`` with at most
  ``ge``/``le`` bounds, see :mod:`domain.values`), the domain's own ``fn`` is called
  directly and its result checked against the base type and bounds, without pydantic; the
  two text types have a closed-form test of "already clean" (NFC, no control or bidi
  characters, whitespace as :func:`domain.text.clean_input` leaves it).

The fast path may only say "yes" or "not sure"; "not sure" asks the model.  A property test
(tests/server/test_validation.py) holds the fast path to never accepting what the model
path refuses.  An initial push of 10,000 tasks spends ~5 µs per op here.
"""

from __future__ import annotations

import functools
import operator
import re
import types
import typing
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import annotated_types
from pydantic import BeforeValidator, PlainSerializer
from pydantic import ValidationError as PydanticError

from domain.schema import SPECS
from domain.values import LONG_TEXT_LIMIT, SHORT_TEXT_LIMIT
from server_stub.state import DELETED
from server_stub.wire import OpIn

Fast = Callable[[Any], bool]

#: Characters :func:`domain.text.clean_input` removes: C0 controls but TAB and LF, DEL, C1
#: controls (ESC and CSI start every escape sequence), bidi overrides.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{_CONTROLS}]")
#: … and in a single-line text also every whitespace character but the space (what
#: ``str.split()`` splits on: TAB, LF, VT, FF, CR, FS–US, NEL, NBSP, the Unicode spaces).
_NOT_ONE_LINE = re.compile(
    f"[{_CONTROLS}\t\n\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
#: Accepted values are remembered per rule when the rule's values repeat (choices, dates,
#: numbers, flags); unique values (titles, ids, amounts) are cheaper to check than to keep.
_CACHE_LIMIT = 20_000


def _nfc(value: str) -> bool:
    return value.isascii() or unicodedata.is_normalized("NFC", value)


def _short_text(value: Any) -> bool:
    """Already what ``values._text`` makes of it: clean, one line, single inner spaces."""
    return (
        type(value) is str
        and 0 < len(value) <= SHORT_TEXT_LIMIT
        and value[0] != " "
        and value[-1] != " "
        and "  " not in value
        and _NOT_ONE_LINE.search(value) is None
        and _nfc(value)
    )


def _long_text(value: Any) -> bool:
    """Already what ``values._long_text`` makes of it (lines right-stripped, no empty ends)."""
    if type(value) is not str or not 0 < len(value) <= LONG_TEXT_LIMIT:
        return False
    if value[0] == "\n" or value[-1].isspace():
        return False
    if "\n" in value and "\n".join([line.rstrip() for line in value.split("\n")]) != value:
        return False
    return _CONTROL.search(value) is None and _nfc(value)


def _ref(value: Any) -> bool:
    """Already what ``values._ref`` makes of it: a non-empty, stripped string."""
    return type(value) is str and value != "" and value.strip() == value


def _lead_ref(value: Any) -> bool:
    """Already what ``values._lead_ref`` makes of it: one reference (no list, no , or ;)."""
    return _ref(value) and "," not in value and ";" not in value


def _money(value: Any) -> bool:
    """Already what ``values._money`` makes of it: whole đồng, not negative."""
    return type(value) is int and value >= 0


#: Checks of values that rarely repeat: not worth remembering.
_UNIQUE: frozenset[Fast] = frozenset({_short_text, _long_text, _ref, _lead_ref, _money})


def json_equal(a: Any, b: Any) -> bool:
    """Equal as JSON values: numbers by value (``1 == 1.0``), ``True`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(json_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# ---------------------------------------------------------------------------
# The fast path, derived from a field's annotation
# ---------------------------------------------------------------------------
def _flatten(annotation: Any) -> tuple[Any, list[Any]] | None:
    """``Optional[Annotated[base, *meta]]`` (any nesting) → (base, meta); None if not so."""
    meta: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            meta = [*extra, *meta]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return None
            annotation = args[0]
        else:
            return annotation, meta


def _bounds(meta: list[Any]) -> Callable[[Any], bool] | None:
    """The ``ge``/``le``/``gt``/``lt`` bounds in ``meta`` as one test; None for anything else."""
    checks: list[tuple[Callable[[Any, Any], bool], Any]] = []
    for item in meta:
        if isinstance(item, annotated_types.Ge):
            checks.append((operator.ge, item.ge))
        elif isinstance(item, annotated_types.Le):
            checks.append((operator.le, item.le))
        elif isinstance(item, annotated_types.Gt):
            checks.append((operator.gt, item.gt))
        elif isinstance(item, annotated_types.Lt):
            checks.append((operator.lt, item.lt))
        else:
            return None
    return lambda v: all(compare(v, bound) for compare, bound in checks)


def _scalar_fast(annotation: Any) -> Fast | None:
    """A fast "is this value already what the domain makes of it?" for one value type."""
    flat = _flatten(annotation)
    if flat is None:
        return None
    base, meta = flat
    if base not in (str, int, float, bool, date):
        return None
    befores = [m for m in meta if isinstance(m, BeforeValidator)]
    serializers = [m for m in meta if isinstance(m, PlainSerializer)]
    others = [m for m in meta if not isinstance(m, BeforeValidator | PlainSerializer)]
    bounds = _bounds(others)
    if len(befores) != 1 or len(serializers) > 1 or bounds is None:
        return None
    from domain import values

    fn = typing.cast(Callable[[Any], Any], befores[0].func)
    if fn is values._text and base is str and not serializers:
        return _short_text
    if fn is values._long_text and base is str and not serializers:
        return _long_text
    if fn is values._ref and base is str and not serializers:
        return _ref
    if fn is values._lead_ref and base is str and not serializers:
        return _lead_ref
    if fn is values._money and base is int and not serializers and not others:
        return _money
    dump = typing.cast(Callable[[Any], Any], serializers[0].func) if serializers else None

    def fast(value: Any) -> bool:
        try:
            out = fn(value)
        except Exception:  # the domain refuses it: let the model path say so precisely
            return False
        if base is float and type(out) is int:
            out = float(out)
        if type(out) is not base or not bounds(out):
            return False
        if dump is not None:
            out = dump(out)
        return json_equal(out, value)

    return fast


def _field_fast(kind: str, name: str, shape: str | None) -> Fast | None:
    """The fast check of one flat value of ``kind.name`` (``shape``: None, "set", "map")."""
    from domain.models import KINDS

    model = KINDS[kind]
    decorators = model.__pydantic_decorators__.field_validators.values()
    if any(name in d.info.fields for d in decorators):
        return None  # a field validator the annotation does not show: the model decides
    annotation = model.model_fields[name].rebuild_annotation()
    if shape is None:
        return _scalar_fast(annotation)
    flat = _flatten(annotation)
    if flat is None or flat[1]:
        return None
    args = typing.get_args(flat[0])
    origin = typing.get_origin(flat[0])
    if shape == "set" and origin is list and len(args) == 1:
        return _scalar_fast(args[0])  # applied to the element; the value is True
    if shape == "map" and origin is dict and len(args) == 2 and args[0] is str:
        return _scalar_fast(args[1])  # applied to the value; the element is any key
    return None


# ---------------------------------------------------------------------------
# The model path
# ---------------------------------------------------------------------------
def model_accepts(kind: str, name: str, value: Any) -> bool:
    """Does the record model, validating field ``name`` alone, give back exactly ``value``?"""
    from domain.models import KINDS

    model = KINDS[kind]
    instance = model.model_construct()
    try:
        model.__pydantic_validator__.validate_assignment(instance, name, value)
    except (PydanticError, ValueError, TypeError):
        return False
    dumped = instance.model_dump(mode="json", include={name}, exclude_none=True)
    return name in dumped and json_equal(dumped[name], value)


@dataclass
class _Rule:
    """How the flat values of one field (or of one set / map field's elements) are checked.

    ``strs`` and ``others`` remember accepted values (choices, references, dates, numbers
    repeat across a push); ``others`` is keyed by (type, value) since ``True == 1 == 1.0``.
    """

    kind: str
    name: str
    shape: str | None
    fast: Fast | None
    strs: set[str] = field(default_factory=set)
    others: set[tuple[type, Any]] = field(default_factory=set)
    #: The fast check when values rarely repeat (then nothing is remembered), else None.
    unique: Fast | None = None

    def __post_init__(self) -> None:
        self.unique = self.fast if self.fast in _UNIQUE else None

    def check(self, element: str, value: Any) -> bool:
        """``value`` of the field (``element``: of a set or map field) is the domain's own."""
        shape = self.shape
        if shape == "set":
            if value is not True:
                return False
            subject: Any = element
        else:
            subject = value
        kind = type(subject)
        if kind is str:
            if subject in self.strs:
                return True
        elif (kind, subject) in self.others if kind in (int, float, bool) else False:
            return True
        fast = self.fast
        if fast is None or not fast(subject):
            logical: Any = (
                value if shape is None else ([element] if shape == "set" else {element: value})
            )
            if not model_accepts(self.kind, self.name, logical):
                return False
        self._remember(kind, subject)
        return True

    def _remember(self, kind: type, subject: Any) -> None:
        if self.unique is not None:
            return
        if kind is str:
            if len(subject) <= 200:
                if len(self.strs) >= _CACHE_LIMIT:
                    self.strs.clear()
                self.strs.add(subject)
        elif kind in (int, float, bool):
            if len(self.others) >= _CACHE_LIMIT:
                self.others.clear()
            self.others.add((kind, subject))


@functools.cache
def _rules(kind: str) -> tuple[dict[str, _Rule], dict[str, _Rule]]:
    """(field name → rule, set prefix → rule) for every field of ``kind``."""
    spec = SPECS[kind]
    plain: dict[str, _Rule] = {}
    sets: dict[str, _Rule] = {}
    for name in spec.fields:
        shaped = spec.sets.get(name)
        if shaped is None:
            plain[name] = _Rule(kind, name, None, _field_fast(kind, name, None))
        else:
            prefix, shape = shaped
            sets[prefix] = _Rule(kind, name, shape, _field_fast(kind, name, shape))
    return plain, sets


def check_value(kind: str, key: str, value: Any) -> bool:
    """Is ``value`` (not ``None``) a value the domain stores under flat ``key`` of ``kind``?"""
    plain, sets = _rules(kind)
    rule = plain.get(key)
    if rule is not None:
        return rule.check("", value)
    prefix, _sep, element = key.partition(":")
    rule = sets.get(prefix)
    return rule is not None and bool(element) and rule.check(element, value)


BAD_FIELD = "sync.reject.bad_field"
BAD_VALUE = "sync.reject.bad_value"


def check_changes(op: OpIn, creates: bool) -> tuple[str, str] | None:
    """(reason, flat key) of the first change of ``op`` the domain refuses, or ``None``.

    The reason is ``sync.reject.bad_field`` for a key records of the kind cannot carry
    (:func:`domain.records.check_flat_key`) and ``sync.reject.bad_value`` for a value the
    domain would not store there (see the module docstring); ``deleted`` must be a flag.  A
    required field may not be cleared, and a new record (``creates``) must carry every
    required field unless it is created deleted.  ``op.kind`` is known (checked before).
    The hot loop of an initial push: the common cases are inlined.
    """
    kind = op.kind
    plain, sets = _rules(kind)
    required = SPECS[kind].required
    changes = op.changes
    for key, change in changes.items():
        value = change[0]
        rule = plain.get(key)
        if rule is not None:
            if value is None:
                if key in required:
                    return BAD_VALUE, key
                continue
            unique = rule.unique
            if unique is not None:
                if unique(value):
                    continue
            elif type(value) is str and value in rule.strs:
                continue
            if not rule.check("", value):
                return BAD_VALUE, key
            continue
        if key == DELETED:
            if type(value) is not bool:
                return BAD_VALUE, key
            continue
        prefix, sep, element = key.partition(":")
        rule = sets.get(prefix)
        if rule is None or not sep or not 0 < len(element) <= 200:
            return BAD_FIELD, key
        if value is None or (value is True and rule.shape == "set" and element in rule.strs):
            continue
        if not rule.check(element, value):
            return BAD_VALUE, key
    if creates:
        deleted = changes.get(DELETED)
        if deleted is not None and deleted[0] is True:
            return None
        for name in required:
            given = changes.get(name)
            if given is None or given[0] is None:
                return BAD_VALUE, name
    return None

"""Pydantic models of every record kind, built from the field schema (:mod:`domain.schema`).

A model holds a record's *fields* in their logical form (attendees as a mapping, coordinating
units as a list).  The store and the wire keep the *flat* form, where a set-valued field is
one entry per element (``attendee:<person id>`` → role) so that two offices adding different
attendees never overwrite each other; :mod:`domain.records` converts between the two.

Each schema field type has one pydantic type here (:data:`TYPES`); a kind's model is
:func:`model_of` its :class:`~domain.schema.KindSpec`, so a field added to the schema is
validated with no edit here.  What the schema does not say — the parts of a reading, a
ranking criterion or entry — is written out below as small models.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from datetime import date
from types import GenericAlias
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model, model_validator

from domain.errors import Problem
from domain.schema import SIGNING_FORMS, SPECS, KindSpec
from domain.schema import Field as SchemaField
from domain.values import (
    Bool,
    Day,
    FieldValueError,
    Int,
    LeadRef,
    LongText,
    Money,
    Number,
    Progress,
    Ref,
    ScopeText,
    Symbol,
    Text,
    choice,
    guarded,
)


def _check_within(part: float | None, total: int | None, field: str) -> None:
    if part is not None and total is not None and part > total:
        raise FieldValueError(
            Problem(field, "validation.over_total", {"value": _plain(part), "total": total})
        )


def _plain(number: float) -> str:
    """12 rather than 12.0, 2,5 rather than 2.5 (the message is Vietnamese first)."""
    return str(int(number)) if float(number).is_integer() else str(number).replace(".", ",")


def _check_order(start: date | None, end: date | None, field: str) -> None:
    if start and end and end < start:
        raise FieldValueError(
            Problem(
                field,
                "validation.date_order",
                {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
            )
        )


class RecordModel(BaseModel):
    """Base of the record models; what else describes a kind is in its schema."""

    model_config = ConfigDict(extra="forbid", validate_default=False, frozen=False)

    KIND: ClassVar[str] = ""
    REQUIRED: ClassVar[tuple[str, ...]] = ()
    #: (start, end) date fields whose end may not come before their start
    ORDER: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: (part, total) number fields: the part may not exceed the total
    WITHIN: ClassVar[tuple[tuple[str, str], ...]] = ()

    @model_validator(mode="after")
    def _order(self) -> RecordModel:
        for start, end in self.ORDER:
            _check_order(getattr(self, start), getattr(self, end), end)
        for part, total in self.WITHIN:
            _check_within(getattr(self, part), getattr(self, total), part)
        return self


class Reading(BaseModel):
    """One dated reading of an indicator: "6/22 Sở" at 30/06/2011, with its evidence."""

    model_config = ConfigDict(extra="forbid")

    value: Number | None = None
    numerator: Int | None = Field(default=None, ge=0)
    denominator: Int | None = Field(default=None, ge=1)
    evidence: Text | None = None

    @model_validator(mode="after")
    def _fill(self) -> Reading:
        _check_within(self.numerator, self.denominator, "readings")
        if self.value is None and self.numerator is not None and self.denominator:
            self.value = round(100.0 * self.numerator / self.denominator, 4)
        return self


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text
    weight: Number = 1.0
    source: Text | None = None  # "manual", "completion_rate", "overdue_count", "attainment"


class RankingEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text | None = None
    scores: dict[str, Number] = Field(default_factory=dict)
    total: Number | None = None
    rank: Int | None = None
    grade: Text | None = None


class Signer(BaseModel):
    """One person who signs for a body: their chức vụ, the signing form, for whom (TM.: the
    body, "Ban Chỉ đạo"; KT. / TL. / Q.: its head, "Trưởng ban") and their place in the list
    (the first signs by default)."""

    model_config = ConfigDict(extra="forbid")

    position: Text
    form: Annotated[str, BeforeValidator(choice("signing_form", SIGNING_FORMS))] = "plain"
    behalf: Text | None = None
    order: Int | None = Field(default=None, ge=0)


def _day_key(value: Any) -> str:
    from domain.dates import parse_date

    return str(guarded(parse_date)(value).isoformat())


#: The pydantic type of each schema field type (choices, sets and maps are made per field).
TYPES: dict[str, Any] = {
    "text": Text,
    "long": LongText,
    "symbol": Symbol,
    "time": Text,
    "scope": ScopeText,
    "date": Day,
    "money": Money,
    "int": Int,
    "number": Number,
    "percent": Progress,
    "yesno": Bool,
    "ref": Ref,
    "lead": LeadRef,
    "refs": list[Ref],
    "scopes": list[ScopeText],
    "any": Any,
    "json": dict[str, Any],
}
ITEMS: dict[str, type[BaseModel]] = {
    "reading": Reading,
    "criterion": Criterion,
    "ranking_entry": RankingEntry,
    "signer": Signer,
}
KEYS: dict[str, Any] = {"": str, "date": Annotated[str, BeforeValidator(_day_key)]}
TIME_PATTERN = r"^([01]?\d|2[0-3])[:hg]([0-5]\d)?$"


def _annotation(f: SchemaField) -> Any:
    choices = Annotated[str, BeforeValidator(choice(f.labels, f.codes))] if f.labels else None
    if f.type == "choice":
        return choices
    if f.type == "map":
        return GenericAlias(dict, (KEYS[f.keys], choices or ITEMS[f.item]))
    return TYPES[f.type]


def _definition(f: SchemaField) -> tuple[Any, Any]:
    """(annotation, default) of one field for :func:`pydantic.create_model`."""
    annotation = _annotation(f)
    optional = annotation if f.type == "any" or f.required else annotation | None
    default: Any = ... if f.required else None
    if f.type == "time":
        return optional, Field(default=default, pattern=TIME_PATTERN)
    if f.low is not None or f.high is not None:
        return optional, Field(default=default, ge=f.low, le=f.high)
    return optional, default


def model_of(spec: KindSpec) -> type[RecordModel]:
    """The pydantic model of one kind, field for field from its schema."""
    fields: dict[str, Any] = {f.name: _definition(f) for f in spec.declared}
    model = create_model(spec.kind.title(), __base__=RecordModel, __module__=__name__, **fields)
    model.KIND = spec.kind
    model.REQUIRED = spec.required
    model.ORDER = spec.order
    model.WITHIN = spec.within
    return model


class _Models(MutableMapping[str, type[RecordModel]]):
    """The model of every kind of the schema, each built the first time it is asked for:
    an import of tasks needs two of the eleven, and building them all was half of loading
    the models (~45 ms of each ``sotay import``).  Listing them builds them all."""

    def __init__(self) -> None:
        self._built: dict[str, type[RecordModel]] = {}

    def __getitem__(self, kind: str) -> type[RecordModel]:
        model = self._built.get(kind)
        if model is None:
            model = self._built[kind] = model_of(SPECS[kind])  # KeyError: no such kind
        return model

    def __setitem__(self, kind: str, model: type[RecordModel]) -> None:
        self._built[kind] = model

    def __delitem__(self, kind: str) -> None:
        del self._built[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(SPECS)

    def __len__(self) -> int:
        return len(SPECS)


KINDS: MutableMapping[str, type[RecordModel]] = _Models()

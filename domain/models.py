"""Pydantic models of every record kind (see ../shared/DOMAIN.md).

A model holds a record's *fields* in their logical form (attendees as a mapping, coordinating
units as a list).  The store and the wire keep the *flat* form, where a set-valued field is
one entry per element (``attendee:<person id>`` → role) so that two offices adding different
attendees never overwrite each other; :mod:`domain.records` converts between the two.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, TypeAlias

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from domain.errors import Problem
from domain.schema import (
    ATTENDANCE,
    COMMITTEE_ROLES,
    CONFLICT_STATUSES,
    DOC_TYPES,
    FRAMEWORKS,
    FUNDING,
    MEASURES,
    MEETING_KINDS,
    PLAN_KINDS,
    PLAN_STATUSES,
    PROJECT_STAGES,
    RANKING_GROUPS,
    REPORT_KINDS,
    SPECS,
    TASK_GROUPS,
    TASK_STATUSES,
    UNIT_KINDS,
)
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
)


def Choice(prefix: str, codes: dict[str, tuple[str, str]]) -> Any:
    return Annotated[str, BeforeValidator(choice(prefix, codes))]


UnitKind: TypeAlias = Annotated[str, BeforeValidator(choice("unit_kind", UNIT_KINDS))]
CommitteeRole: TypeAlias = Annotated[
    str, BeforeValidator(choice("committee_role", COMMITTEE_ROLES))
]
PlanKind: TypeAlias = Annotated[str, BeforeValidator(choice("plan_kind", PLAN_KINDS))]
PlanStatus: TypeAlias = Annotated[str, BeforeValidator(choice("plan_status", PLAN_STATUSES))]
TaskGroup: TypeAlias = Annotated[str, BeforeValidator(choice("group", TASK_GROUPS))]
TaskStatus: TypeAlias = Annotated[str, BeforeValidator(choice("status", TASK_STATUSES))]
Funding: TypeAlias = Annotated[str, BeforeValidator(choice("funding", FUNDING))]
Framework: TypeAlias = Annotated[str, BeforeValidator(choice("framework", FRAMEWORKS))]
Measure: TypeAlias = Annotated[str, BeforeValidator(choice("measure", MEASURES))]
MeetingKind: TypeAlias = Annotated[str, BeforeValidator(choice("meeting_kind", MEETING_KINDS))]
Attendance: TypeAlias = Annotated[str, BeforeValidator(choice("attendance", ATTENDANCE))]
DocType: TypeAlias = Annotated[str, BeforeValidator(choice("doc_type", DOC_TYPES))]
ProjectStage: TypeAlias = Annotated[str, BeforeValidator(choice("stage", PROJECT_STAGES))]
ReportKind: TypeAlias = Annotated[str, BeforeValidator(choice("report_kind", REPORT_KINDS))]
RankingGroup: TypeAlias = Annotated[str, BeforeValidator(choice("ranking_group", RANKING_GROUPS))]
ConflictStatus: TypeAlias = Annotated[
    str, BeforeValidator(choice("conflict_status", CONFLICT_STATUSES))
]


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
    """Base of the record models.  Class variables describe the kind to the rest of the code."""

    model_config = ConfigDict(extra="forbid", validate_default=False, frozen=False)

    KIND: ClassVar[str] = ""
    TITLE: ClassVar[str] = "name"
    REQUIRED: ClassVar[tuple[str, ...]] = ()
    LONG_TEXT: ClassVar[frozenset[str]] = frozenset()
    # logical field -> (flat key prefix, "set" | "map")
    SETS: ClassVar[dict[str, tuple[str, str]]] = {}
    # reference field -> kind it points to (for name lookup, children indexes, display)
    REFS: ClassVar[dict[str, str]] = {}
    PARENTS: ClassVar[tuple[str, ...]] = ()
    # fields a person may not set directly (filled by the server or derived)
    SYSTEM: ClassVar[frozenset[str]] = frozenset()


class Unit(RecordModel):
    KIND = "unit"

    name: Text
    abbr: Text | None = None
    unit_kind: UnitKind | None = None
    parent_id: Ref | None = None
    area_code: Text | None = None
    valid_from: Day | None = None
    valid_to: Day | None = None
    successor_id: Ref | None = None

    @model_validator(mode="after")
    def _order(self) -> Unit:
        _check_order(self.valid_from, self.valid_to, "valid_to")
        return self


class Person(RecordModel):
    KIND = "person"

    name: Text
    position: Text | None = None
    unit_id: Ref | None = None
    committee_role: CommitteeRole | None = None
    term_from: Day | None = None
    term_to: Day | None = None
    email: Text | None = None
    phone: Text | None = None
    notes: LongText | None = None

    @model_validator(mode="after")
    def _order(self) -> Person:
        _check_order(self.term_from, self.term_to, "term_to")
        return self


class Plan(RecordModel):
    KIND = "plan"

    title: Text
    number: Symbol | None = None
    issuer_id: Ref | None = None
    issued_on: Day | None = None
    plan_kind: PlanKind | None = None
    year_from: Int | None = Field(default=None, ge=1900, le=2100)
    year_to: Int | None = Field(default=None, ge=1900, le=2100)
    legal_bases: LongText | None = None
    objectives: LongText | None = None
    status: PlanStatus | None = None
    budget: Money | None = None
    notes: LongText | None = None
    published_to: list[ScopeText] | None = None


class Task(RecordModel):
    KIND = "task"

    title: Text
    plan_id: Ref | None = None
    conclusion_id: Ref | None = None
    meeting_id: Ref | None = None
    stt: Text | None = None
    group: TaskGroup | None = None
    lead_unit_id: LeadRef
    coordinators: list[Ref] | None = None
    timeframe: Text | None = None
    start: Day | None = None
    due: Day | None = None
    budget: Money | None = None
    funding: Funding | None = None
    deliverable: Text | None = None
    progress: Progress | None = None
    status: TaskStatus | None = None
    completed_on: Day | None = None
    notes: LongText | None = None
    published_to: list[ScopeText] | None = None

    @model_validator(mode="after")
    def _order(self) -> Task:
        _check_order(self.start, self.due, "due")
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
        if self.value is None and self.numerator is not None and self.denominator:
            self.value = round(100.0 * self.numerator / self.denominator, 4)
        return self


class Indicator(RecordModel):
    KIND = "indicator"

    name: Text
    plan_id: Ref | None = None
    unit_id: Ref | None = None
    framework: Framework | None = None
    measure: Measure | None = None
    unit_label: Text | None = None
    baseline: Number | None = None
    target: Number | None = None
    target_denominator: Int | None = Field(default=None, ge=1)
    readings: dict[str, Reading] | None = None
    notes: LongText | None = None
    published_to: list[ScopeText] | None = None

    @field_validator("readings", mode="before")
    @classmethod
    def _reading_keys(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        from domain.dates import parse_date
        from domain.values import guarded

        return {guarded(parse_date)(k).isoformat(): v for k, v in value.items()}


class Meeting(RecordModel):
    KIND = "meeting"

    title: Text
    meeting_kind: MeetingKind | None = None
    sequence: Text | None = None
    date: Day
    time: Text | None = Field(default=None, pattern=r"^([01]?\d|2[0-3])[:hg]([0-5]\d)?$")
    venue: Text | None = None
    unit_id: Ref | None = None
    chair_id: Ref | None = None
    attendees: dict[str, Attendance] | None = None
    agenda: LongText | None = None
    minutes: LongText | None = None
    plan_id: Ref | None = None
    published_to: list[ScopeText] | None = None


class Conclusion(RecordModel):
    KIND = "conclusion"

    title: Text
    number: Symbol | None = None
    doc_type: DocType | None = None
    meeting_id: Ref | None = None
    date: Day | None = None
    issuer_id: Ref | None = None
    signer_id: Ref | None = None
    assessment: LongText | None = None
    directives: LongText | None = None
    published_to: list[ScopeText] | None = None


class Project(RecordModel):
    KIND = "project"

    name: Text
    investor_id: Ref | None = None
    plan_id: Ref | None = None
    task_id: Ref | None = None
    budget: Money | None = None
    stage: ProjectStage | None = None
    packages: LongText | None = None
    start: Day | None = None
    end: Day | None = None
    records_complete: Bool | None = None
    notes: LongText | None = None

    @model_validator(mode="after")
    def _order(self) -> Project:
        _check_order(self.start, self.end, "end")
        return self


class Report(RecordModel):
    KIND = "report"

    title: Text
    report_kind: ReportKind
    period: Text | None = None
    cutoff_from: Day | None = None
    cutoff_to: Day | None = None
    report_scope: ScopeText | None = None
    reporting_unit_id: Ref | None = None
    number: Symbol | None = None
    place: Text | None = None
    date: Day | None = None
    signer: Text | None = None
    recipients: LongText | None = None
    recommendations: LongText | None = None
    content: LongText | None = None

    @model_validator(mode="after")
    def _order(self) -> Report:
        _check_order(self.cutoff_from, self.cutoff_to, "cutoff_to")
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


class Ranking(RecordModel):
    KIND = "ranking"

    title: Text
    year: Int = Field(ge=1900, le=2100)
    ranking_group: RankingGroup | None = None
    criteria: dict[str, Criterion] | None = None
    entries: dict[str, RankingEntry] | None = None
    notes: LongText | None = None


class ConflictRecord(RecordModel):
    """Made by the server when two offices changed the same field concurrently."""

    KIND = "conflict"

    record_id: Ref
    record_kind: Text | None = None
    record_title: Text | None = None
    field: Text
    current_value: Any = None
    other_value: Any = None
    base_value: Any = None
    other_fields: dict[str, Any] | None = None
    #: Scope conflicts (an office edited a record moved out of its reach): the record's flat
    #: fields the office could read before the move, with its edits on top — what a copy of
    #: the record is made from.
    record_fields: dict[str, Any] | None = None
    current_author: Text | None = None
    other_author: Text | None = None
    current_office: Text | None = None
    other_office: Text | None = None
    current_at: Text | None = None
    other_at: Text | None = None
    status: ConflictStatus | None = None
    resolution: Text | None = None
    resolved_by: Text | None = None


KINDS: dict[str, type[RecordModel]] = {
    m.KIND: m
    for m in (
        Unit,
        Person,
        Plan,
        Task,
        Indicator,
        Meeting,
        Conclusion,
        Project,
        Report,
        Ranking,
        ConflictRecord,
    )
}

for _model in KINDS.values():  # one source of truth: domain.schema
    _spec = SPECS[_model.KIND]
    _model.TITLE = _spec.title
    _model.REQUIRED = _spec.required
    _model.LONG_TEXT = _spec.long_text
    _model.SETS = dict(_spec.sets)
    _model.REFS = dict(_spec.refs)
    _model.PARENTS = _spec.parents
    _model.SYSTEM = _spec.system

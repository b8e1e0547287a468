"""The field schema: what each record kind is made of, declared once and without pydantic.

Each kind lists its fields in order, each with its type (text, long text, date, money, int,
number, a choice of a label set, a reference to a kind, several references, a map…), whether
it is required, whether its form shows it, and — for the fields kept as one flat key per
element — its flat prefix (``published_to`` → ``pub:<scope>``, ``attendees`` →
``attendee:<person id>``).  Everything else derives from it: the pydantic models
(:mod:`domain.models`), the forms (``tui/widgets/forms.py``), the presenters
(``tui/present.py``) and the server's handling of flat keys; adding a field to a kind is one
line here plus its label in ``domain/strings.json``.

The read path (opening a store, lists, search, the dashboard) needs only this; the pydantic
models are built from it when a record is first validated, so starting the app does not pay
for them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

# ---------------------------------------------------------------------------
# Enumerations: stored as ASCII codes, typed and shown by their labels.
# ---------------------------------------------------------------------------
UNIT_KINDS = {
    "ministry": ("Bộ, cơ quan ngang Bộ", "Ministry"),
    "department": ("Vụ", "Department"),
    "centre": ("Trung tâm", "Centre"),
    "office": ("Văn phòng", "Office"),
    "provincial_dept": ("Sở, ban, ngành", "Provincial department"),
    "province": ("UBND tỉnh", "Provincial People's Committee"),
    "district": ("UBND huyện", "District People's Committee"),
    "commune": ("UBND xã", "Commune People's Committee"),
    "committee": ("Ban Chỉ đạo", "Steering committee"),
    "other": ("Khác", "Other"),
}
COMMITTEE_ROLES = {
    "head": ("Trưởng ban", "Head"),
    "deputy_head": ("Phó Trưởng ban", "Deputy head"),
    "standing_member": ("Ủy viên thường trực", "Standing member"),
    "member": ("Thành viên", "Member"),
    "secretariat": ("Tổ thư ký / Tổ giúp việc", "Secretariat team"),
}
PLAN_KINDS = {
    "annual": ("Năm", "Annual"),
    "five_year": ("5 năm", "Five-year"),
    "phase": ("Giai đoạn", "Multi-year phase"),
    "thematic": ("Chuyên đề", "Thematic"),
    "supplementary": ("Bổ sung", "Supplementary"),
}
PLAN_STATUSES = {
    "draft": ("Dự thảo", "Draft"),
    "issued": ("Ban hành", "Issued"),
    "amended": ("Điều chỉnh", "Amended"),
    "closed": ("Kết thúc", "Closed"),
}
TASK_GROUPS = {
    "infrastructure": ("Hạ tầng kỹ thuật", "Infrastructure"),
    "internal_apps": ("Ứng dụng nội bộ", "Internal applications"),
    "online_services": ("Dịch vụ công trực tuyến", "Online public services"),
    "security": ("An toàn thông tin", "Information security"),
    "workforce": ("Nhân lực", "Workforce"),
    "other": ("Khác", "Other"),
}
TASK_STATUSES = {
    "not_started": ("Chưa thực hiện", "Not started"),
    "in_progress": ("Đang thực hiện", "In progress"),
    "done": ("Hoàn thành", "Done"),
    "paused": ("Tạm dừng", "Paused"),
    "cancelled": ("Hủy", "Cancelled"),
}
FUNDING = {
    "central": ("NSTW", "Central budget"),
    "provincial": ("NS tỉnh", "Provincial budget"),
    "recurrent": ("Sự nghiệp", "Recurrent budget"),
    "private": ("Xã hội hóa", "Private / socialised"),
    "other": ("Khác", "Other"),
}
FRAMEWORKS = {
    "plan": ("Của kế hoạch", "The plan's own"),
    "dti": ("DTI", "DTI"),
    "ict_index": ("ICT Index", "ICT Index"),
    "other": ("Khác", "Other"),
}
MEASURES = {
    "percent": ("Tỷ lệ %", "Percentage"),
    "count": ("Số lượng", "Count"),
    "ratio": ("x/y", "x out of y"),
}
MEETING_KINDS = {
    "meeting": ("Phiên họp", "Meeting"),
    "conference": ("Hội nghị", "Conference"),
    "workshop": ("Hội thảo", "Workshop"),
    "working_session": ("Buổi làm việc", "Working session"),
}
ATTENDANCE = {
    "present": ("Có mặt", "Present"),
    "absent": ("Vắng", "Absent"),
    "delegated": ("Cử người dự thay", "Delegated"),
}
DOC_TYPES = {
    "notice": ("Thông báo kết luận", "Conclusion notice"),
    "official_letter": ("Công văn", "Official letter"),
    "directive": ("Chỉ thị", "Directive"),
    "decision": ("Quyết định", "Decision"),
}
PROJECT_STAGES = {
    "preparation": ("Chuẩn bị đầu tư", "Preparation"),
    "implementation": ("Thực hiện", "Implementation"),
    "completed": ("Hoàn thành", "Completed"),
    "settlement": ("Thanh quyết toán", "Settlement"),
}
REPORT_KINDS = {
    "month": ("Tháng", "Monthly"),
    "quarter": ("Quý", "Quarterly"),
    "half": ("6 tháng", "Half-year"),
    "year": ("Năm", "Annual"),
    "thematic": ("Chuyên đề", "Thematic"),
    "adhoc": ("Đột xuất", "Ad hoc"),
}
RANKING_GROUPS = {
    "departments": ("Khối sở, ngành", "Departments"),
    "districts": ("Khối huyện", "Districts"),
    "communes": ("Khối xã", "Communes"),
    "units": ("Tập thể", "Units"),
    "individuals": ("Cá nhân", "Individuals"),
}
#: How a person signs for a body (NĐ 30/2020, Điều 13): in their own name, TM. (on behalf of
#: the collective body), KT. (for its head), TL. (by the head's order), Q. (as acting head).
SIGNING_FORMS = {
    "plain": ("Ký trực tiếp", "Signs in own name"),
    "tm": ("TM. (thay mặt tập thể)", "TM. (on behalf of the body)"),
    "kt": ("KT. (ký thay người đứng đầu)", "KT. (signs for the head)"),
    "tl": ("TL. (thừa lệnh)", "TL. (by order of the head)"),
    "q": ("Q. (quyền)", "Q. (acting)"),
}
CONFLICT_STATUSES = {
    "open": ("Chưa giải quyết", "Open"),
    "resolved": ("Đã giải quyết", "Resolved"),
}


Codes = Mapping[str, tuple[str, str]]
#: Every label set a choice may take, by the catalogue prefix of its labels
#: (``plan_status.issued`` → "Ban hành" / "Issued").
LABEL_SETS: dict[str, Codes] = {
    "unit_kind": UNIT_KINDS,
    "committee_role": COMMITTEE_ROLES,
    "plan_kind": PLAN_KINDS,
    "plan_status": PLAN_STATUSES,
    "group": TASK_GROUPS,
    "status": TASK_STATUSES,
    "funding": FUNDING,
    "framework": FRAMEWORKS,
    "measure": MEASURES,
    "meeting_kind": MEETING_KINDS,
    "attendance": ATTENDANCE,
    "doc_type": DOC_TYPES,
    "stage": PROJECT_STAGES,
    "report_kind": REPORT_KINDS,
    "ranking_group": RANKING_GROUPS,
    "conflict_status": CONFLICT_STATUSES,
    "signing_form": SIGNING_FORMS,
}

# ---------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------
FieldType = Literal[
    "text",  # one line
    "long",  # several lines (objectives, minutes): multi-line editor, bigger limit
    "symbol",  # a document number and symbol, "1772/KH-BCĐ"
    "time",  # a time of day, "8:30", "14h"
    "scope",  # an office scope, "vn/bac-giang"
    "date",
    "money",  # whole đồng
    "int",
    "number",
    "percent",  # progress, 0–100
    "yesno",
    "choice",  # one code of the label set ``labels``
    "ref",  # the ID of a ``target`` record
    "lead",  # a ref that refuses more than one (the task's single lead unit)
    "refs",  # several ``target`` IDs, one flat key each
    "scopes",  # several scopes, one flat key each
    "map",  # element -> value, one flat key each: a ``labels`` code or an ``item``
    "any",  # a JSON value (the two sides of a conflict)
    "json",  # a JSON object kept whole
]

#: Types whose value is kept as one flat key per element, ``<prefix>:<element>``.
SET_TYPES: Mapping[str, str] = MappingProxyType({"refs": "set", "scopes": "set", "map": "map"})


@dataclass(frozen=True)
class Field:
    """One field of a kind.  ``labels``: the label set of a choice (or of a map's values);
    ``target``: the kind a ref / refs / map key points to; ``prefix``: the flat prefix of a
    set or map; ``item``: what a map element holds when not a choice (``reading``,
    ``criterion``, ``ranking_entry``), ``keys``: ``date`` when a map is keyed by day;
    ``low`` / ``high``: bounds of an int; ``form``: shown on the kind's form; ``parent``:
    this ref makes the record a child of the target; ``system``: the server fills it."""

    name: str
    type: FieldType = "text"
    required: bool = False
    labels: str = ""
    target: str = ""
    prefix: str = ""
    item: str = ""
    keys: str = ""
    low: int | None = None
    high: int | None = None
    form: bool = True
    parent: bool = False
    system: bool = False

    def __post_init__(self) -> None:
        if self.type == "choice" and not self.labels:
            object.__setattr__(self, "labels", self.name)
        if (self.type in SET_TYPES) != bool(self.prefix):
            raise ValueError(f"{self.name}: a prefix for set and map fields, and only them")
        if self.labels and self.labels not in LABEL_SETS:
            raise ValueError(f"{self.name}: no label set {self.labels!r}")

    @property
    def codes(self) -> Codes:
        """The codes and labels of a choice (or of a map's values); empty for other types."""
        return LABEL_SETS.get(self.labels, {})


def _names(fields: tuple[Field, ...], keep: Any) -> tuple[str, ...]:
    return tuple(f.name for f in fields if keep(f))


@dataclass(frozen=True)
class KindSpec:
    """A kind: its fields in order, the field that titles a record, the date pairs that must
    be in order, and whether the generic record form edits it (meetings have their own
    editor; reports, rankings and conflicts are made by commands and the server).

    The other attributes are derived from the fields, for the code that asks one question.
    """

    kind: str
    declared: tuple[Field, ...]
    title: str = "name"
    #: (start, end) date fields: the end may not come before the start
    order: tuple[tuple[str, str], ...] = ()
    #: (part, total) number fields: the part may not exceed the total (8 of 10 huyện)
    within: tuple[tuple[str, str], ...] = ()
    form: bool = True

    fields: tuple[str, ...] = dataclasses.field(init=False)
    required: tuple[str, ...] = dataclasses.field(init=False)
    long_text: frozenset[str] = dataclasses.field(init=False)
    #: logical field -> (flat key prefix, "set" | "map")
    sets: Mapping[str, tuple[str, str]] = dataclasses.field(init=False)
    #: reference field -> kind it points to
    refs: Mapping[str, str] = dataclasses.field(init=False)
    #: reference fields that make this record a child (of a plan, meeting, conclusion…)
    parents: tuple[str, ...] = dataclasses.field(init=False)
    #: fields a person may not set directly (the server fills them)
    system: frozenset[str] = dataclasses.field(init=False)
    #: the fields the form shows, in order: as declared, long texts last
    form_fields: tuple[str, ...] = dataclasses.field(init=False)
    by_name: Mapping[str, Field] = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        fs = self.declared
        derived: dict[str, Any] = {
            "fields": _names(fs, lambda f: True),
            "required": _names(fs, lambda f: f.required),
            "long_text": frozenset(_names(fs, lambda f: f.type == "long")),
            "sets": MappingProxyType(
                {f.name: (f.prefix, SET_TYPES[f.type]) for f in fs if f.prefix}
            ),
            "refs": MappingProxyType({f.name: f.target for f in fs if f.target}),
            "parents": _names(fs, lambda f: f.parent),
            "system": frozenset(_names(fs, lambda f: f.system)),
            "form_fields": _form_order(fs) if self.form else (),
            "by_name": MappingProxyType({f.name: f for f in fs}),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    def field(self, name: str) -> Field | None:
        return self.by_name.get(name)


def _form_order(fields: tuple[Field, ...]) -> tuple[str, ...]:
    shown = [f for f in fields if f.form and not f.system]
    return tuple(f.name for f in shown if f.type != "long") + tuple(
        f.name for f in shown if f.type == "long"
    )


F = Field
PUBLISHED = F("published_to", "scopes", prefix="pub", form=False)
NOTES = F("notes", "long")
#: A figure the source does not give (a deadline, a progress %) put in to show a feature:
#: every document that shows the record prints "Số liệu minh họa".
ILLUSTRATIVE = F("illustrative", "yesno")

SPECS: dict[str, KindSpec] = {
    s.kind: s
    for s in (
        KindSpec(
            "unit",
            (
                F("name", required=True),
                F("abbr"),
                F("unit_kind", "choice"),
                F("parent_id", "ref", target="unit", parent=True),
                F("area_code"),
                F("valid_from", "date"),
                F("valid_to", "date"),
                F("successor_id", "ref", target="unit"),
                # a body that issues documents: the top line above its name (when its
                # parent is not a unit of the office), its ký hiệu in "Số: …/TB-BCĐ", the
                # place of its date line, and who signs for it (the first by default)
                F("parent_name"),
                F("symbol"),
                F("place"),
                # its cơ quan thường trực, whose staff drafts its documents ("Lưu: VT, STTTT.")
                F("standing_unit_id", "ref", target="unit"),
                # who signs (person → chức vụ, TM. / KT. / TL. / Q. / plain, for whom, order)
                F("signers", "map", target="person", prefix="signer", item="signer"),
            ),
            order=(("valid_from", "valid_to"),),
        ),
        KindSpec(
            "person",
            (
                F("name", required=True),
                F("position"),
                F("unit_id", "ref", target="unit", parent=True),
                F("committee_role", "choice"),
                F("term_from", "date"),
                F("term_to", "date"),
                F("email"),
                F("phone"),
                NOTES,
            ),
            order=(("term_from", "term_to"),),
        ),
        KindSpec(
            "plan",
            (
                F("title", required=True),
                F("number", "symbol"),
                F("issuer_id", "ref", target="unit"),
                F("issued_on", "date"),
                F("plan_kind", "choice"),
                F("year_from", "int", low=1900, high=2100),
                F("year_to", "int", low=1900, high=2100),
                F("legal_bases", "long"),
                F("objectives", "long"),
                F("status", "choice", labels="plan_status"),
                F("budget", "money"),
                NOTES,
                PUBLISHED,
            ),
            title="title",
        ),
        KindSpec(
            "task",
            (
                F("title", required=True),
                F("plan_id", "ref", target="plan", parent=True),
                F("conclusion_id", "ref", target="conclusion", parent=True, form=False),
                F("meeting_id", "ref", target="meeting", parent=True, form=False),
                F("stt"),
                F("group", "choice"),
                F("lead_unit_id", "lead", required=True, target="unit"),
                F("coordinators", "refs", target="unit", prefix="coord"),
                F("timeframe"),
                F("start", "date"),
                F("due", "date"),
                F("budget", "money"),
                F("funding", "choice"),
                F("deliverable"),
                F("progress", "percent"),
                F("status", "choice"),
                F("completed_on", "date", form=False),
                ILLUSTRATIVE,
                NOTES,
                PUBLISHED,
            ),
            title="title",
            order=(("start", "due"),),
        ),
        KindSpec(
            "indicator",
            (
                F("name", required=True),
                F("plan_id", "ref", target="plan", parent=True),
                F("unit_id", "ref", target="unit"),
                F("framework", "choice"),
                F("measure", "choice"),
                F("unit_label"),
                F("baseline", "number"),
                F("target", "number"),
                F("target_denominator", "int", low=1),
                F("readings", "map", prefix="reading", item="reading", keys="date"),
                ILLUSTRATIVE,
                NOTES,
                PUBLISHED,
            ),
            within=(("target", "target_denominator"),),
        ),
        KindSpec(
            "meeting",
            (
                F("title", required=True),
                F("meeting_kind", "choice"),
                F("sequence"),
                F("date", "date", required=True),
                F("time", "time"),
                F("venue"),
                F("unit_id", "ref", target="unit"),
                F("chair_id", "ref", target="person"),
                F("attendees", "map", labels="attendance", target="person", prefix="attendee"),
                F("agenda", "long"),
                F("minutes", "long"),
                F("plan_id", "ref", target="plan", parent=True),
                PUBLISHED,
            ),
            title="title",
            form=False,
        ),
        KindSpec(
            "conclusion",
            (
                F("title", required=True),
                F("number", "symbol"),
                F("doc_type", "choice"),
                F("meeting_id", "ref", target="meeting", parent=True),
                F("date", "date"),
                F("issuer_id", "ref", target="unit"),
                F("signer_id", "ref", target="person"),
                F("assessment", "long"),
                F("directives", "long"),
                PUBLISHED,
            ),
            title="title",
        ),
        KindSpec(
            "project",
            (
                F("name", required=True),
                F("investor_id", "ref", target="unit"),
                F("plan_id", "ref", target="plan", parent=True),
                F("task_id", "ref", target="task", parent=True),
                F("budget", "money"),
                F("stage", "choice"),
                F("packages", "long"),
                F("start", "date"),
                F("end", "date"),
                F("records_complete", "yesno"),
                NOTES,
            ),
            order=(("start", "end"),),
        ),
        KindSpec(
            "report",
            (
                F("title", required=True),
                F("report_kind", "choice", required=True),
                F("period"),
                F("cutoff_from", "date"),
                F("cutoff_to", "date"),
                F("report_scope", "scope"),
                F("reporting_unit_id", "ref", target="unit"),
                F("number", "symbol"),
                F("place"),
                F("date", "date"),
                F("signer"),
                F("recipients", "long"),
                F("recommendations", "long"),
                *(F(f"section_{n}", "long") for n in range(1, 6)),
                F("content", "long"),
            ),
            title="title",
            order=(("cutoff_from", "cutoff_to"),),
            form=False,
        ),
        KindSpec(
            "ranking",
            (
                F("title", required=True),
                F("year", "int", required=True, low=1900, high=2100),
                F("ranking_group", "choice"),
                F("criteria", "map", prefix="criterion", item="criterion"),
                F("entries", "map", prefix="entry", item="ranking_entry"),
                F("notes", "long"),
            ),
            title="title",
            form=False,
        ),
        KindSpec(
            "conflict",
            (
                F("record_id", "ref", required=True, parent=True, system=True),
                F("record_kind", system=True),
                F("record_title", system=True),
                F("field", required=True, system=True),
                F("current_value", "any", system=True),
                F("other_value", "any", system=True),
                F("base_value", "any", system=True),
                F("other_fields", "json", system=True),
                #: scope conflicts (an office edited a record moved out of its reach): the
                #: record's flat fields the office could read before the move, with its
                #: edits on top — what a copy of the record is made from
                F("record_fields", "json", system=True),
                F("current_author", system=True),
                F("other_author", system=True),
                F("current_office", system=True),
                F("other_office", system=True),
                F("current_at", system=True),
                F("other_at", system=True),
                F("current_replica", system=True),
                F("other_replica", system=True),
                F("status", "choice", labels="conflict_status"),
                F("resolution"),
                F("resolved_by"),
            ),
            title="field",
            form=False,
        ),
    )
}


# ---------------------------------------------------------------------------
# Flat keys: ``<prefix>:<element>`` for each element of a set or map field
# ---------------------------------------------------------------------------
def _prefixes() -> dict[str, str]:
    """Each set / map field's prefix; one field name, one prefix, across every kind."""
    out: dict[str, str] = {}
    for spec in SPECS.values():
        for name, (prefix, _shape) in spec.sets.items():
            if out.setdefault(name, prefix) != prefix or list(out.values()).count(prefix) > 1:
                raise ValueError(f"flat prefix {prefix!r} of {spec.kind}.{name} is not unique")
    return out


PREFIXES: Mapping[str, str] = MappingProxyType(_prefixes())


def prefix(name: str) -> str:
    """The flat prefix of set / map field ``name``: ``prefix("published_to")`` → ``"pub"``."""
    return PREFIXES[name]


def flat_key(name: str, element: str) -> str:
    """The flat key of one element: ``flat_key("attendees", "p1")`` → ``"attendee:p1"``."""
    return f"{PREFIXES[name]}:{element}"


def split_key(key: str) -> tuple[str, str | None]:
    """A flat key as (prefix, element), or (key, None) for a plain field's key."""
    head, sep, element = key.partition(":")
    return (head, element) if sep else (key, None)


def element_of(name: str, key: str) -> str | None:
    """The element ``key`` holds if it is one of field ``name``'s keys, else ``None``."""
    head, element = split_key(key)
    return element if element is not None and head == PREFIXES[name] else None


def elements(name: str, keys: Iterable[str]) -> list[str]:
    """The elements of set / map field ``name`` among flat ``keys``, sorted."""
    head = PREFIXES[name] + ":"
    return sorted(k[len(head) :] for k in keys if k.startswith(head))


def logical_name(kind: str, key: str) -> str:
    """The field a flat key belongs to (``attendee:<id>`` → ``attendees``); plain keys and
    keys of no field of ``kind`` are their own name."""
    head, element = split_key(key)
    spec = SPECS.get(kind)
    if element is None or spec is None:
        return key
    return next((n for n, (p, _shape) in spec.sets.items() if p == head), key)


# ---------------------------------------------------------------------------
# Conflict records
# ---------------------------------------------------------------------------
def is_open_conflict(kind: Any, fields: Mapping[str, Any], deleted: Any = False) -> bool:
    """THE test for a conflict still waiting for a person, on the server and in a replica
    alike: a live conflict record whose status is open (a new one has no status yet)."""
    return kind == "conflict" and not deleted and fields.get("status", "open") == "open"

"""What each record kind is made of, without pydantic: field names, the title field, which
fields are required, long texts, set-valued fields, references and parents, and the
enumerations with their Vietnamese and English labels.

The read path (opening a store, lists, search, the dashboard) needs only this; the pydantic
models in :mod:`domain.models` take their class variables from here and are imported when a
record is validated, so starting the app does not pay for building them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

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
CONFLICT_STATUSES = {
    "open": ("Chưa giải quyết", "Open"),
    "resolved": ("Đã giải quyết", "Resolved"),
}


@dataclass(frozen=True)
class KindSpec:
    kind: str
    fields: tuple[str, ...]
    title: str = "name"
    required: tuple[str, ...] = ()
    long_text: frozenset[str] = frozenset()
    #: logical field -> (flat key prefix, "set" | "map")
    sets: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: reference field -> kind it points to
    refs: Mapping[str, str] = field(default_factory=dict)
    #: reference fields that make this record a child (of a plan, meeting, conclusion…)
    parents: tuple[str, ...] = ()
    #: fields a person may not set directly (the server fills them)
    system: frozenset[str] = frozenset()


def _spec(kind: str, fields: str, **kw: Any) -> KindSpec:
    for name in ("long_text", "system"):
        if name in kw:
            kw[name] = frozenset(kw[name])
    for name in ("sets", "refs"):
        if name in kw:
            kw[name] = MappingProxyType(dict(kw[name]))
    return KindSpec(kind, tuple(fields.split()), **kw)


PUB = {"published_to": ("pub", "set")}

SPECS: dict[str, KindSpec] = {
    s.kind: s
    for s in (
        _spec(
            "unit",
            "name abbr unit_kind parent_id area_code valid_from valid_to successor_id",
            required=("name",),
            refs={"parent_id": "unit", "successor_id": "unit"},
            parents=("parent_id",),
        ),
        _spec(
            "person",
            "name position unit_id committee_role term_from term_to email phone notes",
            required=("name",),
            refs={"unit_id": "unit"},
            parents=("unit_id",),
        ),
        _spec(
            "plan",
            "title number issuer_id issued_on plan_kind year_from year_to legal_bases "
            "objectives status budget notes published_to",
            title="title",
            required=("title",),
            long_text={"legal_bases", "objectives", "notes"},
            sets=PUB,
            refs={"issuer_id": "unit"},
        ),
        _spec(
            "task",
            "title plan_id conclusion_id meeting_id stt group lead_unit_id coordinators "
            "timeframe start due budget funding deliverable progress status completed_on "
            "notes published_to",
            title="title",
            required=("title", "lead_unit_id"),
            long_text={"notes"},
            sets={"coordinators": ("coord", "set"), **PUB},
            refs={
                "plan_id": "plan",
                "conclusion_id": "conclusion",
                "meeting_id": "meeting",
                "lead_unit_id": "unit",
                "coordinators": "unit",
            },
            parents=("plan_id", "conclusion_id", "meeting_id"),
        ),
        _spec(
            "indicator",
            "name plan_id unit_id framework measure unit_label baseline target "
            "target_denominator readings notes published_to",
            required=("name",),
            long_text={"notes"},
            sets={"readings": ("reading", "map"), **PUB},
            refs={"plan_id": "plan", "unit_id": "unit"},
            parents=("plan_id",),
        ),
        _spec(
            "meeting",
            "title meeting_kind sequence date time venue unit_id chair_id attendees "
            "agenda minutes plan_id published_to",
            title="title",
            required=("title", "date"),
            long_text={"agenda", "minutes"},
            sets={"attendees": ("attendee", "map"), **PUB},
            refs={
                "chair_id": "person",
                "attendees": "person",
                "plan_id": "plan",
                "unit_id": "unit",
            },
            parents=("plan_id",),
        ),
        _spec(
            "conclusion",
            "title number doc_type meeting_id date issuer_id signer_id assessment "
            "directives published_to",
            title="title",
            required=("title",),
            long_text={"assessment", "directives"},
            sets=PUB,
            refs={"meeting_id": "meeting", "signer_id": "person", "issuer_id": "unit"},
            parents=("meeting_id",),
        ),
        _spec(
            "project",
            "name investor_id plan_id task_id budget stage packages start end "
            "records_complete notes",
            required=("name",),
            long_text={"packages", "notes"},
            refs={"investor_id": "unit", "plan_id": "plan", "task_id": "task"},
            parents=("plan_id", "task_id"),
        ),
        _spec(
            "report",
            "title report_kind period cutoff_from cutoff_to report_scope "
            "reporting_unit_id number place date signer recipients recommendations content",
            title="title",
            required=("title", "report_kind"),
            long_text={"recipients", "recommendations", "content"},
            refs={"reporting_unit_id": "unit"},
        ),
        _spec(
            "ranking",
            "title year ranking_group criteria entries notes",
            title="title",
            required=("title", "year"),
            sets={"criteria": ("criterion", "map"), "entries": ("entry", "map")},
        ),
        _spec(
            "conflict",
            "record_id record_kind record_title field current_value other_value "
            "base_value other_fields record_fields current_author other_author "
            "current_office other_office current_at other_at status resolution "
            "resolved_by",
            title="field",
            required=("record_id", "field"),
            parents=("record_id",),
            system={
                "record_id",
                "record_kind",
                "field",
                "current_value",
                "other_value",
                "base_value",
                "current_author",
                "other_author",
                "current_office",
                "other_office",
                "current_at",
                "other_at",
                "other_fields",
                "record_fields",
                "record_title",
            },
        ),
    )
}

"""Issue 12: a report carries the narrative a real report carries, drafted from the data only.

Section II lists the tasks by task group (lĩnh vực), with a line a group, the projects and
their kinh phí, and an overall assessment computed from the counts; section III names the
overdue tasks, the unmet indicators and the late notices, with the notes the records carry,
or says in one sentence that there is none; section V takes the proposals saved with the
report, else "Không có."; "Lưu: VT, TTTT." names the unit that drafts the body's documents.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest

from documents.assemble import ReportOptions, collect_report
from documents.export import save_report
from documents.layout import CELL_PADDING_DXA, text_width
from documents.notice import notice_document
from documents.render_docx import write_docx
from documents.reporting import Document, Para, Section, Table, build_report
from domain.demo import demo_id
from domain.i18n import Lang
from domain.periods import custom, parse_period
from sync.store import Store

BG = "vn/bac-giang"
Q1 = custom(date(2024, 1, 1), date(2024, 3, 31))


def build(store: Store, lang: Lang = "vi", **more: Any) -> Document:
    return build_report(collect_report(store, ReportOptions(BG, Q1, lang, **more)))


def table(document: Document, key: str) -> Table:
    return next(x for x in document.tables() if x.key == key)


def texts(section: Section) -> list[str]:
    return [b.text for b in section.blocks if isinstance(b, Para)]


@pytest.fixture
def q1(store: Store) -> Store:
    """A quarter of Bắc Giang's plan: four tasks in three groups, a project, two targets."""
    stt = store.add("unit", {"name": "Sở Thông tin và Truyền thông", "abbr": "STTTT"}).id
    tc = store.add("unit", {"name": "Sở Tài chính"}).id
    plan = store.add(
        "plan",
        {
            "title": "Kế hoạch ứng dụng CNTT năm 2024",
            "number": "15/KH-BCĐ",
            "status": "issued",
            "issued_on": "2024-01-05",
            "year_from": 2024,
        },
    ).id
    common = {"plan_id": plan, "lead_unit_id": stt}
    for task in (
        {"title": "Nâng cấp mạng LAN của các Sở", "group": "infrastructure", "stt": "1"},
        {"title": "Triển khai chữ ký số cho cán bộ", "group": "security", "stt": "3"},
        {"title": "Đào tạo kỹ năng số cho công chức xã", "stt": "4", "coordinators": [tc]},
        {"title": "Triển khai Trung tâm giám sát an toàn thông tin", "group": "security"},
    ):
        store.add("task", {**common, **task})
    edits: dict[str, dict[str, Any]] = {
        "Nâng cấp mạng LAN của các Sở": {
            "due": "2024-02-28",
            "status": "done",
            "completed_on": "2024-02-20",
            "progress": 100,
        },
        "Triển khai chữ ký số cho cán bộ": {
            "due": "2024-03-01",
            "status": "done",
            "completed_on": "2024-03-10",
            "progress": 100,
        },
        "Đào tạo kỹ năng số cho công chức xã": {"due": "2024-06-30", "status": "in_progress"},
        "Triển khai Trung tâm giám sát an toàn thông tin": {
            "due": "2024-03-15",
            "status": "in_progress",
            "progress": 60,
            "budget": 1_500_000_000,
            "funding": "provincial",
            "notes": "Chưa được bố trí kinh phí năm 2024.",
        },
    }
    for record in store.list("task"):
        store.update(record.id, edits[record.title])
    store.add(
        "project",
        {
            "name": "Xây dựng Trung tâm dữ liệu tỉnh",
            "investor_id": stt,
            "plan_id": plan,
            "budget": 12_000_000_000,
            "stage": "implementation",
            "notes": "Đang lựa chọn nhà thầu.",
        },
    )
    store.add(
        "indicator",
        {
            "name": "Hồ sơ thủ tục hành chính nộp trực tuyến",
            "plan_id": plan,
            "measure": "percent",
            "target": 50,
            "readings": {"2024-03-20": {"value": 60}},
        },
    )
    store.add(
        "indicator",
        {
            "name": "Sở dùng phần mềm quản lý văn bản",
            "plan_id": plan,
            "measure": "ratio",
            "unit_label": "Sở",
            "target": 22,
            "target_denominator": 22,
            "readings": {"2024-03-20": {"numerator": 11, "denominator": 22}},
            "notes": "Một số Sở chưa có máy chủ",
        },
    )
    return store


def test_results_are_listed_by_task_group_with_a_line_a_group(q1: Store) -> None:
    doc = build(q1)
    tasks = table(doc, "tasks")
    assert [row[:2] + row[6:] for row in tasks.rows] == [
        ["", "Hạ tầng kỹ thuật", ""],
        ["1", "Nâng cấp mạng LAN của các Sở", "Hoàn thành đúng hạn"],
        ["", "An toàn thông tin", ""],
        ["2", "Triển khai chữ ký số cho cán bộ", "Hoàn thành quá hạn"],
        ["3", "Triển khai Trung tâm giám sát an toàn thông tin", "Quá hạn"],
        ["", "Nhiệm vụ khác", ""],
        ["4", "Đào tạo kỹ năng số cho công chức xã", "Đang thực hiện"],
    ]
    assert tasks.group_rows == {0, 2, 5}
    assert texts(doc.sections[1])[2:5] == [
        "Hạ tầng kỹ thuật: 1 nhiệm vụ (hoàn thành 1).",
        "An toàn thông tin: 2 nhiệm vụ (hoàn thành 1, quá hạn 1).",
        "Nhiệm vụ khác: 1 nhiệm vụ (đang thực hiện 1).",
    ]


def test_tasks_with_no_group_stay_under_their_source(store: Store) -> None:
    unit = store.add("unit", {"name": "Sở Nội vụ"}).id
    plan = store.add("plan", {"title": "Kế hoạch 2024", "number": "7/KH-BCĐ"}).id
    store.add("task", {"title": "Số hóa hồ sơ", "plan_id": plan, "lead_unit_id": unit})
    store.add("task", {"title": "Rà soát quy chế", "lead_unit_id": unit})
    rows = table(build(store), "tasks").rows
    assert [row[1] for row in rows] == [
        "Kế hoạch 7/KH-BCĐ",
        "Số hóa hồ sơ",
        "Nhiệm vụ khác",
        "Rà soát quy chế",
    ]


def test_projects_and_funded_tasks_with_their_kinh_phi(q1: Store) -> None:
    doc = build(q1)
    projects = table(doc, "projects")
    assert projects.headers == [
        "STT",
        "Tên dự án",
        "Chủ đầu tư",
        "Giai đoạn",
        "Kinh phí",
        "Ghi chú",
    ]
    assert projects.rows == [
        [
            "1",
            "Xây dựng Trung tâm dữ liệu tỉnh",
            "Sở Thông tin và Truyền thông",
            "Thực hiện",
            "12.000.000.000\u00a0đ",
            "Đang lựa chọn nhà thầu.",
        ]
    ]
    assert texts(doc.sections[1])[-4:-2] == [
        "Tổng kinh phí các dự án theo số liệu đã có: 12.000.000.000 đ.",
        "Các nhiệm vụ có ghi kinh phí: 1 nhiệm vụ, tổng kinh phí 1.500.000.000 đ "
        "(NS tỉnh: 1.500.000.000 đ).",
    ]


def test_the_overall_assessment_is_computed_from_the_counts(q1: Store) -> None:
    section = build(q1).sections[1]
    assert texts(section)[-2:] == [
        "4. Đánh giá chung",
        "Trong kỳ có 4 nhiệm vụ: đã hoàn thành 2 nhiệm vụ (đúng hạn 1, quá hạn 1); đang thực "
        "hiện 1 nhiệm vụ; 1 nhiệm vụ quá hạn chưa hoàn thành; tỷ lệ hoàn thành 50%. "
        "Có 1/2 chỉ tiêu đạt kế hoạch.",
    ]
    english = build(q1, "en").sections[1]
    assert texts(english)[-1] == (
        "The period had 4 task(s): 2 done (1 on time, 1 late); 1 in progress; 1 overdue and "
        "not done; 50% done. 1 of 2 targets met."
    )


def test_shortcomings_name_the_overdue_task_and_the_unmet_target_with_their_notes(
    q1: Store,
) -> None:
    section = build(q1).sections[2]
    assert texts(section) == [
        "Trong kỳ còn 1 nhiệm vụ quá hạn chưa hoàn thành, 1 chỉ tiêu chưa đạt kế hoạch.",
        "1. Nhiệm vụ quá hạn",
        "Nhiệm vụ “Triển khai Trung tâm giám sát an toàn thông tin”: Chưa được bố trí kinh "
        "phí năm 2024.",
        "2. Nhiệm vụ chậm tiến độ (không có tiến triển trong kỳ)",
        "Không có nhiệm vụ chậm tiến độ.",
        "3. Chỉ tiêu chưa đạt kế hoạch",
        "Sở dùng phần mềm quản lý văn bản: kế hoạch 22/22 Sở, thực hiện 11/22 Sở (đạt 50% kế "
        "hoạch). Ghi chú: Một số Sở chưa có máy chủ.",
        "4. Thông báo kết luận ban hành chậm",
        "Trong kỳ không có phiên họp nào phải ban hành thông báo kết luận.",
    ]
    assert table(build(q1), "overdue").rows[0][1] == (
        "Triển khai Trung tâm giám sát an toàn thông tin"
    )


def test_a_period_with_nothing_wrong_says_so_in_one_sentence(store: Store) -> None:
    unit = store.add("unit", {"name": "Sở Nội vụ"}).id
    store.add(
        "task",
        {
            "title": "Số hóa hồ sơ",
            "lead_unit_id": unit,
            "group": "internal_apps",
            "due": "2024-03-31",
            "status": "done",
            "completed_on": "2024-03-01",
        },
    )
    assert texts(build(store).sections[2]) == [
        "Trong kỳ không có nhiệm vụ quá hạn, chậm tiến độ hay chỉ tiêu chưa đạt kế hoạch.",
        "Thông báo kết luận ban hành chậm",
        "Trong kỳ không có phiên họp nào phải ban hành thông báo kết luận.",
    ]
    assert texts(build(store).sections[1])[-3:] == [
        "Trong kỳ không có dự án hoặc nhiệm vụ có kinh phí.",
        "4. Đánh giá chung",
        "Trong kỳ có 1 nhiệm vụ: đã hoàn thành 1 nhiệm vụ, đều đúng hạn; tỷ lệ hoàn thành 100%.",
    ]


def test_no_completion_rate_when_nothing_is_done(store: Store) -> None:
    unit = store.add("unit", {"name": "Sở Nội vụ"}).id
    store.add("task", {"title": "Rà soát quy chế", "lead_unit_id": unit, "status": "in_progress"})
    assert texts(build(store).sections[1])[-1] == (
        "Trong kỳ có 1 nhiệm vụ: đang thực hiện 1 nhiệm vụ."
    )


def test_section_v_takes_the_proposals_saved_with_the_report(q1: Store) -> None:
    assert texts(build(q1).sections[4]) == ["Không có."]
    proposal = "Đề nghị UBND tỉnh bố trí kinh phí cho Trung tâm giám sát an toàn thông tin."
    typed = build(q1, recommendations=proposal)
    save_report(q1, typed, Q1, BG, None, proposal)
    assert texts(build(q1).sections[4]) == [proposal], "regenerated without the option"
    save_report(q1, build(q1), Q1, BG, None, "")  # `sotay report --save` with no option
    assert texts(build(q1).sections[4]) == [proposal], "saved again, still there"
    assert texts(build(q1, recommendations="").sections[4]) == [proposal], "a blank app box"
    replaced = build(q1, sections={5: "Không có."})
    assert texts(replaced.sections[4]) == ["Không có."], "the section editor replaces them"


def test_an_edited_section_ii_keeps_its_tables(q1: Store) -> None:
    first = build(q1)
    text = "Đã hoàn thành nâng cấp mạng LAN của các Sở."
    edited = build(q1, sections={2: text})
    save_report(q1, edited, Q1, BG, None, "")
    again = build(q1)
    blocks = again.sections[1].blocks
    assert [b.text for b in blocks if isinstance(b, Para)] == [
        text,
        "1. Kết quả thực hiện các chỉ tiêu",
        "2. Kết quả thực hiện nhiệm vụ",
        "3. Các dự án và kinh phí",
    ]
    assert [x.key for x in again.tables()] == [x.key for x in first.tables()]
    assert "Hạ tầng kỹ thuật: 1 nhiệm vụ (hoàn thành 1)." in first.drafts[2]


def test_luu_vt_names_the_drafting_unit_when_the_body_has_one(demo_store: Store) -> None:
    def recipients(scope: str, period: str) -> list[str]:
        opts = ReportOptions(scope, parse_period(period))
        return build_report(collect_report(demo_store, opts)).header.recipients

    # Nguyễn Ngọc Hà (Trung tâm Thông tin) leads UBDT's Tổ Thư ký from 30/07/2014
    ubdt_cds = "Các thành viên Ban Chỉ đạo Chuyển đổi số của Ủy ban Dân tộc;"
    assert recipients("vn/ubdt", "2022-Q2") == [ubdt_cds, "Lưu: VT, TTTT."]
    assert recipients("vn/ubdt", "2012-Q4") == [
        "Các thành viên Ban Chỉ đạo ứng dụng công nghệ thông tin của Ủy ban Dân tộc;",
        "Lưu: VT.",
    ]
    # Bắc Giang's committee names Sở TT&TT its cơ quan thường trực (seed 004)
    assert recipients(BG, "2011-H1") == [
        "Các thành viên Ban Chỉ đạo CNTT tỉnh Bắc Giang;",
        "Lưu: VT, STTTT.",
    ]
    notice, _timing = notice_document(demo_store, demo_id("m.cds-q2-2022"))
    assert notice.header.recipients[-1] == "Lưu: VT, TTTT."


def test_an_amount_never_wraps_in_the_docx(q1: Store, tmp_path: Path) -> None:
    path = write_docx(build(q1), tmp_path / "bc.docx")
    tables = docx.Document(str(path)).tables
    projects = next(tb for tb in tables if [c.text for c in tb.rows[0].cells][4:5] == ["Kinh phí"])
    amounts = [row.cells[4] for row in projects.rows[1:]]
    assert [c.text for c in amounts] == ["12.000.000.000\u00a0đ"]
    width = amounts[0].width
    assert width is not None
    assert width.twips >= text_width("12.000.000.000 đ", 12) + CELL_PADDING_DXA


def test_nơi_nhận_names_the_members_of_the_issuing_body_itself(demo_store: Store) -> None:
    """A Ban Điều hành's notice goes to the members of that Ban Điều hành, not to
    "Thành viên Ban Chỉ đạo" (a body it is not)."""
    notice, _timing = notice_document(demo_store, demo_id("m.bdh2010"))
    assert notice.header.recipients == [
        "Các thành viên Ban Điều hành triển khai công tác ứng dụng CNTT trong hoạt động của cơ "
        "quan Nhà nước;",
        "Cục Ứng dụng công nghệ thông tin;",
        "Lưu: VT, ƯDCNTT.",
    ]

"""The demo's documents state only what the seeds state, and say so when they do not (issue 12).

Reports, notices and rankings print "Số liệu minh họa" (a line under the title, "(*)" after
the row) when a record they show is illustrative; UBDT's quý III/2022 priorities are not
overdue at 40 % / 60 %; Bắc Giang's Sở are not judged against a target the seed never gives;
a notice giving work a deadline before its own date is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from documents import ranking as rk
from documents.assemble import ReportOptions, collect_report
from documents.notice import notice_document
from documents.render_docx import write_docx
from documents.reporting import Document, build_report
from domain.demo import demo_id
from domain.errors import Conflict
from domain.i18n import t
from domain.periods import parse_period
from sync.store import Store
from tui.commands.records import load_demo

MARK = t("doc.illustrative", "vi")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Store]:
    with Store.create(tmp_path / "profile", office="vn", name="HQ", role="hq") as store:
        load_demo(store)
        yield store


def report(store: Store, scope: str, period: str) -> Document:
    return build_report(collect_report(store, ReportOptions(scope, parse_period(period))))


def rows(document: Document, key: str) -> list[list[str]]:
    return [row for table in document.tables() if table.key == key for row in table.rows]


def docx_text(document: Document, path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(write_docx(document, path))).paragraphs)


def test_the_first_half_2011_report_marks_its_one_illustrative_figure(
    demo: Store, tmp_path: Path
) -> None:
    doc = report(demo, "vn/bac-giang", "2011-H1")
    marked = [row[1:] for row in rows(doc, "tasks") if row[1].endswith(" (*)")]
    assert marked == [
        [
            "Xây dựng phần mềm Quản lý văn bản và điều hành công việc mã nguồn mở (*)",
            "Sở Thông tin và Truyền thông Bắc Giang",
            "",
            "",
            "90%",
            "Đang thực hiện",
        ]
    ]
    assert MARK in doc.intro
    assert MARK in docx_text(doc, tmp_path / "bc.docx")


def test_the_sở_are_not_judged_against_a_target_the_seed_never_gives(demo: Store) -> None:
    doc = report(demo, "vn/bac-giang", "2011-H1")
    by_name = {row[0]: row[1:] for row in rows(doc, "indicators")}
    assert by_name["Sở có Một cửa điện tử"] == ["", "6/22 Sở", "", ""]
    assert by_name["Huyện, thành phố có Một cửa điện tử"] == ["", "10/10 huyện", "", ""]


def test_the_quarter_iii_2022_report_invents_nothing(demo: Store) -> None:
    doc = report(demo, "vn/ubdt", "2022-Q3")
    tasks = {row[1]: row[4:] for row in rows(doc, "tasks") if row[0]}
    assert tasks["Hệ thống quản lý văn bản điều hành tác nghiệp"] == [
        "Quý III/2022",
        "",
        "Chưa thực hiện",
    ]
    assert tasks["Hệ thống thông tin giải quyết thủ tục hành chính của UBDT"] == [
        "Quý III/2022",
        "",
        "Chưa thực hiện",
    ]
    assert rows(doc, "overdue") == []
    assert MARK not in doc.intro


def test_the_standing_duties_of_878_are_in_progress_in_2022(demo: Store) -> None:
    doc = report(demo, "vn/ubdt", "2022-Q3")
    table = next(x for x in doc.tables() if x.key == "tasks")
    duties = {
        r.title for r in demo.list("task") if r.flat.get("conclusion_id") == demo_id("c.cv878")
    }
    statuses = [row[6] for n, row in enumerate(table.rows) if row[1] in duties]
    assert statuses == ["Đang thực hiện"] * 12


def test_a_notice_marks_an_illustrative_assignment(demo: Store) -> None:
    demo.update(demo_id("t.bdh.k2"), {"illustrative": True})
    notice, _timing = notice_document(demo, demo_id("m.bdh2010"))
    texts = [b.text for s in notice.sections for b in s.blocks if hasattr(b, "text")]
    assert notice.intro == [MARK]
    assert [x for x in texts if x.endswith(" (*)")] == [
        "2.2. Giao Cục Ứng dụng công nghệ thông tin chủ trì kiện toàn tổ chức Ban Điều hành "
        "(thành viên nghỉ hưu, chuyển công tác) (Sớm). (*)"
    ]


def test_the_demo_notices_carry_no_mark(demo: Store) -> None:
    for meeting in ("m.cds-q2-2022", "m.bg2011", "m.bdh2010"):
        notice, _timing = notice_document(demo, demo_id(meeting))
        assert notice.intro == []


def test_a_notice_cannot_order_work_before_its_own_date(demo: Store) -> None:
    demo.update(demo_id("c.bdh2010"), {"date": "02/04/2010"})
    demo.update(demo_id("t.bdh.k1"), {"due": "31/03/2010"})
    with pytest.raises(Conflict) as refused:
        notice_document(demo, demo_id("m.bdh2010"))
    assert refused.value.message("vi") == (
        "Thông báo ngày 02/04/2010 giao “Tập hợp ý kiến các thành viên, hoàn chỉnh chương "
        "trình công tác năm 2010” hoàn thành trước 31/03/2010, trước cả ngày ban hành: sửa "
        "thời hạn của nhiệm vụ hoặc ngày của thông báo."
    )


def test_rankings_say_when_a_member_has_illustrative_figures(demo: Store) -> None:
    notes = {}
    for year, scope, group in ((2011, "vn/bac-giang", "departments"), (2022, "vn/ubdt", "units")):
        result = rk.compute(demo, rk.RankingSpec(year, scope, group))
        notes[scope] = rk.ranking_document(demo, result, "Xếp hạng").intro[-1]
    assert notes == {
        "vn/bac-giang": t("ranking.illustrative", "vi"),
        "vn/ubdt": t("ranking.overdue_note", "vi"),
    }

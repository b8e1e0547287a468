"""Acceptance 2 of issue 12: every .docx has the NĐ 30/2020 skeleton, read from its XML.

Quốc hiệu on one line and tiêu ngữ, "Số:", the zero-padded date line, the trích yếu with its
short rule, the signature block beside "Nơi nhận", a PAGE field from page 2, Times New Roman,
A4 margins within the decree, header-table grids equal to their cells, table headers repeated
and rows kept whole, figures with thousands dots; on data a test builds and on the demo.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from hypothesis import given
from hypothesis import strategies as st

from documents import ranking as rk
from documents.assemble import ReportOptions, collect_report
from documents.layout import CELL_PADDING_DXA, TEXT_WIDTH_DXA, column_widths, pad_dates, text_width
from documents.notice import notice_document
from documents.render_docx import HEADER_DXA, NATION_PT, write_docx
from documents.reporting import Document, build_report
from domain.dates import format_long_date
from domain.demo import demo_id
from domain.money import group_thousands
from domain.periods import parse_period
from domain.rules import attainment
from sync.store import Store
from tests.helpers.clock import Clock

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DATE_LINE = re.compile(r"^.+, ngày (\d+) tháng (\d+) năm (\d{4})$")
MM = 36000  # EMU per millimetre


def paragraphs(element: Any) -> list[Any]:
    return list(element.iter(qn("w:p")))


def text_of(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def has_rule(p: Any) -> bool:
    return p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}") is not None


def grid(table: Any) -> list[int]:
    return [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.iter(qn("w:gridCol"))]


def check_header(header: Any) -> str:
    """The header table: grid == cells, a rule under the body's name, Quốc hiệu and tiêu ngữ,
    "Số:" beside the date line.  Returns the date line."""
    assert grid(header) == list(HEADER_DXA) and sum(HEADER_DXA) == TEXT_WIDTH_DXA
    for row in header.rows:
        assert [c.width.twips for c in row.cells] == list(HEADER_DXA)
    (body, nation), (number, when) = (row.cells for row in header.rows)
    body_paras = paragraphs(body._tc)
    assert has_rule(body_paras[-1]) and text_of(body_paras[-2]).isupper()
    assert [text_of(p) for p in paragraphs(nation._tc)] == [NATION, MOTTO]
    motto = nation.paragraphs[1].runs[0]
    assert motto.bold and motto.underline  # the rule under the tiêu ngữ, as long as it
    assert re.fullmatch(r"Số: +\d*/[A-ZĐ]+-[A-ZĐ0-9]+", number.paragraphs[0].text)
    # the Quốc hiệu (12 pt bold) fits one line of its column
    assert text_width(NATION, NATION_PT) + CELL_PADDING_DXA <= HEADER_DXA[1]
    assert nation.paragraphs[0].runs[0].font.size.pt == NATION_PT
    return str(when.paragraphs[0].text)


def check_date_line(line: str, expected: date) -> None:
    """NĐ 30/2020: a day below 10 and the months 1 and 2 with a leading 0."""
    found = DATE_LINE.fullmatch(line)
    assert found, line
    day, month, year = found.groups()
    assert (int(day), int(month), int(year)) == (expected.day, expected.month, expected.year)
    assert day == f"{expected.day:02d}"
    assert month == (f"{expected.month:02d}" if expected.month <= 2 else str(expected.month))


def check_page(document: Any) -> None:
    section = document.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.1)
    assert 20 * MM <= section.top_margin <= 25 * MM
    assert 20 * MM <= section.bottom_margin <= 25 * MM
    assert 30 * MM <= section.left_margin <= 35 * MM
    assert 15 * MM <= section.right_margin <= 20 * MM
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "<w:instrText" in header_xml and " PAGE " in header_xml
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 13
    assert normal.paragraph_format.space_after.pt == 6


TBLPR_ORDER = [  # ECMA-376 CT_TblPr
    qn(f"w:{tag}")
    for tag in [
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
    ]
]


def check_tables(document: Any) -> None:
    """Grids equal to cells and filling the text width, children of w:tblPr in the schema's
    order (Word refuses the file otherwise), header rows repeated and rows kept whole."""
    for table in document.tables:
        tags = [child.tag for child in table._tbl.tblPr]
        assert tags == sorted(tags, key=TBLPR_ORDER.index)
        cells = [
            int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in table._tbl.tr_lst[0].tc_lst
        ]
        assert grid(table) == cells and sum(cells) == TEXT_WIDTH_DXA
    for table in document.tables[1:-1]:  # the data tables, between header and signature
        rows = table._tbl.tr_lst
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(r.trPr is not None and r.trPr.find(qn("w:cantSplit")) is not None for r in rows)


def check_signature(document: Any, doc: Document) -> None:
    recipients, signer = document.tables[-1].rows[0].cells
    lines = [p.text for p in recipients.paragraphs]
    assert lines[0] == "Nơi nhận:" and lines[1:] == [f"- {r}" for r in doc.header.recipients]
    signed = [p.text for p in signer.paragraphs if p.text]
    assert signed == [*doc.header.signer_title, doc.header.signer_name]


def check_title(document: Any, doc: Document) -> None:
    body = paragraphs(document.element.body)
    top = [p for p in body if p.getparent() is document.element.body]
    last = pad_dates(doc.subtitle or doc.title)
    at = next(i for i, p in enumerate(top) if text_of(p) == last)
    assert has_rule(top[at + 1])  # the short rule under the trích yếu


BARE_FIGURE = re.compile(r"(?<![\d/.,])\d{4,}(?![\d/.,%])")


def bare_figures(text: str, names: set[str]) -> list[str]:
    """Integers of 4 digits or more printed without thousands dots, other than years and
    the numbers in names (Văn phòng 1719) and symbols (1772/KH-BCĐ)."""
    found = []
    for line in text.splitlines():
        clean = line
        for name in names:
            clean = clean.replace(name, "")
        found += [n for n in BARE_FIGURE.findall(clean) if not 1900 <= int(n) <= 2100]
    return found


def check(path: Path, doc: Document, names: frozenset[str] = frozenset()) -> str:
    """Every check of the skeleton on one written file; returns all its text."""
    document = docx.Document(str(path))
    check_date_line(check_header(document.tables[0]), doc.header.date or date.today())
    check_page(document)
    check_tables(document)
    check_signature(document, doc)
    check_title(document, doc)
    props = document.core_properties
    assert props.author == doc.header.org_lines[-1] and props.author != "python-docx"
    assert props.created is not None and props.created.date() == doc.header.date
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    text = "\n".join(text_of(p) for p in paragraphs(document.element.body))
    assert not re.search(r"(?<![\d/])(\d/\d{1,2}|\d{2}/\d)/\d{4}", text), "dd/mm/yyyy"
    assert bare_figures(text, set(names)) == []
    assert '<w:tblLayout w:type="fixed"/>' in xml
    return text


# ---------------------------------------------------------------------------
# On data the test builds
# ---------------------------------------------------------------------------


def build(store: Store, clock: Clock) -> dict[str, str]:
    clock.at(2022, 1, 4)
    province = store.add("unit", {"name": "UBND tỉnh Bắc Giang", "abbr": "UBND"})
    body = store.add(
        "unit",
        {
            "name": "Ban Chỉ đạo CNTT tỉnh Bắc Giang",
            "unit_kind": "committee",
            "parent_id": province.id,
        },
    )
    centre = store.add("unit", {"name": "Sở Thông tin và Truyền thông", "abbr": "STTTT"})
    head = store.add(
        "person", {"name": "Nguyễn Văn Linh", "committee_role": "head", "unit_id": body.id}
    )
    plan = store.add("plan", {"title": "Kế hoạch 2022", "status": "issued", "year_from": 2022})
    store.add(
        "indicator",
        {
            "name": "Hồ sơ trực tuyến mức độ 4",
            "plan_id": plan.id,
            "measure": "count",
            "unit_label": "hồ sơ",
            "target": 4367,
            "readings": {"10/02/2022": {"value": 12500}},
        },
    )
    meeting = store.add(
        "meeting",
        {
            "title": "Phiên họp quý I/2022",
            "date": "07/02/2022",
            "unit_id": body.id,
            "chair_id": head.id,
        },
    )
    notice = store.add(
        "conclusion",
        {
            "title": "Kết luận tại phiên họp quý I/2022",
            "meeting_id": meeting.id,
            "date": "09/02/2022",
            "signer_id": head.id,
            "issuer_id": body.id,
        },
    )
    store.add(
        "task",
        {
            "title": "Triển khai Một cửa điện tử cấp xã, báo cáo trước 31/3/2022",
            "plan_id": plan.id,
            "conclusion_id": notice.id,
            "lead_unit_id": centre.id,
            "due": "31/03/2022",
            "status": "in_progress",
            "progress": 100,
        },
    )
    return {"meeting": meeting.id}


def test_report_notice_and_ranking_from_built_data(
    store: Store, clock: Clock, tmp_path: Path
) -> None:
    ids = build(store, clock)
    clock.at(2022, 2, 8)
    period = parse_period("2022-Q1")
    report = build_report(
        collect_report(store, ReportOptions("vn/bac-giang", period, date=date(2022, 2, 8)))
    )
    check(write_docx(report, tmp_path / "bc.docx"), report)
    indicators = next(t for t in report.tables() if t.key == "indicators")
    assert indicators.rows[0][:3] == ["Hồ sơ trực tuyến mức độ 4", "4.367 hồ sơ", "12.500 hồ sơ"]

    notice, _timing = notice_document(store, ids["meeting"])
    text = check(write_docx(notice, tmp_path / "tb.docx"), notice)
    assert "trước 31/03/2022" in text and "31/3/2022" not in text

    result = rk.compute(store, rk.RankingSpec(2022, "vn/bac-giang", "units"))
    ranking = rk.ranking_document(store, result, "Xếp hạng 2022")
    check(write_docx(ranking, tmp_path / "xh.docx"), ranking)


def test_a_january_document_writes_the_month_with_a_leading_zero() -> None:
    assert format_long_date(date(2022, 1, 5), "Hà Nội") == "Hà Nội, ngày 05 tháng 01 năm 2022"
    assert format_long_date(date(2022, 2, 28), "Hà Nội") == "Hà Nội, ngày 28 tháng 02 năm 2022"
    assert format_long_date(date(2022, 3, 9), "Hà Nội") == "Hà Nội, ngày 09 tháng 3 năm 2022"
    assert format_long_date(date(2022, 12, 31), "") == "Ngày 31 tháng 12 năm 2022"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_the_date_line_follows_the_decree(when: date) -> None:
    check_date_line(format_long_date(when, "Bắc Giang"), when)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.text(max_size=20))
def test_loose_dates_in_text_are_written_dd_mm_yyyy(when: date, around: str) -> None:
    loose = f"{when.day}/{when.month}/{when.year}"
    assert pad_dates(f"trước {loose}.") == f"trước {when:%d/%m/%Y}."
    assert pad_dates(f"239/QĐ-BCĐ {around}") == f"239/QĐ-BCĐ {pad_dates(around)}"


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=10**6))
def test_indicator_figures_carry_thousands_dots(value: int, den: int) -> None:
    count = attainment({"measure": "count", "target": value}).target_text
    ratio = attainment({"measure": "ratio", "target": value, "target_denominator": den})
    assert count == group_thousands(value)
    assert ratio.target_text == f"{group_thousands(value)}/{group_thousands(den)}"
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", count) and int(count.replace(".", "")) == value


cells = st.text(alphabet="abcđ ĐƯXM0123456789%/", max_size=30)


@given(
    st.integers(min_value=1, max_value=7).flatmap(
        lambda n: st.tuples(
            st.lists(cells, min_size=n, max_size=n),
            st.lists(st.lists(cells, min_size=n, max_size=n), max_size=8),
        )
    )
)
def test_columns_fill_the_line_and_no_word_is_split(table: tuple[Any, Any]) -> None:
    headers, rows = table
    widths = column_widths(headers, rows, 12)
    assert sum(widths) == TEXT_WIDTH_DXA and len(widths) == len(headers)
    words = [
        max([text_width(w, 12) for r in rows for w in r[i].split()] + [0])
        for i in range(len(headers))
    ]
    heads = [max([text_width(w, 12 * 1.05) for w in h.split()] + [0]) for h in headers]
    need = [max(w, h) + CELL_PADDING_DXA for w, h in zip(words, heads, strict=True)]
    if sum(need) <= TEXT_WIDTH_DXA:
        assert all(w + CELL_PADDING_DXA <= width for w, width in zip(words, widths, strict=True))


# ---------------------------------------------------------------------------
# On the demo
# ---------------------------------------------------------------------------


def demo_names(store: Store) -> frozenset[str]:
    return frozenset(
        {r.title for kind in ("unit", "plan", "conclusion") for r in store.list(kind)}
        | {str(r.flat.get("number")) for r in store.list("conclusion") if r.flat.get("number")}
    )


@pytest.mark.parametrize(
    ("scope", "period"),
    [("vn/ubdt", "2022-Q2"), ("vn/bac-giang", "2011-H1"), ("vn/btttt", "2010"), ("vn", "2022")],
)
def test_demo_reports(demo_store: Store, tmp_path: Path, scope: str, period: str) -> None:
    report = build_report(collect_report(demo_store, ReportOptions(scope, parse_period(period))))
    check(write_docx(report, tmp_path / "bc.docx"), report, demo_names(demo_store))


# m.ttk2014 has no conclusion: its notice is refused (tests/reports/test_notice_rules.py)
@pytest.mark.parametrize("meeting", ["m.cds-q2-2022", "m.bg2011", "m.bdh2010"])
def test_demo_notices(demo_store: Store, tmp_path: Path, meeting: str) -> None:
    notice, _timing = notice_document(demo_store, demo_id(meeting))
    check(write_docx(notice, tmp_path / "tb.docx"), notice, demo_names(demo_store))


def test_demo_ranking(demo_store: Store, tmp_path: Path) -> None:
    result = rk.compute(demo_store, rk.RankingSpec(2011, "vn/bac-giang", "units"))
    ranking = rk.ranking_document(demo_store, result, "Xếp hạng 2011")
    check(write_docx(ranking, tmp_path / "xh.docx"), ranking, demo_names(demo_store))


def test_rankings_carry_a_number(demo_store: Store) -> None:
    result = rk.compute(demo_store, rk.RankingSpec(2011, "vn/bac-giang", "units"))
    number = rk.ranking_document(demo_store, result, "Xếp hạng 2011").header.number
    assert number == "Số:       /BXH-BCĐ"

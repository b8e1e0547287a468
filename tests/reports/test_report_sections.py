"""Issue 12, Acceptance 3: a report is a record a secretary edits.  Its five sections are
fields of the ``report`` record; an edited section prints in place of the generated prose and
survives regeneration (and sync to HQ) until refreshed; số, Nơi nhận, ngày and địa danh saved
with the record appear in the .docx and .md; the date defaults to the report's due date."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import docx
from hypothesis import given
from hypothesis import strategies as st

from documents.assemble import ReportOptions, collect_report, report_record
from documents.export import save_report, write_document
from documents.render_md import to_markdown
from documents.reporting import Document, build_report
from domain.periods import half, month, parse_period, quarter, report_due, year
from domain.schema import SPECS
from sync.store import Store
from tests.helpers.server import Server

BG = "vn/bac-giang"
SECTION_3 = "Kinh phí năm 2011 chưa được bố trí.\n- Nguyên nhân: ngân sách tỉnh còn hạn hẹp."


def build(store: Store, period: str = "2011-H1", **more: object) -> Document:
    return build_report(collect_report(store, ReportOptions(BG, parse_period(period), **more)))  # type: ignore[arg-type]


def save(store: Store, document: Document, period: str = "2011-H1") -> None:
    save_report(store, document, parse_period(period), BG, None, "")


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [
        p.text for tb in document.tables for r in tb.rows for c in r.cells for p in c.paragraphs
    ]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_report_record_has_the_five_sections_with_labels() -> None:
    from domain.i18n import t

    names = SPECS["report"].fields
    assert [n for n in names if n.startswith("section_")] == [f"section_{n}" for n in range(1, 6)]
    assert [t(f"field.section_{n}", "vi") for n in (1, 3, 5)] == [
        "I. Công tác chỉ đạo, điều hành",
        "III. Tồn tại, hạn chế, khó khăn, vướng mắc và nguyên nhân",
        "V. Kiến nghị, đề xuất",
    ]


def test_an_edited_section_survives_regeneration_until_refreshed(demo_store: Store) -> None:
    first = build(demo_store)
    draft = first.drafts[3]
    assert draft and "Kinh phí năm 2011" not in draft
    save(demo_store, build(demo_store, sections={3: SECTION_3}))
    assert report_record(demo_store, BG, parse_period("2011-H1")).data["section_3"] == SECTION_3  # type: ignore[union-attr]

    again = build(demo_store)  # regenerated from the data: the edited text stays
    section = again.sections[2]
    assert section.title == "III. TỒN TẠI, HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC VÀ NGUYÊN NHÂN"
    texts = [(b.text, b.style) for b in section.blocks if not hasattr(b, "rows")]
    assert texts[:2] == [
        ("Kinh phí năm 2011 chưa được bố trí.", "body"),
        ("Nguyên nhân: ngân sách tỉnh còn hạn hẹp.", "item"),
    ]
    assert [tb.key for tb in again.tables()] == [tb.key for tb in first.tables()], "tables stay"
    markdown = to_markdown(again)
    assert "Kinh phí năm 2011 chưa được bố trí.\n\n- Nguyên nhân: ngân sách tỉnh còn hạn hẹp." in (
        markdown
    )
    assert all(line not in markdown for line in draft.split("\n") if line.startswith("- "))
    assert again.sections[0].blocks == first.sections[0].blocks, "other sections untouched"

    save(demo_store, again)  # saving again keeps it
    save(demo_store, build(demo_store, sections={3: None}))  # the "refresh" choice
    assert report_record(demo_store, BG, parse_period("2011-H1")).data.get("section_3") is None  # type: ignore[union-attr]
    assert build(demo_store).sections[2] == first.sections[2]


def test_edited_text_number_and_recipients_appear_in_the_docx(
    demo_store: Store, tmp_path: Path
) -> None:
    document = build(
        demo_store,
        number="15/BC-BCĐ",
        place="Bắc Giang",
        date=date(2011, 6, 17),
        recipients=["UBND tỉnh Bắc Giang;", "Lưu: VT, STTTT."],
        sections={5: "Đề nghị Bộ Thông tin và Truyền thông hỗ trợ kinh phí đào tạo."},
    )
    save(demo_store, document)
    reread = build(demo_store)  # everything from the record now
    path = write_document(reread, tmp_path / "bc.docx", "docx")
    text = docx_text(path)
    assert "Số: 15/BC-BCĐ" in text
    assert "Bắc Giang, ngày 17 tháng 6 năm 2011" in text
    assert "- UBND tỉnh Bắc Giang;\n- Lưu: VT, STTTT." in text
    assert "Đề nghị Bộ Thông tin và Truyền thông hỗ trợ kinh phí đào tạo." in text
    assert "V. KIẾN NGHỊ, ĐỀ XUẤT\nĐề nghị Bộ Thông tin" in text
    markdown = (write_document(reread, tmp_path / "bc.md", "md")).read_text(encoding="utf-8")
    assert "Số: 15/BC-BCĐ" in markdown and "- UBND tỉnh Bắc Giang;" in markdown
    assert "*Bắc Giang, ngày 17 tháng 6 năm 2011*" in markdown


def test_the_date_defaults_to_the_report_due_date_not_today(demo_store: Store) -> None:
    assert demo_store.today() > date(2022, 7, 1)
    header = build(demo_store, "2022-Q2").header
    assert header.date == date(2022, 6, 20)
    assert to_markdown(build(demo_store, "2022-Q2")).count("ngày 20 tháng 6 năm 2022") == 1
    assert [report_due(p) for p in (month(2022, 5), half(2011, 1), year(2022))] == [
        date(2022, 5, 20),
        date(2011, 6, 20),
        date(2022, 12, 20),
    ]
    assert report_due(parse_period("01/03/2022..30/06/2022")) == date(2022, 6, 30)


@given(st.integers(1990, 2100), st.sampled_from(["month", "quarter", "half", "year"]))
def test_a_report_is_due_after_its_cutoff_and_within_its_period(y: int, kind: str) -> None:
    made = {"month": month(y, 2), "quarter": quarter(y, 3), "half": half(y, 2), "year": year(y)}
    period = made[kind]
    assert period.cutoff_to < report_due(period) <= period.end


def test_an_edited_section_reaches_hq_and_prints_the_same(tmp_path: Path) -> None:
    server = Server.make(tmp_path / "hq.db")
    with (
        Store.create(tmp_path / "bg", office=BG, name="Bắc Giang") as office,
        Store.create(tmp_path / "hq", office="vn", name="HQ", role="hq") as hq,
    ):
        unit = office.add("unit", {"name": "Sở Thông tin và Truyền thông"})
        office.add("task", {"title": "Triển khai Một cửa điện tử", "lead_unit_id": unit.id})
        period = "2022-Q2"
        edited = build(office, period, sections={2: "Đã triển khai Một cửa điện tử ở 6 Sở."})
        save(office, edited, period)
        asyncio.run(server.client(office, "bg")[0].sync())
        asyncio.run(server.client(hq, "hq")[0].sync())
        record = report_record(hq, BG, parse_period(period))
        assert (
            record is not None
            and record.data["section_2"] == "Đã triển khai Một cửa điện tử ở 6 Sở."
        )
        at_hq = build(hq, period)
        assert at_hq.sections[1].blocks[0].text == "Đã triển khai Một cửa điện tử ở 6 Sở."  # type: ignore[union-attr]
        assert to_markdown(at_hq) == to_markdown(build(office, period))
    server.db.close()

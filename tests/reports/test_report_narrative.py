"""Issue 12: "Lưu: VT, TTTT." names the unit that drafts the body's documents (its
secretariat's or standing member's unit in the data), and stays "Lưu: VT." when the data names
none."""

from __future__ import annotations

from documents.assemble import ReportOptions, collect_report
from documents.notice import notice_document
from documents.reporting import build_report
from domain.demo import demo_id
from domain.periods import parse_period
from sync.store import Store

BG = "vn/bac-giang"


def test_luu_vt_names_the_drafting_unit_when_the_body_has_one(demo_store: Store) -> None:
    def recipients(scope: str, period: str) -> list[str]:
        opts = ReportOptions(scope, parse_period(period))
        return build_report(collect_report(demo_store, opts)).header.recipients

    # Nguyễn Ngọc Hà (Trung tâm Thông tin) leads UBDT's Tổ Thư ký from 30/07/2014
    assert recipients("vn/ubdt", "2022-Q2") == ["Thành viên Ban Chỉ đạo;", "Lưu: VT, TTTT."]
    assert recipients("vn/ubdt", "2012-Q4") == ["Thành viên Ban Chỉ đạo;", "Lưu: VT."]
    # the data names no secretariat for Bắc Giang's committee: nothing is guessed
    assert recipients(BG, "2011-H1") == ["Thành viên Ban Chỉ đạo;", "Lưu: VT."]
    notice, _timing = notice_document(demo_store, demo_id("m.cds-q2-2022"))
    assert notice.header.recipients[-1] == "Lưu: VT, TTTT."

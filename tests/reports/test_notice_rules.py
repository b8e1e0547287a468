"""Issue 12, acceptance 5: a notice lists its conclusions in their order, each assignment in
the standard wording with its coordinating units; a meeting with no conclusion is refused;
the late count is one number in the app, the CLI and the documents (counted from the
meeting); a meeting outside the holiday table's years warns wherever it is judged."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Static

from documents.assemble import ReportOptions, collect_report
from documents.notice import notice_document
from documents.render_md import to_markdown
from documents.reporting import build_report
from domain.demo import demo_id
from domain.errors import Conflict
from domain.holidays import load_calendar, notice_timing, working_days_between
from domain.money import group_thousands
from domain.periods import custom
from sync.store import Store
from tests.helpers.app import SIZE, make_app
from tui.app import build_app

Cli = Callable[..., tuple[int, str, str]]
CAL = load_calendar()
UNCOVERED_2009 = (
    "Bảng ngày nghỉ lễ chưa có năm 2009: hạn và số ngày làm việc chỉ trừ thứ Bảy, "
    "Chủ nhật, cần kiểm tra lại."
)


def office(store: Store) -> dict[str, str]:
    ids = {}
    for name in ("Sở Thông tin và Truyền thông", "Sở Nội vụ", "Sở Tài chính", "Văn phòng UBND"):
        ids[name] = store.add("unit", {"name": name}).id
    return ids


def meeting_with(store: Store, held: str, tasks: list[dict[str, Any]]) -> str:
    meeting = store.add("meeting", {"title": "Phiên họp Ban Chỉ đạo quý II", "date": held})
    for task in tasks:
        store.add("task", {**task, "meeting_id": meeting.id})
    return meeting.id


def numbered(md: str) -> list[str]:
    return [line for line in md.splitlines() if line[:1].isdigit()]


def test_conclusions_in_their_order_in_the_standard_wording(store: Store) -> None:
    u = office(store)
    stt, nv, tc, vp = (
        u["Sở Thông tin và Truyền thông"],
        u["Sở Nội vụ"],
        u["Sở Tài chính"],
        u["Văn phòng UBND"],
    )
    meeting = meeting_with(
        store,
        "2024-05-02",
        [
            {"title": "Xây dựng kho dữ liệu dùng chung", "stt": "10", "lead_unit_id": stt},
            {
                "title": "Triển khai chữ ký số.",
                "stt": "2",
                "lead_unit_id": nv,
                "coordinators": [stt, tc],
                "due": "2024-09-30",
            },
            {"title": "Báo cáo kết quả", "stt": "1", "lead_unit_id": vp, "timeframe": "Hằng năm"},
        ],
    )
    doc, _timing = notice_document(store, meeting)
    assert numbered(to_markdown(doc)) == [
        "1. Nhiệm vụ thời gian tới:",
        "1.1. Giao Văn phòng UBND chủ trì báo cáo kết quả, thực hiện hằng năm.",
        "1.2. Giao Sở Nội vụ chủ trì, phối hợp với Sở Thông tin và Truyền thông, Sở Tài chính "
        "triển khai chữ ký số, hoàn thành trước 30/09/2024.",
        "1.3. Giao Sở Thông tin và Truyền thông chủ trì xây dựng kho dữ liệu dùng chung.",
    ]
    assert doc.header.recipients == [
        "Thành viên Ban Chỉ đạo;",
        "Sở Nội vụ;",
        "Sở Tài chính;",
        "Sở Thông tin và Truyền thông;",
        "Văn phòng UBND;",
        "Lưu: VT.",
    ]


def test_conclusions_without_a_number_keep_the_order_they_were_entered(store: Store) -> None:
    lead = office(store)["Sở Nội vụ"]
    titles = ["Tổ chức tập huấn", "Rà soát thủ tục", "Ban hành quy chế"]
    meeting = meeting_with(
        store, "2024-05-02", [{"title": x, "lead_unit_id": lead} for x in titles]
    )
    doc, _timing = notice_document(store, meeting)
    assert numbered(to_markdown(doc))[1:] == [
        "1.1. Giao Sở Nội vụ chủ trì tổ chức tập huấn.",
        "1.2. Giao Sở Nội vụ chủ trì rà soát thủ tục.",
        "1.3. Giao Sở Nội vụ chủ trì ban hành quy chế.",
    ]


def test_a_meeting_with_no_conclusion_is_refused(cli: Cli) -> None:
    code, out, err = cli("notice", demo_id("m.ttk2014"))
    assert (code, out) == (4, "")
    assert err.strip() == (
        "Phiên họp ngày 23/10/2014 (Phiên họp đầu tiên của Tổ Thư ký giúp việc BCĐ ứng dụng "
        "CNTT) chưa có kết luận nào (đánh giá, giao nhiệm vụ hay chỉ đạo): nhập kết luận của "
        "phiên họp trước khi lập thông báo."
    )


def test_the_refusal_is_the_documents_own(store: Store) -> None:
    meeting = meeting_with(store, "2024-05-02", [])
    with pytest.raises(Conflict) as caught:
        notice_document(store, meeting)
    assert caught.value.key == "notice.no_conclusions"


def test_a_notice_not_issued_and_not_yet_due_is_not_called_on_time(
    cli: Cli, demo_dir: Path
) -> None:
    today = date.today()
    with Store.open(demo_dir) as store:
        lead = store.list("unit")[0].id
        meeting = meeting_with(store, today.isoformat(), [{"title": "Họp", "lead_unit_id": lead}])
    code, _out, err = cli("notice", meeting, "--format", "md", "-o", "/dev/null")
    deadline = notice_timing(today, None, today, CAL).deadline.strftime("%d/%m/%Y")
    assert code == 0
    assert err.strip() == (
        f"Thông báo kết luận chưa ban hành, chưa đến hạn (hạn {deadline}; đã 0 ngày làm việc "
        "kể từ phiên họp)."
    )


def late_cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))[2:]


async def dashboard_notices(app: Any) -> str:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        return str(app.screen.query_one("#notices", Static).content)


async def test_late_count_is_one_number_in_the_cli_the_late_list_and_the_app(
    cli: Cli, demo_dir: Path, tmp_path: Path
) -> None:
    days = group_thousands(working_days_between(date(2022, 5, 27), date.today(), CAL))
    _code, out, _err = cli("notice", "--late")
    assert (
        "Cảnh báo: thông báo kết luận của phiên họp ngày 27/05/2022 chưa ban hành — hạn "
        f"03/06/2022 (5 ngày làm việc), đã {days} ngày làm việc kể từ phiên họp.  Phiên họp "
        "Ban Chỉ đạo Chuyển đổi số của UBDT quý II năm 2022"
    ) in out.splitlines()
    code, _out, _err = cli("notice", "--late", "-o", str(tmp_path / "late.csv"))
    assert code == 0
    rows = {r[1]: r[2:6] for r in late_cells(tmp_path / "late.csv")}
    assert rows["Phiên họp Ban Chỉ đạo Chuyển đổi số của UBDT quý II năm 2022"] == [
        "27/05/2022",
        "03/06/2022",
        "Chưa ban hành",
        days,
    ]
    with Store.open(demo_dir) as store:
        shown = await dashboard_notices(build_app(store, None, sync_interval=None))
    assert f"    chưa ban hành, đã {days} ngày làm việc kể từ phiên họp" in shown.splitlines()


async def test_late_count_is_one_number_in_the_report_and_the_app(store: Store) -> None:
    lead = office(store)["Sở Nội vụ"]
    meeting_with(store, "2024-05-02", [{"title": "Họp", "lead_unit_id": lead}])
    # 03/06/2024 is the app's day: 23 working days after 02/05 (30/4–1/5 off, Sat 04/05 worked)
    report = build_report(
        collect_report(
            store, ReportOptions("vn/bac-giang", custom(date(2024, 5, 1), date(2024, 6, 3)))
        )
    )
    assert (
        "Phiên họp ngày 02/05/2024 (Phiên họp Ban Chỉ đạo quý II): chưa ban hành thông báo kết "
        "luận, đã quá hạn 08/05/2024 (23 ngày làm việc kể từ phiên họp)."
    ) in to_markdown(report).replace("- ", "").splitlines()
    shown = await dashboard_notices(make_app(store))
    assert "    chưa ban hành, đã 23 ngày làm việc kể từ phiên họp" in (shown.splitlines())


async def test_a_2009_meeting_warns_in_the_cli_the_late_list_and_the_app(
    cli: Cli, demo_dir: Path, tmp_path: Path
) -> None:
    with Store.open(demo_dir) as store:
        lead = store.list("unit")[0].id
        meeting = meeting_with(store, "2009-01-22", [{"title": "Họp", "lead_unit_id": lead}])
    _code, out, _err = cli("notice", "--late")
    lines = out.splitlines()
    assert lines[lines.index(next(x for x in lines if "22/01/2009" in x)) + 1] == (
        "  " + UNCOVERED_2009
    )
    _code, _out, err = cli("notice", meeting, "-o", str(tmp_path / "tb.md"))
    assert err.strip().splitlines()[-1] == UNCOVERED_2009
    cli("notice", "--late", "-o", str(tmp_path / "late.csv"))
    rows = {r[2]: r[6] for r in late_cells(tmp_path / "late.csv")}
    assert (rows["22/01/2009"], rows["27/05/2022"]) == (UNCOVERED_2009, "")
    with Store.open(demo_dir) as store:
        app = build_app(store, None, sync_interval=None)
        shown = await dashboard_notices(app)
    assert f"    {UNCOVERED_2009}" in shown.splitlines()


async def test_the_meeting_editor_warns_for_a_year_the_table_does_not_cover(
    store: Store,
) -> None:
    meeting = meeting_with(store, "2009-01-22", [])
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.edit_record("meeting", meeting)
        await pilot.pause()
        heading = str(app.screen.query_one("#meeting-heading", Static).content)
    assert heading.splitlines() == [
        "Sửa Phiên họp: Phiên họp Ban Chỉ đạo quý II",
        UNCOVERED_2009,
    ]


def walked(start: date, end: date) -> int:
    """The day-by-day count the fast one must agree with."""
    days = (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
    return sum(CAL.is_working_day(d) for d in days)


@given(
    st.dates(date(2008, 1, 1), date(2029, 12, 31)),
    st.integers(min_value=-10, max_value=4000),
)
def test_counting_working_days_agrees_with_walking_them(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    assert working_days_between(start, end, CAL) == walked(start, end)


def test_the_notice_csv_is_not_empty(cli: Cli, tmp_path: Path) -> None:
    code, _out, _err = cli("notice", demo_id("m.cds-q2-2022"), "-o", str(tmp_path / "tb.csv"))
    rows = list(csv.reader(io.StringIO((tmp_path / "tb.csv").read_text("utf-8-sig"))))
    assert code == 0 and rows[:2] == [
        ["THÔNG BÁO"],
        [
            "Kết luận của Bộ trưởng, Chủ nhiệm tại phiên họp Ban Chỉ đạo Chuyển đổi số quý II "
            "năm 2022"
        ],
    ]
    assert [r[0][:40] for r in rows if r[0].startswith("2.1. ")] == [
        "2.1. Giao Trung tâm Thông tin chủ trì tă"
    ]


def late_section(store: Store, start: date, end: date) -> list[str]:
    md = to_markdown(
        build_report(collect_report(store, ReportOptions("vn/bac-giang", custom(start, end))))
    )
    lines = md.splitlines()
    first = lines.index(next(x for x in lines if "Thông báo kết luận ban hành chậm" in x))
    return [x for x in lines[first + 1 :] if x.strip()][:1]


def test_the_report_says_chua_den_han_or_no_meeting_never_dung_han_for_nothing(
    store: Store,
) -> None:
    assert late_section(store, date(2024, 4, 1), date(2024, 4, 30)) == [
        "Trong kỳ không có phiên họp nào phải ban hành thông báo kết luận."
    ]
    lead = office(store)["Sở Nội vụ"]
    meeting_with(store, "2024-05-02", [{"title": "Họp", "lead_unit_id": lead}])
    assert late_section(store, date(2024, 4, 1), date(2024, 5, 6)) == [
        "- Phiên họp ngày 02/05/2024 (Phiên họp Ban Chỉ đạo quý II): chưa ban hành thông báo "
        "kết luận, chưa đến hạn (hạn 08/05/2024)."
    ]


def test_bac_giang_notice_reads_in_sentence_and_is_not_sent_to_its_issuer(
    demo_store: Store,
) -> None:
    doc, _timing = notice_document(demo_store, demo_id("m.bg2011"))
    assert numbered(to_markdown(doc))[3] == (
        "2.2. Giao Sở Thông tin và Truyền thông Bắc Giang chủ trì, phối hợp với các Sở, ngành "
        "tỉnh Bắc Giang chú trọng đào tạo, tập huấn cho cán bộ công chức, đặc biệt lãnh đạo và "
        "công chức cấp xã, lồng ghép với chương trình của các ngành (Thời gian tới)."
    )
    assert doc.header.recipients == [
        "Các thành viên Ban Chỉ đạo CNTT tỉnh Bắc Giang;",
        "Các Sở, ngành tỉnh Bắc Giang;",
        "Sở Thông tin và Truyền thông Bắc Giang;",
        "Lưu: VT, STTTT.",
    ]


def test_a_meeting_without_an_organiser_is_held_by_the_committee(store: Store) -> None:
    lead = office(store)["Sở Nội vụ"]
    meeting = meeting_with(store, "2024-05-02", [{"title": "Họp", "lead_unit_id": lead}])
    store.update(meeting, {"venue": "UBND tỉnh"})
    doc, _timing = notice_document(store, meeting)
    assert (
        to_markdown(doc)
        .splitlines()
        .count(
            "Ngày 02/05/2024, tại UBND tỉnh, Ban Chỉ đạo tổ chức phiên họp Ban Chỉ đạo quý II. "
            "Đồng chí … chủ trì."
        )
        == 1
    )

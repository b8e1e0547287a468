"""Acceptance 3: the conclusion notice in the standard wording, and the 5-working-day rule
across weekends and public holidays (the holiday table is data)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from documents.notice import late_meetings, notice_document
from documents.render_md import to_markdown
from domain.demo import demo_id
from domain.holidays import add_working_days, calendar_from_data, load_calendar, notice_timing
from sync.store import Store

Cli = Callable[..., tuple[int, str, str]]
CAL = load_calendar()


def test_q2_2022_notice_lists_each_assignment_in_standard_wording(demo_store: Store) -> None:
    doc, timing = notice_document(demo_store, demo_id("m.cds-q2-2022"))
    md = to_markdown(doc)
    assert "kết luận như sau:" in md
    # the seed gives this conclusion no deadline and no coordinating unit: none is invented
    assert (
        "2.1. Giao Trung tâm Thông tin chủ trì tăng cường tập huấn, bồi dưỡng nâng cao nhận "
        "thức, trình độ, kỹ năng để đưa các sản phẩm CNTT vào khai thác hiệu quả."
    ) in md
    assert (
        "2.6. Giao Trung tâm Thông tin chủ trì làm rõ tính cấp thiết, tiến độ các dự án CNTT "
        "mở mới để xây dựng kế hoạch năm 2023 (Khi xây dựng kế hoạch năm 2023)."
    ) in md
    assert "hoàn thành trước 30/09/2022." in md and "30/06/2022" not in md
    assignments = [
        line for line in md.splitlines() if line.startswith("2.") and line[2:3].isdigit()
    ]
    assert len(assignments) == 7 and all(" chủ trì" in a for a in assignments)
    assert "Đồng chí Hầu A Lềnh, Bộ trưởng, Chủ nhiệm Ủy ban Dân tộc chủ trì" in md
    assert "Tham dự có các đồng chí: Nguyễn Ngọc Hà" in md
    assert timing.late and timing.issued_on is None and timing.deadline == date(2022, 6, 3)


def test_notice_cli_writes_docx_and_warns_when_late(cli: Cli, tmp_path: Path) -> None:
    code, _out, err = cli("notice", demo_id("m.cds-q2-2022"), "-o", str(tmp_path / "tb.docx"))
    assert code == 0 and (tmp_path / "tb.docx").stat().st_size > 0
    assert "chưa ban hành" in err and "03/06/2022" in err


def test_six_working_days_is_late_five_is_not_across_weekend_and_holiday() -> None:
    meeting = date(2022, 4, 28)  # Thu; 30/4–1/5 weekend holidays, 2–3/5 compensatory days off
    five, six = date(2022, 5, 9), date(2022, 5, 10)
    assert add_working_days(meeting, 5, CAL) == five
    assert not notice_timing(meeting, five, six, CAL).late
    late = notice_timing(meeting, six, six, CAL)
    assert late.late and late.working_days == 6 and late.days_late == 1


def test_notice_rule_over_tet_and_a_make_up_saturday() -> None:
    # 2024: Tết 08–14/02; 29/4 swapped, Saturday 04/05 worked instead.
    assert add_working_days(date(2024, 2, 7), 1, CAL) == date(2024, 2, 15)
    assert CAL.is_working_day(date(2024, 5, 4)) and not CAL.is_working_day(date(2024, 4, 29))
    assert add_working_days(date(2024, 4, 26), 1, CAL) == date(2024, 5, 2)


def test_missing_notice_is_late_once_the_deadline_has_passed(demo_store: Store) -> None:
    late = late_meetings(demo_store, as_of=date(2022, 6, 14))
    titles = [m.meeting.title for m in late]
    assert "Phiên họp Ban Chỉ đạo Chuyển đổi số của UBDT quý II năm 2022" in titles
    on_time = late_meetings(demo_store, as_of=date(2022, 6, 3))
    assert "Phiên họp Ban Chỉ đạo Chuyển đổi số của UBDT quý II năm 2022" not in [
        m.meeting.title for m in on_time
    ]


@pytest.mark.parametrize("year", range(2010, 2028))
def test_holiday_table_covers_every_statutory_day(year: int) -> None:
    for month, day in ((1, 1), (4, 30), (5, 1), (9, 2)):
        assert date(year, month, day) in CAL.days_off
    tet_days = [
        d
        for d in CAL.days_off
        if d.year == year
        and d.month in (1, 2)
        and CAL.name(d).startswith(("Tết Nguyên", "Mùng", "Giao thừa", "29 Tết"))
    ]
    assert len(tet_days) >= 4
    assert any("Hùng Vương" in CAL.name(d) for d in CAL.days_off if d.year == year)
    if year >= 2021:  # Quốc khánh: 2/9 and an adjacent day
        assert {date(year, 9, 1), date(year, 9, 3)} & CAL.days_off


def test_known_official_days_off() -> None:
    for day in (
        date(2022, 1, 31),
        date(2022, 2, 4),
        date(2022, 4, 11),
        date(2022, 5, 3),
        date(2022, 9, 1),
        date(2023, 1, 26),
        date(2023, 5, 3),
        date(2025, 5, 2),
        date(2025, 1, 27),
        date(2025, 9, 1),
    ):
        assert not CAL.is_working_day(day), day
    for day in (date(2022, 5, 4), date(2025, 4, 26), date(2024, 5, 4)):
        assert CAL.is_working_day(day), day


def test_holiday_table_is_data() -> None:
    custom = calendar_from_data(
        {"years": {"2030": {"off": [{"date": "2030-01-02", "vi": "x", "en": "x"}], "workdays": []}}}
    )
    assert not custom.is_working_day(date(2030, 1, 2))
    assert add_working_days(date(2030, 1, 1), 1, custom) == date(2030, 1, 3)
    assert custom.covers(2030) and not custom.covers(2031)
    assert date(2030, 1, 1) + timedelta(days=1) in custom.days_off

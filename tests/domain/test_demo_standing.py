"""Standing duties ("Thường xuyên", "Hằng năm") are not "Chưa thực hiện" years later (issue 12).

Công văn 878/UBDT-TTTT (08/10/2012) gives each unit duties with no deadline; a 2022 report
showed all twelve as "Chưa thực hiện".  A standing duty nobody gave a status is in progress
once in force, never overdue; a status somebody typed still wins.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.demo import rows
from domain.rules import task_status

STANDING = ["Thường xuyên", "Hằng năm", "Hàng năm", "Hằng tháng, quý, năm", "Hằng năm (cuối năm)"]
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@given(st.sampled_from(STANDING), days)
def test_a_standing_duty_with_no_status_is_in_progress(timeframe: str, today: date) -> None:
    assert task_status({"timeframe": timeframe}, today) == "in_progress"


@given(st.sampled_from(STANDING), days, st.integers(min_value=1, max_value=4000))
def test_a_standing_duty_is_not_started_before_it_is_in_force(
    timeframe: str, start: date, before: int
) -> None:
    task = {"timeframe": timeframe, "start": start.isoformat()}
    assert task_status(task, start - timedelta(days=before)) == "not_started"
    assert task_status(task, start) == "in_progress"


@given(st.sampled_from(STANDING), days, st.sampled_from(["not_started", "paused", "cancelled"]))
def test_a_typed_status_wins_over_the_standing_rule(
    timeframe: str, today: date, typed: str
) -> None:
    assert task_status({"timeframe": timeframe, "status": typed}, today) == typed


@given(st.sampled_from(["Quý III/2022", "Năm 2015", "6 tháng cuối năm 2011", ""]), days)
def test_a_task_with_a_term_is_not_taken_for_a_standing_duty(timeframe: str, today: date) -> None:
    assert task_status({"timeframe": timeframe}, today) == "not_started"


def test_the_878_duties_are_in_progress_in_2022_not_unstarted() -> None:
    duties = [r["fields"] for r in rows() if r["key"].startswith("t.878.")]
    statuses = [
        task_status({**f, "start": _iso(f.get("start"))}, date(2022, 9, 30)) for f in duties
    ]
    assert statuses == ["in_progress"] * 12


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    d, m, y = value.split("/")
    return f"{y}-{m}-{d}"

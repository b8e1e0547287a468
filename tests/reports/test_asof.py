"""Acceptance 2: a report shows each task as it stood at the period's cut-off, from the
record history (edits made at controlled dates)."""

from __future__ import annotations

from typing import Any

from documents.assemble import ReportOptions, collect_report
from documents.reporting import Table, build_report
from domain.periods import parse_period
from sync.store import Store


def statuses(store: Store, period: str) -> dict[str, str]:
    doc = build_report(collect_report(store, ReportOptions("vn/bac-giang", parse_period(period))))
    table = next((t for t in doc.tables() if isinstance(t, Table) and t.key == "tasks"), None)
    if table is None:
        return {}
    return {row[1]: row[6] for i, row in enumerate(table.rows) if i not in table.group_rows}


def setup_task(store: Store, clock: Any) -> str:
    clock.at(2022, 3, 20)
    unit = store.add("unit", {"name": "Trung tâm Thông tin", "abbr": "TTTT"})
    plan = store.add("plan", {"title": "Kế hoạch 2022", "status": "issued", "year_from": 2022})
    clock.at(2022, 4, 1)
    task = store.add(
        "task",
        {
            "title": "Nâng cấp cổng thông tin",
            "lead_unit_id": unit.id,
            "plan_id": plan.id,
            "due": "30/06/2022",
            "status": "in_progress",
            "progress": 40,
        },
    )
    return task.id


def test_task_completed_after_the_cutoff_is_not_done_in_that_report(
    store: Store, clock: Any
) -> None:
    task_id = setup_task(store, clock)
    clock.at(2022, 6, 20)  # after the Q2 cut-off (14/06/2022)
    store.update(task_id, {"status": "done"})
    assert statuses(store, "2022-Q2")["Nâng cấp cổng thông tin"] == "Đang thực hiện"
    assert statuses(store, "2022-Q3")["Nâng cấp cổng thông tin"] == "Hoàn thành đúng hạn"


def test_task_completed_before_the_cutoff_is_done(store: Store, clock: Any) -> None:
    task_id = setup_task(store, clock)
    clock.at(2022, 6, 10)
    store.update(task_id, {"status": "done"})
    assert statuses(store, "2022-Q2")["Nâng cấp cổng thông tin"] == "Hoàn thành đúng hạn"


def test_progress_is_taken_at_the_cutoff(store: Store, clock: Any) -> None:
    task_id = setup_task(store, clock)
    clock.at(2022, 6, 1)
    store.update(task_id, {"progress": 70})
    clock.at(2022, 7, 1)
    store.update(task_id, {"progress": 90})
    doc = build_report(
        collect_report(store, ReportOptions("vn/bac-giang", parse_period("2022-Q2")))
    )
    table = next(t for t in doc.tables() if t.key == "tasks")
    row = next(r for r in table.rows if r[1].startswith("Nâng"))
    assert row[5] == "70%"


def test_task_added_after_cutoff_with_later_dates_is_not_in_the_report(
    store: Store, clock: Any
) -> None:
    setup_task(store, clock)
    clock.at(2022, 7, 5)
    unit = store.find_by_name("unit", "TTTT")[0]
    store.add(
        "task", {"title": "Việc mới quý III", "lead_unit_id": unit.id, "timeframe": "Quý III/2022"}
    )
    assert "Việc mới quý III" not in statuses(store, "2022-Q2")


def test_backfilled_completion_after_cutoff_is_undone(store: Store, clock: Any) -> None:
    """Typed in July: done on 20/06 — after the cut-off, so not done in Q2."""
    clock.at(2022, 7, 5)
    unit = store.add("unit", {"name": "Văn phòng"})
    store.add(
        "task",
        {
            "title": "Số hóa văn bản",
            "lead_unit_id": unit.id,
            "start": "01/04/2022",
            "due": "30/09/2022",
            "status": "done",
            "completed_on": "20/06/2022",
        },
    )
    assert statuses(store, "2022-Q2")["Số hóa văn bản"] == "Đang thực hiện"


def test_task_deleted_after_the_cutoff_still_counts_in_that_period(
    store: Store, clock: Any
) -> None:
    task_id = setup_task(store, clock)
    clock.at(2022, 7, 2)
    store.delete(task_id)
    assert "Nâng cấp cổng thông tin" in statuses(store, "2022-Q2")
    assert "Nâng cấp cổng thông tin" not in statuses(store, "2022-Q3")


def test_unchanged_task_through_the_period_is_stalled(store: Store, clock: Any) -> None:
    setup_task(store, clock)  # 40% on 01/04/2022, nothing since
    doc = build_report(
        collect_report(store, ReportOptions("vn/bac-giang", parse_period("2022-05")))
    )
    texts = [b.text for s in doc.sections for b in s.blocks if hasattr(b, "text")]
    assert any(t.startswith("Nâng cấp cổng thông tin (") and "40%" in t for t in texts)

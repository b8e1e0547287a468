"""Validation of whole records: the rules a person expects and the messages they read."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationError
from domain.records import check_field, from_flat, prepare, to_flat
from domain.rules import attainment, due_within, plan_progress, stt_key, task_status

TODAY = date(2022, 6, 1)


def task(**fields: Any) -> dict[str, Any]:
    return prepare(
        "task", {"title": "Nâng cấp Cổng thông tin", "lead_unit_id": "u1", **fields}, today=TODAY
    )


def test_a_task_needs_exactly_one_lead_unit() -> None:
    with pytest.raises(ValidationError) as err:
        prepare("task", {"title": "x"}, today=TODAY)
    assert err.value.problems[0].field == "lead_unit_id"
    with pytest.raises(ValidationError) as err:
        task(lead_unit_id="u1, u2")
    assert "đúng một đơn vị chủ trì" in err.value.message("vi")


def test_progress_is_a_percentage() -> None:
    assert task(progress="45%")["progress"] == 45
    with pytest.raises(ValidationError) as err:
        task(progress="130")
    assert err.value.problems[0].field == "progress"
    assert "0" in err.value.message("en") and "100" in err.value.message("en")


def test_unknown_fields_and_kinds_name_the_alternatives() -> None:
    with pytest.raises(ValidationError) as err:
        task(colour="red")
    assert "lead_unit_id" in err.value.message("en")
    with pytest.raises(ValidationError) as err:
        prepare("spaceship", {}, today=TODAY)
    assert "task" in err.value.message("vi")


def test_timeframe_fills_start_and_due_and_follows_a_change() -> None:
    t = task(timeframe="Quý III/2022")
    assert (t["start"], t["due"]) == ("2022-07-01", "2022-09-30")
    moved = prepare("task", {"timeframe": "Quý IV/2022"}, previous=t, today=TODAY)
    assert moved["due"] == "2022-12-31"
    typed = prepare("task", {"due": "15/08/2022"}, previous=t, today=TODAY)
    again = prepare("task", {"timeframe": "6 tháng cuối năm 2022"}, previous=typed, today=TODAY)
    assert again["due"] == "2022-08-15", "a due date the person typed is not overwritten"
    with pytest.raises(ValidationError) as err:  # a typed deadline before the new start
        prepare("task", {"timeframe": "Quý IV/2022"}, previous=typed, today=TODAY)
    assert err.value.problems[0].field == "due" and "15/08/2022" in err.value.message("vi")


def test_marking_done_records_the_completion_day() -> None:
    done = task(status="hoàn thành")
    assert (
        done["status"] == "done"
        and done["completed_on"] == "2022-06-01"
        and done["progress"] == 100
    )
    reopened = prepare("task", {"status": "đang thực hiện"}, previous=done, today=TODAY)
    assert "completed_on" not in reopened


def test_text_is_normalised_to_nfc() -> None:
    import unicodedata

    t = task(title=unicodedata.normalize("NFD", "Ứng dụng  CNTT"))
    assert t["title"] == "Ứng dụng CNTT" and unicodedata.is_normalized("NFC", t["title"])


def test_document_symbols_keep_d_stroke() -> None:
    plan = prepare("plan", {"title": "Kế hoạch", "number": "1772 / KH – BCĐ"}, today=TODAY)
    assert plan["number"] == "1772/KH-BCĐ"


def test_set_fields_are_stored_per_element() -> None:
    meeting = prepare(
        "meeting",
        {"title": "Họp", "date": "27/05/2022", "attendees": {"p1": "có mặt", "p2": "vắng"}},
        today=TODAY,
    )
    flat = to_flat("meeting", meeting)
    assert flat["attendee:p1"] == "present" and flat["attendee:p2"] == "absent"
    assert from_flat("meeting", flat)["attendees"] == {"p1": "present", "p2": "absent"}


def test_check_field_validates_one_field_like_a_form() -> None:
    assert check_field("task", "budget", "1.500.000.000") == 1_500_000_000
    for name, value in [
        ("due", "31/02/2024"),
        ("budget", "1.5"),
        ("progress", "130"),
        ("title", ""),
    ]:
        with pytest.raises(ValidationError) as err:
            check_field("task", name, value)
        assert err.value.problems[0].field == name


def test_overdue_is_derived_from_the_due_date() -> None:
    t = task(due="31/05/2022", status="đang thực hiện")
    assert task_status(t, date(2022, 5, 31)) == "in_progress"
    assert task_status(t, date(2022, 6, 1)) == "overdue"
    late = {**t, "status": "done", "completed_on": "2022-06-03"}
    assert task_status(late, date(2022, 7, 1)) == "done_late"
    assert due_within(t, date(2022, 5, 20), 14)


def test_indicator_attainment_for_x_out_of_y() -> None:
    ind = prepare(
        "indicator",
        {
            "name": "Sở có Một cửa điện tử",
            "measure": "x/y",
            "target": 22,
            "target_denominator": 22,
            "unit_label": "Sở",
            "readings": {"14/06/2011": {"numerator": 6, "denominator": 22}},
        },
        today=TODAY,
    )
    att = attainment(ind)
    assert att.actual_text == "6/22 Sở" and att.percent_of_target == 27.3 and att.achieved is False
    assert attainment(ind, as_of=date(2011, 6, 1)).actual_text == ""


def test_plan_progress_and_stt_order() -> None:
    assert plan_progress([{"progress": 50}, {"status": "done"}, {"status": "cancelled"}]) == 75.0
    assert sorted(["II.3.a", "I.10", "II.2", "I.9", "II"], key=stt_key) == [
        "I.9",
        "I.10",
        "II",
        "II.2",
        "II.3.a",
    ]


@given(st.integers(min_value=0, max_value=100))
def test_any_progress_in_range_is_kept(value: int) -> None:
    assert task(progress=str(value))["progress"] == value


def indicator(**fields: Any) -> dict[str, Any]:
    return prepare("indicator", {"name": "Huyện có cổng thông tin điện tử", **fields}, today=TODAY)


def test_a_target_over_its_total_is_refused_with_a_message() -> None:
    with pytest.raises(ValidationError) as err:
        indicator(target=12, target_denominator=10)
    assert [(p.field, p.key) for p in err.value.problems] == [("target", "validation.over_total")]
    assert err.value.message("vi") == "Mục tiêu (target): Giá trị 12 vượt quá tổng số 10."


@given(st.integers(0, 500), st.integers(1, 500))
def test_a_reading_over_its_denominator_is_refused_and_one_within_is_kept(
    numerator: int, denominator: int
) -> None:
    readings = {"30/06/2011": {"numerator": numerator, "denominator": denominator}}
    if numerator > denominator:
        with pytest.raises(ValidationError) as err:
            indicator(target_denominator=denominator, readings=readings)
        assert [p.key for p in err.value.problems] == ["validation.over_total"]
        return
    kept = indicator(target_denominator=denominator, readings=readings)["readings"]
    assert kept == {
        "2011-06-30": {
            "numerator": numerator,
            "denominator": denominator,
            "value": round(100.0 * numerator / denominator, 4),
        }
    }


def test_a_task_is_validated_again_only_when_something_was_derived(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An imported (exported) task already carries its dates: one validation, not two (issue
    10: it was half of ``sotay import``); a derived date is still validated."""
    from domain import records

    calls: list[dict[str, Any]] = []
    real = records.validate

    def counting(kind: str, fields: Any) -> dict[str, Any]:
        calls.append(dict(fields))
        return real(kind, fields)

    monkeypatch.setattr(records, "validate", counting)
    exported = {
        "title": "Số hóa hồ sơ",
        "lead_unit_id": "u1",
        "timeframe": "Quý III/2022",
        "start": "2022-07-01",
        "due": "2022-09-30",
        "status": "in_progress",
    }
    assert records.prepare("task", exported, today=date(2022, 8, 1)) == exported
    assert len(calls) == 1
    calls.clear()
    typed = {k: v for k, v in exported.items() if k not in ("start", "due")}
    assert records.prepare("task", typed, today=date(2022, 8, 1)) == exported
    assert len(calls) == 2


def test_values_a_batch_shares_are_read_once_and_a_bad_one_is_refused_every_time() -> None:
    """Dates, choices and timeframes are remembered by their text (an import of 10k tasks
    shares a few): the same value gives the same result, and a refusal is never remembered —
    the second bad record gets the same message as the first."""
    from domain import records, values

    first = task(timeframe="Quý II/2031", due="30/6/2031", status="Đang thực hiện")
    hits = (values._day_of.cache_info().hits, records._timeframe.cache_info().hits)
    again = task(timeframe="Quý II/2031", due="30/6/2031", status="dang thuc hien")
    assert again == first and first["due"] == "2031-06-30" and first["start"] == "2031-04-01"
    assert first["status"] == "in_progress"
    assert values._day_of.cache_info().hits > hits[0]
    assert records._timeframe.cache_info().hits > hits[1]
    messages = []
    for _ in range(2):
        with pytest.raises(ValidationError) as err:
            task(due="31/02/2031", status="xong rồi")
        messages.append([(p.field, p.key, p.params) for p in err.value.problems])
    assert messages[0] == messages[1]
    assert [key for _field, key, _params in messages[0]] == [
        "validation.date_bad_day",
        "validation.bad_choice",
    ]

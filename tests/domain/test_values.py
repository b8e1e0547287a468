"""Dates, money, progress and timeframes as a secretary types them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dates import format_date, format_long_date, parse_date
from domain.errors import ValidationError
from domain.holidays import WorkCalendar, add_working_days, working_days_between
from domain.money import format_money, format_percent, group_thousands, parse_millions, parse_money
from domain.timeframe import parse_timeframe


@pytest.mark.parametrize(
    "typed", ["30/09/2022", "30/9/2022", "30-09-2022", "30.09.2022", "2022-09-30"]
)
def test_dates_are_read_day_first(typed: str) -> None:
    assert parse_date(typed) == date(2022, 9, 30)


def test_month_first_dates_are_refused_with_a_hint() -> None:
    with pytest.raises(ValidationError) as err:
        parse_date("05/25/2024")
    assert "25/05/2024" in err.value.message("vi")
    assert "dd/mm/yyyy" in err.value.message("en")


def test_impossible_dates_say_why() -> None:
    with pytest.raises(ValidationError) as err:
        parse_date("31/02/2024")
    assert "29" in err.value.message("vi")
    with pytest.raises(ValidationError) as err:
        parse_date("13/25/2024")
    assert "25" in err.value.message("vi")


def test_today_shortcuts() -> None:
    today = date(2022, 5, 27)
    assert parse_date("t", today=today) == today
    assert parse_date("+7", today=today) == date(2022, 6, 3)
    assert parse_date("-1", today=today) == date(2022, 5, 26)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_round_trip_through_the_displayed_form(day: date) -> None:
    assert parse_date(format_date(day)) == day


def test_long_date_line_of_official_documents() -> None:
    assert format_long_date(date(2020, 3, 5), "Hà Nội") == "Hà Nội, ngày 05 tháng 3 năm 2020"


@pytest.mark.parametrize(
    "typed", ["1.500.000.000", "1500000000", "1 500 000 000 đ", "1.500.000.000đ"]
)
def test_money_accepts_grouped_and_plain(typed: str) -> None:
    assert parse_money(typed) == 1_500_000_000


@pytest.mark.parametrize("typed", ["1.5", "1,5", "1,5 tỷ", "200 triệu", "-5", "abc", "1.50.000"])
def test_money_refuses_fractions_words_and_bad_grouping(typed: str) -> None:
    with pytest.raises(ValidationError):
        parse_money(typed)


def test_budget_of_1_5_gets_a_message_about_whole_dong() -> None:
    with pytest.raises(ValidationError) as err:
        parse_money("1.5")
    assert "1.500.000.000" in err.value.message("vi")
    assert "whole number" in err.value.message("en")


@given(st.integers(min_value=0, max_value=10**15))
def test_money_round_trips_through_its_display(amount: int) -> None:
    shown = format_money(amount)
    assert shown.endswith(" đ")
    assert parse_money(shown) == amount
    assert parse_money(group_thousands(amount)) == amount


def test_plan_tables_in_millions() -> None:
    assert parse_millions("1.200") == 1_200_000_000
    assert parse_millions("12,5") == 12_500_000
    with pytest.raises(ValidationError):
        parse_millions("1,5 tỷ")


def test_percent_uses_a_decimal_comma() -> None:
    assert format_percent(99.1) == "99,1%"
    assert format_percent(70.0) == "70%"


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("Quý III/2022", date(2022, 7, 1), date(2022, 9, 30)),
        ("quý 2 năm 2022", date(2022, 4, 1), date(2022, 6, 30)),
        ("6 tháng cuối năm 2011", date(2011, 7, 1), date(2011, 12, 31)),
        ("6 tháng đầu năm 2011", date(2011, 1, 1), date(2011, 6, 30)),
        ("trước 30/9/2022", None, date(2022, 9, 30)),
        ("hoàn thành trước ngày 15/10/2012", None, date(2012, 10, 15)),
        ("Tháng 9/2022", date(2022, 9, 1), date(2022, 9, 30)),
        ("2021-2025", date(2021, 1, 1), date(2025, 12, 31)),
        ("Năm 2015", date(2015, 1, 1), date(2015, 12, 31)),
        ("từ 01/7/2022 đến 30/9/2022", date(2022, 7, 1), date(2022, 9, 30)),
    ],
)
def test_timeframes_parse_into_dates(text: str, start: date | None, due: date | None) -> None:
    tf = parse_timeframe(text)
    assert (tf.start, tf.due) == (start, due)
    assert tf.text == text


def test_recurring_timeframes_have_no_dates_and_are_kept_verbatim() -> None:
    tf = parse_timeframe("Thường xuyên")
    assert tf.recurring and tf.start is None and tf.due is None and tf.text == "Thường xuyên"


def test_quarter_without_year_takes_the_plan_year() -> None:
    assert parse_timeframe("Quý IV", year=2022).due == date(2022, 12, 31)
    assert parse_timeframe("Quý IV").due is None


@given(st.integers(1, 4), st.integers(1990, 2090), st.sampled_from(["I", "II", "III", "IV"]))
def test_any_quarter_spans_three_months(q: int, year: int, roman: str) -> None:
    for text in (f"Quý {q}/{year}", f"Quý {roman}/{year}"):
        tf = parse_timeframe(text)
        assert tf.start is not None and tf.due is not None
        assert tf.start.day == 1 and tf.start.year == tf.due.year == year
        assert (tf.due.month - tf.start.month) == 2


@given(st.text(max_size=40))
def test_timeframe_parsing_never_fails_and_keeps_the_text(text: str) -> None:
    tf = parse_timeframe(text)
    assert tf.text == " ".join(tf.text.split())
    if tf.start and tf.due:
        assert tf.start <= tf.due or tf.start.year > tf.due.year - 200


def test_working_days_skip_weekends_and_holidays() -> None:
    holidays = WorkCalendar(days_off=frozenset({date(2022, 9, 1), date(2022, 9, 2)}))
    # Thursday 25/08/2022 + 5 working days: 26, 29, 30, 31/8, 5/9 (1-2/9 holidays, 3-4/9 weekend)
    assert add_working_days(date(2022, 8, 25), 5, holidays) == date(2022, 9, 5)
    assert working_days_between(date(2022, 8, 25), date(2022, 9, 5), holidays) == 5

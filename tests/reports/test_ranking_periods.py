"""Acceptance 4 (ranking ties) and the period / cut-off rules, as properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from documents import ranking as rk
from domain.errors import ValidationError
from domain.periods import by_cutoff, next_period, parse_period, quarter
from domain.ranking import competition_ranks, grade, parse_bands, parse_score, rank, weighted_total
from sync.store import Store

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    assert competition_ranks([0.727, 0.727, 0.701]) == [1, 1, 3]
    placed = rank({"A": {"x": 0.727}, "B": {"x": 0.727}, "C": {"x": 0.701}}, {"x": 1.0})
    assert [(p.key, p.rank) for p in placed] == [("A", 1), ("B", 1), ("C", 3)]


@given(st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=1, max_size=40))
def test_rank_properties(totals: list[float]) -> None:
    ranks = competition_ranks(totals)
    for i, a in enumerate(totals):
        better = sum(1 for b in totals if round(b, 3) > round(a, 3))
        assert ranks[i] == better + 1  # ties share; next rank skips past the tied group
    assert min(ranks) == 1


def test_weighted_total_and_grades() -> None:
    assert weighted_total({"a": 1.0, "b": 0.5}, {"a": 1, "b": 1}) == 0.75
    assert weighted_total({"a": 1.0}, {"a": 1, "b": 3}) == 1.0  # a missing score is left out
    assert grade(0.95) == "excellent" and grade(0.727) == "fair" and grade(0.1) == "weak"
    bands = parse_bands("A=0,9,B=0,5")
    assert grade(0.6, bands) == "B"
    assert parse_score("85%") == 0.85 and parse_score("0,727") == 0.727
    with pytest.raises(ValidationError):
        parse_score("85")


def test_ranking_of_demo_units_saved_once(demo_store: Store) -> None:
    spec = rk.RankingSpec(2011, "vn/bac-giang", "units")
    result = rk.compute(demo_store, spec)
    names = {result.names[p.key]: p.rank for p in result.placed}
    assert names["UBND các huyện, thành phố tỉnh Bắc Giang"] == 1
    first = rk.save_ranking(demo_store, result, "Xếp hạng 2011")
    again = rk.save_ranking(demo_store, rk.compute(demo_store, spec), "Xếp hạng 2011")
    assert first.id == again.id and len(demo_store.list("ranking")) == 1


def test_ranking_cli_with_typed_scores(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    scores = tmp_path / "scores.csv"
    scores.write_text(
        "Đơn vị,Đánh giá\nSở TT&TT,72.7%\nCác huyện,0.727\nCác Sở,0.701\nUBND tỉnh,0.5\n",
        encoding="utf-8",
    )
    code, _out, _err = cli(
        "ranking",
        "2011",
        "--scope",
        "vn/bac-giang",
        "--criterion",
        "Đánh giá=1",
        "--scores",
        str(scores),
        "-o",
        str(tmp_path / "xh.csv"),
    )
    assert code == 0
    rows = (tmp_path / "xh.csv").read_text(encoding="utf-8-sig").splitlines()
    ranks = [r.split(",")[0] for r in rows[2:]]
    assert ranks == ["1", "1", "3", "4"]


@given(days)
def test_every_date_falls_in_exactly_one_quarter_window(day: date) -> None:
    holders = [
        quarter(y, q)
        for y in (day.year - 1, day.year, day.year + 1)
        for q in (1, 2, 3, 4)
        if quarter(y, q).contains(day)
    ]
    assert len(holders) == 1
    assert holders[0] == by_cutoff("quarter", day)


@given(days, st.sampled_from(["month", "quarter", "half", "year"]))
def test_cutoff_rules(day: date, kind: str) -> None:
    period = by_cutoff(kind, day)
    assert period.cutoff_from.day == 15 and period.cutoff_to.day == 14
    assert period.contains(day)
    following = next_period(period)
    assert following.cutoff_from == period.cutoff_to + timedelta(days=1)
    assert parse_period(period.code, kind) == period


def test_period_examples() -> None:
    q2 = parse_period("2022-Q2")
    assert (q2.cutoff_from, q2.cutoff_to) == (date(2022, 3, 15), date(2022, 6, 14))
    assert parse_period("Quý II/2022") == q2 and q2.title() == "Quý II/2022"
    h1 = parse_period("2011-H1")
    assert (h1.cutoff_from, h1.cutoff_to) == (date(2010, 12, 15), date(2011, 6, 14))
    assert h1.title() == "6 tháng đầu năm 2011" and h1.title("en") == "First half of 2011"
    year = parse_period("2022")
    assert (year.cutoff_from, year.cutoff_to) == (date(2021, 12, 15), date(2022, 12, 14))
    custom = parse_period("01/03/2022..30/06/2022")
    assert (custom.cutoff_from, custom.cutoff_to) == (date(2022, 3, 1), date(2022, 6, 30))
    with pytest.raises(ValidationError):
        parse_period("2022-Q2", "half")

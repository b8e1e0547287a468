"""Issue 12, acceptance 6: ties are decided on the printed precision (three "0,667" share a
rank, the next is 4th) and listed in Vietnamese order of name; a unit with no data is shown
"chưa có số liệu" and not ranked; a missing criterion is marked, not counted as 0; the
overdue column is a count."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from documents import ranking as rk
from domain.ranking import rank, weighted_total
from sync.store import Store

Cli = Callable[..., tuple[int, str, str]]


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))[2:]


def test_three_printed_0_667_share_rank_1_and_the_next_is_4th(cli: Cli, tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    scores.write_text(
        "Đơn vị,Đánh giá\nUBND tỉnh,0.6674\nCác huyện,0.66666\nSở TT&TT,0.6667\nCác Sở,0.5\n",
        encoding="utf-8",
    )
    code, _out, _err = cli(
        "ranking", "2011", "--scope", "vn/bac-giang", "--criterion", "Đánh giá=1",
        "--scores", str(scores), "-o", str(tmp_path / "xh.csv"),
    )  # fmt: skip
    assert code == 0
    assert [(r[0], r[1], r[3]) for r in rows_of(tmp_path / "xh.csv")] == [
        ("1", "Sở Thông tin và Truyền thông Bắc Giang", "0,667"),
        ("1", "UBND các huyện, thành phố tỉnh Bắc Giang", "0,667"),
        ("1", "UBND tỉnh Bắc Giang", "0,667"),
        ("4", "Các Sở, ngành tỉnh Bắc Giang", "0,500"),
    ]


def test_tied_entries_are_listed_in_vietnamese_order_of_name() -> None:
    names = {"a": "Ủy ban nhân dân huyện", "b": "Sở Y tế", "c": "Đoàn Thanh niên", "d": "Dân tộc"}
    placed = rank({k: {"x": 0.5} for k in names}, {"x": 1.0}, names=names)
    assert [names[p.key] for p in placed] == [
        "Dân tộc",
        "Đoàn Thanh niên",
        "Sở Y tế",
        "Ủy ban nhân dân huyện",
    ]
    assert {p.rank for p in placed} == {1}


@given(st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=1, max_size=30))
def test_equal_printed_totals_always_share_a_rank(totals: list[float]) -> None:
    placed = rank({str(i): {"x": v} for i, v in enumerate(totals)}, {"x": 1.0})
    printed = {p.key: rk.score_text(p.total) for p in placed}
    for p in placed:
        higher = {q.key for q in placed if printed[q.key] > printed[p.key]}
        assert p.rank == len(higher) + 1


def test_no_data_units_are_not_ranked_and_missing_criteria_are_marked(
    demo_store: Store,
) -> None:
    result = rk.compute(demo_store, rk.RankingSpec(2011, "vn/bac-giang", "units"))
    assert rk.ranking_table(result).rows == [
        [
            "1",
            "Sở Thông tin và Truyền thông Bắc Giang",
            "1,000",
            "0",
            "chưa có",
            "1,000",
            "Xuất sắc",
        ],
        [
            "1",
            "UBND các huyện, thành phố tỉnh Bắc Giang",
            "1,000",
            "0",
            "chưa có",
            "1,000",
            "Xuất sắc",
        ],
        [
            "",
            "Các Sở, ngành tỉnh Bắc Giang",
            "chưa có",
            "chưa có",
            "chưa có",
            "chưa có số liệu",
            "",
        ],
        ["", "UBND tỉnh Bắc Giang", "chưa có", "chưa có", "chưa có", "chưa có số liệu", ""],
    ]  # fmt: skip (the seed gives the Sở no deadline: none of their tasks is due in 2011)
    saved = rk.save_ranking(demo_store, result, "Xếp hạng 2011").data["entries"]
    unranked = next(e for e in saved.values() if e["name"] == "UBND tỉnh Bắc Giang")
    assert unranked == {"name": "UBND tỉnh Bắc Giang", "scores": {}}


def test_a_missing_criterion_is_left_out_not_counted_as_zero() -> None:
    assert weighted_total({"a": 0.8, "b": None}, {"a": 1.0, "b": 3.0}) == 0.8
    assert weighted_total({"a": None}, {"a": 1.0}) is None


def test_the_issuing_body_is_the_one_whose_units_are_ranked(demo_store: Store) -> None:
    bac_giang = [u for u in rk.members(demo_store, "vn", "units") if u.scope == "vn/bac-giang"]
    spec = rk.RankingSpec(
        2022,
        "vn",
        "units",
        [rk.Criterion("danh-gia", "Đánh giá", 1.0)],
        manual={u.id: {"danh-gia": 0.5} for u in bac_giang},
    )
    header = rk.ranking_document(demo_store, rk.compute(demo_store, spec), "Xếp hạng").header
    assert (header.org_lines, header.signer_name) == (
        ["UBND TỈNH BẮC GIANG", "BAN CHỈ ĐẠO CNTT TỈNH BẮC GIANG"],
        "Bùi Văn Hạnh",
    )


def test_a_criterion_source_is_typed_in_vietnamese_as_the_help_lists_it(
    cli: Cli, tmp_path: Path
) -> None:
    """The help listed "manual, completion_rate, …" in the Vietnamese text (issue 11: one
    language at a time); the Vietnamese words now read as the codes do."""
    typed = [("ty-le-hoan-thanh-nhiem-vu", "vi.csv"), ("completion_rate", "code.csv")]
    for source, name in typed:
        code, _out, err = cli(
            "ranking", "2011", "--scope", "vn/bac-giang",
            "--criterion", f"Tỷ lệ hoàn thành=1:{source}", "-o", str(tmp_path / name),
        )  # fmt: skip
        assert (code, err) == (0, "")
    assert rows_of(tmp_path / "vi.csv") == rows_of(tmp_path / "code.csv")
    assert len(rows_of(tmp_path / "vi.csv")) >= 2


def test_an_unknown_criterion_source_is_refused_with_the_vietnamese_choices(cli: Cli) -> None:
    code, _out, err = cli("ranking", "2011", "--criterion", "Tỷ lệ=1:ty-le")
    assert code == 2
    assert err.splitlines()[-1] == (
        "sotay ranking: lệnh chưa đúng: --criterion: “ty-le” không phải một lựa chọn ở đây; "
        "gõ một trong: nhap-tay, ty-le-hoan-thanh-nhiem-vu, nhiem-vu-qua-han, muc-dat-chi-tieu"
    )


def test_the_vietnamese_help_names_no_criterion_source_code(cli: Cli) -> None:
    code, out, _err = cli("ranking", "--help")
    assert code == 0
    assert [
        c for c in ("manual", "completion_rate", "overdue_count", "attainment") if c in out
    ] == []

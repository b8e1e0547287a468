"""Choices typed in the help's language: `sotay report KIND`, `ranking --group`, `rollup
--sort` take the Vietnamese words ("quy", "6 tháng", "khoi-so-nganh", "qua-han") or the
English codes, and the Vietnamese help names no English word (it listed
"{month,quarter,half,year,custom}")."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Cli = Callable[..., tuple[int, str, str]]
TITLE = "## Tình hình thực hiện nhiệm vụ 6 tháng đầu năm 2011"


def help_entry(out: str, metavar: str) -> str:
    """The help text of the positional ``metavar``, its wrapped lines joined."""
    first, *rest = out.split("\n  " + metavar, 1)[1].splitlines()
    taken = [first.strip()]
    for line in rest:
        if not line.startswith(" " * 24):  # argparse's continuation lines
            break
        taken.append(line.strip())
    return " ".join(taken)


def test_the_vietnamese_help_names_the_kinds_in_vietnamese(cli: Cli) -> None:
    code, out, _ = cli("report", "--help")
    assert code == 0
    assert "LOẠI_KỲ KỲ" in out.split("\n\n", 1)[0]
    assert help_entry(out, "LOẠI_KỲ") == ("loại kỳ: thang, quy, 6-thang, nam, khoang-tuy-chon")


def test_the_english_help_names_the_kinds_in_english(cli: Cli) -> None:
    code, out, _ = cli("--lang", "en", "report", "--help")
    assert code == 0
    assert help_entry(out, "KIND") == (
        "the kind of period: month, quarter, half (Half-year), year, custom (Custom range)"
    )


@pytest.mark.parametrize("typed", ["6thang", "6 tháng", "6-thang", "half", "HALF"])
def test_a_kind_is_read_in_either_language(cli: Cli, typed: str) -> None:
    code, out, err = cli("report", typed, "2011-H1", "--scope", "vn/bac-giang")
    assert (code, err) == (0, "")
    assert TITLE in out.splitlines()


def test_an_unknown_kind_is_refused_in_the_users_words(cli: Cli) -> None:
    code, out, err = cli("report", "tuan", "2011-H1")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "sotay report: lệnh chưa đúng: LOẠI_KỲ: “tuan” không phải một lựa chọn ở đây; "
        "gõ một trong: thang, quy, 6-thang, nam, khoang-tuy-chon"
    )


def test_ranking_groups_and_rollup_columns_are_listed_in_vietnamese(cli: Cli) -> None:
    assert help_entry(cli("ranking", "--help")[1], "--group KHỐI") == (
        "khối xếp hạng: khoi-so-nganh, khoi-huyen, khoi-xa, tap-the, ca-nhan"
    )
    sort = help_entry(cli("rollup", "--help")[1], "--sort CỘT")
    assert sort.split(". ")[0] == (
        "xếp theo cột: don-vi, nhiem-vu, hoan-thanh, qua-han, ty-le-hoan-thanh, "
        "muc-dat-chi-tieu, dong-bo-lan-cuoi"
    )


@pytest.mark.parametrize("typed", ["khoi-so-nganh", "Khối sở, ngành", "departments"])
def test_a_ranking_group_is_read_in_either_language(cli: Cli, typed: str) -> None:
    code, out, err = cli("ranking", "2011", "--group", typed, "--scope", "vn/bac-giang")
    assert (code, err) == (0, "")
    assert "## Bảng xếp hạng 2011 — Khối sở, ngành" in out.splitlines()

"""Issue 12: the issuing body, its ký hiệu and its signer are data (on records a test builds).

The signing form and the chức vụ make the Vietnamese title line (TM. / KT. / TL. / Q. /
plain); the signer is chosen per document (default: the body's first) and a person who does
not sign for the body is refused; of a scope's bodies the one in office at the document's
date issues it; the ký hiệu is the body's own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from documents.assemble import ReportOptions, collect_report
from documents.issuer import Signing, signings
from domain.demo import demo_id
from domain.errors import ValidationError
from domain.periods import parse_period
from sync.store import Store
from tests.helpers.clock import Clock

Cli = Callable[..., tuple[int, str, str]]


def body(store: Store, name: str, **fields: object) -> str:
    """A committee of the store's office whose signers are its head (TM.) and a deputy (KT.)."""
    head = store.add("person", {"name": "Lê Văn Trưởng"}).id
    deputy = store.add("person", {"name": "Trần Thị Phó"}).id
    signers = {
        head: {"position": "Trưởng ban", "form": "tm", "behalf": "Ban Chỉ đạo", "order": 0},
        deputy: {"position": "Phó Trưởng ban", "form": "kt", "behalf": "Trưởng ban", "order": 1},
    }
    return store.add(
        "unit",
        {"name": name, "unit_kind": "committee", "symbol": "BCĐ", "signers": signers, **fields},
    ).id


@pytest.mark.parametrize(
    ("form", "position", "behalf", "lines"),
    [
        ("tm", "Trưởng ban", "Ban Chỉ đạo", ["TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN"]),
        ("kt", "Phó Trưởng ban", "Trưởng ban", ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]),
        ("tl", "Chánh Văn phòng", "Trưởng ban", ["TL. TRƯỞNG BAN", "CHÁNH VĂN PHÒNG"]),
        ("q", "Phó Trưởng ban", "Trưởng ban", ["Q. TRƯỞNG BAN"]),
        ("plain", "Trưởng ban", "", ["TRƯỞNG BAN"]),
    ],
)
def test_the_title_line_is_the_signing_form_and_the_position(
    form: str, position: str, behalf: str, lines: list[str]
) -> None:
    assert Signing("p", "Tên", position, form, behalf).title_lines() == lines


@given(
    st.sampled_from(["tm", "kt", "tl"]),
    st.text("abcdđêơưạảãáàỳ ", min_size=1, max_size=20).filter(str.strip),
    st.text("abcdđêơưạảãáàỳ ", min_size=1, max_size=20).filter(str.strip),
)
def test_a_form_names_whom_it_signs_for_above_the_signers_position(
    form: str, position: str, behalf: str
) -> None:
    lines = Signing("p", "Tên", position, form, behalf).title_lines()
    assert lines == [f"{form.upper()}. {behalf.upper()}", position.upper()]


def test_whom_a_signer_signs_for_defaults_to_the_body_or_its_first_signer(store: Store) -> None:
    head, deputy, clerk = (store.add("person", {"name": n}).id for n in ("An", "Bình", "Chi"))
    signers = {
        head: {"position": "Trưởng ban", "form": "tm", "order": 0},
        deputy: {"position": "Phó Trưởng ban", "form": "kt", "order": 1},
        clerk: {"position": "Chánh Văn phòng", "form": "tl", "order": 2},
    }
    unit = store.add("unit", {"name": "Ban Điều hành", "signers": signers})
    assert [s.title_lines() for s in signings(store, unit)] == [
        ["TM. BAN ĐIỀU HÀNH", "TRƯỞNG BAN"],
        ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"],
        ["TL. TRƯỞNG BAN", "CHÁNH VĂN PHÒNG"],
    ]


def test_a_report_is_signed_by_the_bodys_first_signer_or_the_one_chosen(
    store: Store, clock: Clock
) -> None:
    clock.at(2022, 1, 4)
    province = store.add("unit", {"name": "UBND tỉnh Bắc Giang"}).id
    body(store, "Ban Chỉ đạo CNTT tỉnh Bắc Giang", parent_id=province, place="Bắc Giang")
    opts = ReportOptions("vn/bac-giang", parse_period("2022-Q1"), date=date(2022, 3, 14))
    header = collect_report(store, opts).header
    assert (header.org_lines, header.number, header.place) == (
        ["UBND TỈNH BẮC GIANG", "BAN CHỈ ĐẠO CNTT TỈNH BẮC GIANG"],
        "Số:       /BC-BCĐ",
        "Bắc Giang",
    )
    assert (header.signer_title, header.signer_name) == (
        ["TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN"],
        "Lê Văn Trưởng",
    )
    opts.signer = "tran thi pho"  # a name typed without its marks
    header = collect_report(store, opts).header
    assert (header.signer_title, header.signer_name) == (
        ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"],
        "Trần Thị Phó",
    )
    opts.signer = "Nguyễn Văn Khác"
    with pytest.raises(ValidationError) as err:
        collect_report(store, opts)
    assert err.value.problems[0].key == "doc.not_a_signer"


def test_of_two_bodies_the_one_in_office_at_the_date_issues(store: Store, clock: Clock) -> None:
    clock.at(2022, 1, 4)
    old = body(store, "Ban Chỉ đạo ứng dụng CNTT", valid_to="31/12/2019")
    new = body(store, "Ban Chỉ đạo Chuyển đổi số", valid_from="01/01/2020")
    store.update(new, {"symbol": "BCĐCĐS"})

    def heading(period: str) -> tuple[str, str]:
        header = collect_report(store, ReportOptions("vn/bac-giang", parse_period(period))).header
        return header.org_lines[-1], header.number

    assert heading("2019-Q4") == ("BAN CHỈ ĐẠO ỨNG DỤNG CNTT", "Số:       /BC-BCĐ")
    assert heading("2021") == ("BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ", "Số:       /BC-BCĐCĐS")
    store.update(old, {"valid_to": None})
    store.update(new, {"valid_from": None})
    store.add("meeting", {"title": "Phiên họp", "date": "10/03/2015", "unit_id": old})
    store.add("meeting", {"title": "Phiên họp", "date": "10/03/2021", "unit_id": new})
    assert heading("2020") == ("BAN CHỈ ĐẠO ỨNG DỤNG CNTT", "Số:       /BC-BCĐ")  # latest active
    assert heading("2021-Q1") == ("BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ", "Số:       /BC-BCĐCĐS")
    assert heading("2010") == ("BAN CHỈ ĐẠO ỨNG DỤNG CNTT", "Số:       /BC-BCĐ")  # the oldest


def test_no_office_borrows_another_offices_body(store: Store, clock: Clock) -> None:
    """A scope with no body of its own gets no letterhead, not a neighbour's."""
    clock.at(2022, 1, 4)
    body(store, "Ban Chỉ đạo CNTT tỉnh Bắc Giang")
    store.add("unit", {"name": "UBND huyện Yên Thế"}, scope="vn/bac-giang/yen-the")
    opts = ReportOptions("vn/bac-giang/yen-the", parse_period("2022-Q1"))
    header = collect_report(store, opts).header
    assert (header.org_lines, header.number, header.signer_name) == ([], "Số:       /BC", "")


def test_sotay_notice_takes_a_signer(cli: Cli, tmp_path: Path) -> None:
    meeting = demo_id("m.bdh2010")
    code, out, _err = cli("notice", meeting, "--signer", "Nguyễn Minh Hồng")
    assert code == 0
    assert "**TM. BAN ĐIỀU HÀNH**  \n**TRƯỞNG BAN**  \n\n**Nguyễn Minh Hồng**" in out
    assert "Số:       /TB-BĐH" in out
    code, _out, err = cli("notice", meeting, "--signer", "Hầu A Lềnh")
    assert code != 0
    assert "“Hầu A Lềnh” không phải người ký của Ban Điều hành" in err


def test_sotay_report_takes_a_signer(cli: Cli) -> None:
    code, out, _err = cli("report", "quarter", "2022-Q2", "--scope", "vn/ubdt", "--signer",
                          "Hầu A Lềnh")  # fmt: skip
    assert code == 0
    assert "**TM. BAN CHỈ ĐẠO**  \n**TRƯỞNG BAN**  \n\n**Hầu A Lềnh**" in out
    assert "Số:       /BC-BCĐ" in out


def test_the_rollup_is_issued_by_hqs_body(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "th.md"
    code, _out, _err = cli("rollup", "--offline", "-o", str(path))
    assert code == 0
    text = path.read_text("utf-8")
    assert text.startswith(
        "BỘ THÔNG TIN VÀ TRUYỀN THÔNG  \n"
        "**BAN ĐIỀU HÀNH TRIỂN KHAI CÔNG TÁC ỨNG DỤNG CNTT TRONG HOẠT ĐỘNG CỦA CƠ QUAN NHÀ NƯỚC**"
        "  \nSố:       /BC-BĐH"
    )
    assert "**TM. BAN ĐIỀU HÀNH**  \n**TRƯỞNG BAN**  \n\n**Nguyễn Minh Hồng**" in text


def test_sotay_ranking_takes_a_signer_of_the_body_whose_units_are_ranked(cli: Cli) -> None:
    code, out, _err = cli("ranking", "2011", "--scope", "vn/bac-giang", "--signer", "Bùi Văn Hạnh")
    assert code == 0
    assert "**BAN CHỈ ĐẠO CNTT TỈNH BẮC GIANG**  \nSố:       /BXH-BCĐ" in out
    assert "**TM. BAN CHỈ ĐẠO**  \n**TRƯỞNG BAN**  \n\n**Bùi Văn Hạnh**" in out
    code, _out, err = cli("ranking", "2011", "--scope", "vn/bac-giang", "--signer", "Hầu A Lềnh")
    assert code != 0 and "“Hầu A Lềnh” không phải người ký của Ban Chỉ đạo CNTT tỉnh" in err

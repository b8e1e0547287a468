"""Acceptance 5: importing a plan's task table — 200 rows with bad ones, preview first,
good rows only after confirmation, every bad row reported by line and reason, and a second
import adds nothing."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from documents import plan_import
from domain.demo import demo_id
from sync.store import Store

Cli = Callable[..., tuple[int, str, str]]
HEADER = [
    "STT",
    "Nội dung nhiệm vụ",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời gian thực hiện",
    "Kinh phí (triệu đồng)",
    "Nguồn vốn",
    "Sản phẩm",
    "Ghi chú",
]
BAD = {17: ("unknown", "Sở Xây dựng"), 58: ("budget", "1,5 tỷ"), 123: ("empty", "")}


def rows() -> list[list[str]]:
    out = [["I", "HẠ TẦNG KỸ THUẬT", "", "", "", "", "", "", ""]]
    leads = [
        "Trung tâm Thông tin",
        "trung tam thong tin",
        "TTTT",
        "Văn phòng Ủy ban",
        "Vụ Kế hoạch",
    ]
    for n in range(1, 200):
        row = [
            str(n),
            f"Nhiệm vụ số {n}",
            leads[n % len(leads)],
            "Văn phòng 1719; Vụ Kế hoạch",
            "Quý III/2022",
            f"{n},5",
            "NSTW",
            "Báo cáo",
            "",
        ]
        kind, value = BAD.get(n, ("", ""))
        if kind == "unknown":
            row[2] = value
        elif kind == "budget":
            row[5] = value
        elif kind == "empty":
            row[1] = ""
        out.append(row)
    return out


def write_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows())
    return path


def write_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["KẾ HOẠCH ỨNG DỤNG CNTT NĂM 2022"])  # a title row before the header
    sheet.append(HEADER)
    for row in rows():
        sheet.append(row)
    book.save(str(path))
    return path


@pytest.mark.parametrize("maker,offset", [(write_csv, 1), (write_xlsx, 2)])
def test_preview_reports_each_bad_row_with_line_and_reason(
    demo_store: Store, tmp_path: Path, maker: Callable[[Path], Path], offset: int
) -> None:
    path = maker(tmp_path / f"plan{offset}")
    path = path.rename(path.with_suffix(".csv" if maker is write_csv else ".xlsx"))
    preview = plan_import.preview(demo_store, path, demo_id("pl.1772"))
    bad = {r.line: r.errors for r in preview.bad}

    def line(n: int) -> int:
        return n + 1 + offset  # the header line, then the heading row

    assert set(bad) == {line(17), line(58), line(123)}
    assert "Sở Xây dựng" in bad[line(17)][0]
    assert "tỷ" in bad[line(58)][0]
    assert "nội dung" in bad[line(123)][0]
    assert len(preview.good) == 196
    assert demo_store.count("task") == 59  # nothing saved by a preview
    good = preview.good[0].fields
    assert good["budget"] == 1_500_000 and good["due"] == "2022-09-30"
    assert len(good["coordinators"]) == 2


def test_cli_imports_good_rows_only_after_confirmation_and_only_once(
    cli: Cli, tmp_path: Path, demo_dir: Path
) -> None:
    path = write_csv(tmp_path / "plan.csv")
    code, out, _ = cli("import-plan", str(path), "--plan", "1772/KH-BCĐ")
    assert code == 1 and "Dòng 19:" in out and "Chưa nhập gì" in out
    with Store.open(demo_dir) as store:
        before = store.count("task")
    code, out, _ = cli("import-plan", str(path), "--plan", "1772/KH-BCĐ", "--yes")
    assert code == 0 and "thêm 196" in out
    code, out, _ = cli("import-plan", str(path), "--plan", "1772/KH-BCĐ", "--yes")
    assert code == 0 and "thêm 0" in out and "không đổi 196" in out
    with Store.open(demo_dir) as store:
        assert store.count("task") == before + 196


def test_second_xlsx_import_adds_nothing(demo_store: Store, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "plan.xlsx")
    first = plan_import.save(demo_store, plan_import.preview(demo_store, path, demo_id("pl.1772")))
    second = plan_import.save(demo_store, plan_import.preview(demo_store, path, demo_id("pl.1772")))
    assert first["added"] == 196 and second == {"added": 0, "updated": 0, "unchanged": 196}


def test_ambiguous_unit_lists_the_candidates(demo_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "STT,Nội dung nhiệm vụ,Đơn vị chủ trì,Thời gian thực hiện\n1,Việc A,Văn phòng,2022\n",
        encoding="utf-8",
    )
    preview = plan_import.preview(demo_store, path, demo_id("pl.1772"))
    assert (
        "Văn phòng 1719" in preview.bad[0].errors[0]
        and "Văn phòng Ủy ban" in preview.bad[0].errors[0]
    )


def test_cp1258_file_and_no_header(demo_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(
        "STT;Noi dung nhiem vu;Don vi chu tri\n1;Mua máy;Trung tâm Thông tin\n".encode("cp1258")
    )
    good = plan_import.preview(demo_store, path, demo_id("pl.1772")).good
    assert len(good) == 1 and good[0].fields["title"] == "Mua máy"
    empty = tmp_path / "e.csv"
    empty.write_text("a,b\n1,2\n", encoding="utf-8")
    from domain.errors import ValidationError

    with pytest.raises(ValidationError):
        plan_import.preview(demo_store, empty, demo_id("pl.1772"))

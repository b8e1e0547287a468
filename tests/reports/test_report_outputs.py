"""Acceptance 1: the demo reports as .docx, .md and .csv, with the header, cut-off dates,
indicator figures and overdue tasks a secretariat would check."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import docx

Cli = Callable[..., tuple[int, str, str]]


def docx_text(path: Path) -> tuple[str, list[list[list[str]]]]:
    document = docx.Document(str(path))
    paras = [p.text for p in document.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    for table in tables:
        for row in table:
            paras.extend(row)
    return "\n".join(paras), tables


def test_q2_2022_ubdt_report_in_three_formats(cli: Cli, tmp_path: Path) -> None:
    code, _out, _err = cli(
        "report",
        "quarter",
        "2022-Q2",
        "--scope",
        "vn/ubdt",
        "--format",
        "docx,md,csv",
        "-o",
        str(tmp_path / "q2"),
    )
    assert code == 0
    text, _tables = docx_text(tmp_path / "q2.docx")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "15/03/2022" in text and "14/06/2022" in text
    assert "Quý II/2022" in text
    # the seed's quý III priorities are not overdue in quý II at an invented 40 % / 60 %
    assert "Rà soát, cài đặt hệ thống, phần mềm ứng dụng đối với các gói thầu CNTT" in text
    md = (tmp_path / "q2.md").read_text(encoding="utf-8")
    assert "1. Nhiệm vụ quá hạn\n\nKhông có nhiệm vụ quá hạn." in md
    assert (
        "| Tham mưu ban hành Quy chế quản lý, sử dụng phòng họp số của UBDT "
        "| Trung tâm Thông tin |  | Quý II/2022 | 100% | Hoàn thành đúng hạn |" in md
    )
    assert "chưa ban hành thông báo kết luận" in md
    rows = list(csv.reader((tmp_path / "q2.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert ["2. Kết quả thực hiện nhiệm vụ"] in rows and ["1. Nhiệm vụ quá hạn"] not in rows


def test_h1_2011_bac_giang_report_has_the_indicator_table(cli: Cli, tmp_path: Path) -> None:
    code, _out, _err = cli(
        "report",
        "half",
        "2011-H1",
        "--scope",
        "vn/bac-giang",
        "--format",
        "docx,md,csv",
        "-o",
        str(tmp_path / "bg"),
        "--place",
        "Bắc Giang",
    )
    assert code == 0
    text, tables = docx_text(tmp_path / "bg.docx")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "15/12/2010" in text and "14/06/2011" in text
    indicator = next(
        t for t in tables if t[0] == ["Chỉ tiêu", "Kế hoạch", "Thực hiện", "%", "Đạt/Không đạt"]
    )
    rows = {r[0]: r[1:] for r in indicator[1:]}
    # the seed states the results, never a target: nothing is judged "Đạt" / "Không đạt"
    assert rows["Huyện, thành phố có Một cửa điện tử"] == ["", "10/10 huyện", "", ""]
    assert rows["Sở có Một cửa điện tử"] == ["", "6/22 Sở", "", ""]
    assert rows["Văn bản đến gửi nhận điện tử"][1] == "70%"
    assert rows["Văn bản đi gửi nhận điện tử"][1] == "60%"
    for title in (
        "Xây dựng, vận hành Một cửa điện tử tại các Sở",
        "Xây dựng phần mềm Quản lý văn bản và điều hành công việc mã nguồn mở",
    ):
        assert title in text
    md = (tmp_path / "bg.md").read_text(encoding="utf-8")
    assert "| Sở có Một cửa điện tử |  | 6/22 Sở |  |  |" in md
    assert "| Huyện, thành phố có Một cửa điện tử |  | 10/10 huyện |  |  |" in md
    assert "Bắc Giang, ngày" in md
    csv_rows = list(csv.reader((tmp_path / "bg.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert ["Sở có Một cửa điện tử", "", "6/22 Sở", "", ""] in csv_rows


def test_saved_report_keeps_recommendations_and_is_updated_not_duplicated(
    cli: Cli, tmp_path: Path, demo_dir: Path
) -> None:
    for text in ("Đề nghị bổ sung kinh phí.", "Đề nghị bổ sung kinh phí năm 2023."):
        code, _out, _err = cli(
            "report",
            "quarter",
            "2022-Q2",
            "--scope",
            "vn/ubdt",
            "--save",
            "-o",
            str(tmp_path / "r.md"),
            "--recommendations",
            text,
        )
        assert code == 0
    from sync.store import Store

    with Store.open(demo_dir) as store:
        reports = store.list("report")
        assert len(reports) == 1
        report = reports[0].data
        assert report["recommendations"] == "Đề nghị bổ sung kinh phí năm 2023."
        assert report["cutoff_from"] == "2022-03-15" and report["cutoff_to"] == "2022-06-14"
        assert "Đề nghị bổ sung kinh phí năm 2023." in report["content"]
        assert reports[0].pending >= 1  # queued for the server


def test_english_report_uses_english_labels(cli: Cli) -> None:
    code, out, _err = cli("--lang", "en", "report", "quarter", "2022-Q2", "--scope", "vn/ubdt")
    assert code == 0
    assert "SOCIALIST REPUBLIC OF VIET NAM" in out and "Overdue tasks" in out


def test_bad_period_is_a_clear_message(cli: Cli) -> None:
    code, _out, err = cli("report", "quarter", "2022-Q5", "--scope", "vn/ubdt")
    assert code == 2
    assert "2022-Q5" in err and "Traceback" not in err


def test_unwritable_output_is_a_clear_message(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _out, err = cli(
        "report", "quarter", "2022-Q2", "--scope", "vn/ubdt", "-o", str(blocker / "sub" / "r.docx")
    )
    assert code != 0 and "Không ghi được" in err

"""Issue 11, item 16: what the command lines said wrong, each said right."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from documents.rollup import OfficeRow, sort_rows
from domain.schema import SPECS
from server_stub import cli as server_cli
from sync.store import Store
from tui.cli import run

KINDS_VI = (
    "unit (Cơ quan / đơn vị), person (Thành viên), plan (Kế hoạch), task (Nhiệm vụ), "
    "indicator (Chỉ tiêu), meeting (Phiên họp), conclusion (Thông báo kết luận), "
    "project (Dự án CNTT), report (Báo cáo), ranking (Bảng xếp hạng)"
)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    assert run(["--data", str(d), "init", "--office", "vn", "--name", "HQ", "--role", "hq"]) == 0
    return d


def test_ls_without_a_kind_names_the_kinds(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(["--data", str(data), "--lang", "vi", "ls"]) == 2
    assert capsys.readouterr().err == (
        f"Hãy cho biết loại bản ghi, ví dụ: sotay ls task. Các loại: {KINDS_VI}.\n"
    )


def test_add_help_lists_every_kind_with_its_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--lang", "en", "add", "--help"]) == 0
    text = capsys.readouterr().out
    listing = text.split("Kinds of record and their fields (* required):\n")[1]
    listed: dict[str, list[str]] = {}
    kind = ""
    for line in listing.splitlines():
        if line.startswith("    "):
            # "name (Label)" items; a label may hold a comma ("III. Shortcomings, …")
            listed[kind] += re.findall(r"(\w+\*?) \([^)]*\)", line)
        elif line.startswith("  "):
            kind = line.strip().split(" ")[0].rstrip(":")
            listed[kind] = []
    expected = {
        kind: [f + "*" * (f in spec.required) for f in spec.fields if f not in spec.system]
        for kind, spec in SPECS.items()
        if kind != "conflict"
    }
    assert listed == expected
    assert "    title* (Title), plan_id (Plan)," in text


def test_a_missing_import_file_is_named(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "xuat-du-lieu.jsonl"
    capsys.readouterr()
    assert run(["--data", str(data), "--lang", "vi", "import", str(missing)]) == 3
    assert capsys.readouterr().err == (
        f"Không có tệp {missing}. Hãy kiểm tra lại tên và thư mục của tệp.\n"
    )
    assert run(["--data", str(data), "--lang", "en", "import", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"{tmp_path} is a folder, not a file. Name a file written by the export command.\n"
    )


def test_status_shows_the_role_in_words_and_the_last_sync_in_local_time(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    try:
        with Store.open(data) as store:
            store.set_meta(last_sync_at="2026-03-01T01:30:00+00:00")
        capsys.readouterr()
        assert run(["--data", str(data), "--lang", "vi", "status"]) == 0
        lines = capsys.readouterr().out.splitlines()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert lines[0] == "Phạm vi: vn (HQ), cơ quan thường trực trung ương"
    assert lines[-1] == "Đồng bộ lần cuối: 01/03/2026 08:30"


def _overdue_column(data: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> list[int]:
    capsys.readouterr()
    assert run(["--data", str(data), "rollup", "--offline", "--sort", "overdue", *extra]) == 0
    rows = capsys.readouterr().out.splitlines()[2:]
    return [int(row.split(")")[1].split()[2]) for row in rows]


def test_rollup_sorted_by_overdue_puts_the_most_overdue_first(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--data", str(data), "demo", "--no-ui"]) == 0
    column = _overdue_column(data, capsys)
    assert column == sorted(column, reverse=True) and len(set(column)) > 1
    assert _overdue_column(data, capsys, "--desc") == sorted(column)


def test_rollup_sorting_keeps_unknown_values_last_both_ways() -> None:
    rows = [OfficeRow("vn/a", "A"), OfficeRow("vn/b", "B", attainment=50.0)]
    rows.append(OfficeRow("vn/c", "C", attainment=90.0))
    for reverse, expected in ((False, ["vn/c", "vn/b", "vn/a"]), (True, ["vn/b", "vn/c", "vn/a"])):
        assert [r.scope for r in sort_rows(rows, "attainment", reverse)] == expected
    assert [r.scope for r in sort_rows(rows[::-1])] == ["vn/a", "vn/b", "vn/c"]


def _server(db: Path, *argv: str) -> int:
    return server_cli.main(["--db", str(db), *argv])


def test_sotay_server_shows_times_in_local_dd_mm_yyyy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "central.db"
    assert _server(db, "office", "add", "vn", "--name", "HQ") == 0
    assert _server(db, "--json", "office", "ls") == 0
    (office,) = json.loads(capsys.readouterr().out.splitlines()[-1])
    stored = datetime.fromisoformat(office["created_at"])
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    try:
        assert _server(db, "--lang", "vi", "office", "ls") == 0
    finally:
        monkeypatch.undo()
        time.tzset()
    shown = stored.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M")
    assert capsys.readouterr().out.splitlines()[1].split() == ["vn", "HQ", *shown.split()]


def test_sotay_server_lists_with_ls_under_vietnamese_headers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOTAY_LANG", "vi")
    db = tmp_path / "central.db"
    assert _server(db, "office", "add", "vn", "--name", "Trung ương") == 0
    assert _server(db, "token", "create", "--office", "vn", "--role", "hq") == 0
    capsys.readouterr()
    assert _server(db, "office", "ls") == 0
    offices = capsys.readouterr().out.splitlines()
    assert offices[0].split("  ")[:2] == ["Phạm vi", "Tên"] and offices[0].endswith("Ngày tạo")
    assert _server(db, "office", "list") == 0, "the old verb still works"
    assert capsys.readouterr().out.splitlines() == offices
    assert _server(db, "token", "ls") == 0
    head, row = capsys.readouterr().out.splitlines()
    assert [c.strip() for c in head.split("  ") if c] == [
        "Số hiệu",
        "Văn phòng",
        "Vai trò",
        "Người dùng",
        "Trạng thái",
        "Dùng lần cuối",
        "Ngày tạo",
        "Hết hạn",
        "Thu hồi lúc",
    ]
    assert [c.strip() for c in row.split("  ") if c][4] == "đang dùng"
    assert _server(db, "office", "--help") == 0
    listed = [
        line.split()[0]
        for line in capsys.readouterr().out.splitlines()
        if line[:4] == " " * 4 and line[4] != " "
    ]
    assert listed == ["add", "ls", "remove"]


def test_doctor_on_a_new_healthy_store_says_so_in_words(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run(["--data", str(data), "--lang", "vi", "doctor"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "store.core: bình thường",
        "store.journal: bình thường",
        "Dữ liệu đọc được bình thường.",
    ]


def test_ls_explains_the_pending_mark_and_show_names_the_derived_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "d")
    assert run(["--data", data, "init", "--office", "vn/bac-giang", "--name", "Bắc Giang"]) == 0
    assert run(["--data", data, "add", "unit", "name=Sở TT&TT", "abbr=STTTT"]) == 0
    assert (
        run(
            [
                "--data",
                data,
                "add",
                "task",
                "title=Số hóa hồ sơ",
                "lead_unit_id=STTTT",
                "due=31/12/2011",
            ]
        )
        == 0
    )
    task = capsys.readouterr().out.strip().splitlines()[-1]
    assert run(["--data", data, "ls", "task"]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines()[2].split()[0] == task[-8:] + "*"
    assert out.err.splitlines() == ["* chưa đồng bộ lên máy chủ"]
    assert run(["--data", data, "show", task]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert "Trạng thái (theo thời hạn và tiến độ): Quá hạn" in shown

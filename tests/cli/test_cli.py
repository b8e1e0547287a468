"""The ``sotay`` command line as a script or a person uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sync.store import Store
from tui.cli import run


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    assert (
        run(["--data", str(d), "init", "--office", "vn/bac-giang", "--name", "Sở TT&TT Bắc Giang"])
        == 0
    )
    return d


def sotay(data: Path, *args: str) -> int:
    return run(["--data", str(data), *args])


def test_demo_then_export_lists_every_kind_from_three_offices(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sotay(data, "demo", "--no-ui") == 0
    said = capsys.readouterr().out
    assert "vn/ubdt" in said and "vn/bac-giang" in said and "vn/btttt" in said
    assert sotay(data, "export") == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in lines] == sorted(r["id"] for r in lines)
    kinds = {(r["scope"], r["kind"]) for r in lines}
    for kind in ("plan", "task", "meeting", "conclusion", "unit", "person"):
        for office in ("vn/ubdt", "vn/btttt", "vn/bac-giang"):
            assert (office, kind) in kinds, (office, kind)
    assert ("vn/bac-giang", "indicator") in kinds
    assert set(lines[0]) == {"id", "kind", "scope", "fields", "deleted"}


def test_find_is_accent_insensitive(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sotay(data, "demo", "--no-ui")
    capsys.readouterr()
    assert sotay(data, "find", "ung dung", "--json") == 0
    found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    texts = [json.dumps(r, ensure_ascii=False).lower() for r in found]
    assert sum("ứng dụng" in t for t in texts) >= 10
    phrase = [("ứng dụng" in t) for t in texts]
    assert phrase == sorted(phrase, reverse=True), "records with the phrase come first"
    assert sotay(data, "find", "duoc", "--json") == 0
    found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert found and all("được" in json.dumps(r, ensure_ascii=False) for r in found)


def test_add_prints_the_id_and_show_reads_it_back(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sotay(data, "add", "unit", "name=Sở Nội vụ", "abbr=SNV") == 0
    capsys.readouterr()
    assert (
        sotay(
            data,
            "add",
            "task",
            "title=Đào tạo công chức xã",
            "lead_unit_id=so noi vu",
            "due=30/09/2022",
            "budget=1.500.000.000",
        )
        == 0
    )
    task_id = capsys.readouterr().out.strip()
    assert len(task_id) == 36
    assert sotay(data, "show", task_id) == 0
    shown = capsys.readouterr().out
    assert "30/09/2022" in shown and "1.500.000.000 đ" in shown and "SNV" in shown


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["add", "task", "title=X", "lead_unit_id=@U", "due=31/02/2024"], "29"),
        (["add", "task", "title=X", "lead_unit_id=@U", "budget=1.5"], "1.500.000.000"),
        (["add", "task", "title=X", "lead_unit_id=@U", "colour=red"], "colour"),
        (["add", "spaceship", "title=X"], "spaceship"),
        (["add", "task", "title=X", "lead_unit_id=@U", "progress=130"], "130"),
        (["add", "task", "title=X", "lead_unit_id=Không có đơn vị này"], "Không có đơn vị này"),
    ],
)
def test_bad_input_is_refused_clearly_and_changes_nothing(
    data: Path, capsys: pytest.CaptureFixture[str], args: list[str], expect: str
) -> None:
    sotay(data, "add", "unit", "name=Sở Nội vụ")
    unit_id = capsys.readouterr().out.strip()
    before = _export(data, capsys)
    code = sotay(data, *[a.replace("@U", unit_id) for a in args])
    captured = capsys.readouterr()
    assert code != 0
    assert expect in captured.err and "Traceback" not in captured.err + captured.out
    assert _export(data, capsys) == before


def _export(data: Path, capsys: pytest.CaptureFixture[str]) -> str:
    sotay(data, "export")
    return capsys.readouterr().out


def test_messages_follow_the_language(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sotay(data, "--lang", "en", "add", "task", "title=X", "lead_unit_id=nobody") != 0
    assert "No unit matches" in capsys.readouterr().err


def test_export_then_import_into_another_profile_is_identical_and_idempotent(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sotay(data, "demo", "--no-ui")
    capsys.readouterr()
    exported = _export(data, capsys)
    dump = tmp_path / "dump.jsonl"
    dump.write_text(exported, encoding="utf-8")
    other = tmp_path / "other"
    run(["--data", str(other), "init", "--office", "vn", "--name", "HQ", "--role", "hq"])
    assert run(["--data", str(other), "import", str(dump)]) == 0
    assert run(["--data", str(other), "import", str(dump)]) == 0
    assert "0 mới, 0 cập nhật" in capsys.readouterr().out
    assert _export(other, capsys) == exported


def test_import_reports_every_bad_line(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "a", "kind": "task", "scope": "vn/bac-giang", "fields": {"title": "x"}}\n'
        "not json\n",
        encoding="utf-8",
    )
    assert sotay(data, "import", str(bad)) != 0
    err = capsys.readouterr().err
    assert "Dòng 2" in err


def test_a_second_sotay_on_the_same_data_fails_at_once(data: Path) -> None:
    """A second writer; a command that only reads opens read-only beside it
    (tests/cli/test_cli_readonly.py)."""
    store = Store.open(data)
    try:
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "tui", "--data", str(data), "add", "unit", "name=Sở Nội vụ"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "SOTAY_LANG": "vi"},
        )
        elapsed = time.monotonic() - started
    finally:
        store.close()
    assert proc.returncode == 6
    assert "đang được mở ở một cửa sổ khác" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert elapsed < 10


def test_status_counts_pending_changes(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sotay(data, "add", "unit", "name=Sở Nội vụ")
    capsys.readouterr()
    assert sotay(data, "status") == 0
    assert "Chưa đồng bộ: 1" in capsys.readouterr().out

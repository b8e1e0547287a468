"""F6 through the CLI: on a read-only data folder every command that only reads works (its
output files go elsewhere), a command that writes says the folder is read-only, and a
reading command works beside the app that has the profile open."""

from __future__ import annotations

import errno
from pathlib import Path

import orjson
import pytest

from sync.store import Store
from tests.helpers.readonly_fs import digest, read_only_folder
from tui.cli import run


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    d = tmp_path / "data"
    assert run(["--data", str(d), "init", "--office", "vn", "--name", "HQ", "--role", "hq"]) == 0
    assert run(["--data", str(d), "demo", "--no-ui"]) == 0
    capsys.readouterr()
    return d


def _task(data: Path) -> tuple[str, str]:
    with Store.open(data, read_only=True) as store:
        task = sorted(store.list("task"), key=lambda r: r.id)[0]
        return task.id, task.title


READS = [
    ["ls", "task"],
    ["ls", "unit", "--json"],
    ["find", "ung dung"],
    ["export"],
    ["export", "--format", "json", "--kind", "plan"],
    ["status"],
    ["doctor"],
    ["notice", "--late"],
    ["rollup", "--offline"],
]


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_every_reading_command_works_on_a_read_only_folder(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], code: int
) -> None:
    task_id, title = _task(data)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    before = digest(data)
    commands = [
        *READS,
        ["show", task_id],
        ["show", task_id[-8:], "--history"],
        ["show", task_id, "--json"],
        ["report", "quarter", "2022-Q2", "-o", str(out_dir / "r.md")],
        ["report", "quarter", "2022-Q2", "--format", "csv", "-o", str(out_dir / "r.csv")],
        ["ranking", "2022", "-o", str(out_dir / "k.md")],
        ["report", "quarter", "2022-Q2"],
    ]
    with read_only_folder(data, code) as refused:
        for args in commands:
            assert run(["--data", str(data), *args]) == 0, args
            out, err = capsys.readouterr()
            assert "could not be written" not in err and "không ghi được" not in err.lower(), args
            assert out or "--late" in args, args
            if args[0] == "show" and "--json" not in args:
                assert title in out
            if args == ["export"]:
                assert task_id in {orjson.loads(line)["id"] for line in out.splitlines()}
    assert refused == []
    assert digest(data) == before, "reading changed nothing in the folder"
    assert (out_dir / "r.md").exists() and (out_dir / "r.csv").exists()
    assert (out_dir / "k.md").exists()


@pytest.mark.parametrize(
    "lang, words", [("vi", "Thư mục dữ liệu chỉ đọc được"), ("en", "The data folder is read-only")]
)
def test_a_writing_command_says_the_folder_is_read_only(
    data: Path, capsys: pytest.CaptureFixture[str], lang: str, words: str
) -> None:
    task_id, _title = _task(data)
    before = digest(data)
    with read_only_folder(data):
        for args in (
            ["add", "unit", "name=Sở Nội vụ"],
            ["set", task_id, "progress=50"],
            ["report", "quarter", "2022-Q2", "--save"],
            ["doctor", "--recover"],
        ):
            assert run(["--lang", lang, "--data", str(data), *args]) == 9, args
            err = capsys.readouterr().err
            assert words in err and str(data) in err, (args, err)
            assert "Traceback" not in err
    assert digest(data) == before


def test_reading_commands_work_while_the_app_has_the_profile_open(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = Store.open(data)  # holds the lock, as the app does
    try:
        added = app.add("unit", {"name": "Đơn vị mới thêm trong ứng dụng"})
        assert run(["--data", str(data), "find", "don vi moi them"]) == 0
        assert added.id[-8:] in capsys.readouterr().out
        assert run(["--data", str(data), "show", added.id]) == 0
        assert "Đơn vị mới thêm trong ứng dụng" in capsys.readouterr().out
        assert run(["--data", str(data), "status"]) == 0
        assert run(["--data", str(data), "add", "unit", "name=Hai"]) == 6, "a second writer"
    finally:
        app.close()

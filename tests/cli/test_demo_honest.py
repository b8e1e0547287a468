"""The demo is honest: its Bắc Giang window outlives the demo's own window (the folder is
kept, and the demo says where and how to remove it), and ``demo --no-ui`` will not fill a
profile logged in to a real server with demo data unless told ``--force``."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from sync.credentials import save_token
from sync.store import Store
from tui.cli import run
from tui.commands import app as app_command


def test_demo_no_ui_refuses_a_profile_logged_in_to_a_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "office"
    Store.create(data, office="vn/ha-noi", name="Hà Nội").close()
    save_token(data, "http://hq.example:8765", "st_" + "a" * 43)
    capsys.readouterr()
    code = run(["--data", str(data), "--lang", "en", "demo", "--no-ui"])
    out = capsys.readouterr()
    assert (code, (out.out + out.err).strip()) == (
        4,
        f"Not loading the demo data: the profile {data} is logged in to the server "
        "http://hq.example:8765, and the next sync would send all three offices' demo data "
        "there. Use another profile (--data FOLDER), or add --force if you really mean it.",
    )
    with Store.open(data) as store:
        assert store.pending_count() == 0
    assert run(["--data", str(data), "demo", "--no-ui", "--force"]) == 0
    with Store.open(data) as store:
        assert store.pending_count() > 0


def test_demo_no_ui_fills_a_profile_that_is_not_logged_in(tmp_path: Path) -> None:
    assert run(["--data", str(tmp_path / "fresh"), "demo", "--no-ui"]) == 0


def test_quitting_the_demo_keeps_the_second_windows_folder_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_command, "run_app", lambda *args, **kwargs: 0)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the kept folder: under tmp_path
    assert run(["--lang", "en", "demo"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    match = re.fullmatch(r"Open the Bắc Giang office in another window: sotay --data (.+)", out[2])
    assert match is not None, out
    second = Path(match.group(1))
    with Store.open(second) as store:
        assert store.office == "vn/bac-giang"
    folder = second.parent
    assert folder.parent == tmp_path
    assert out[-1] == (
        f"Stopped the demo server. The demo data is kept in {folder} (the Bắc Giang window may "
        "still be open; it will show offline). When you no longer need it, remove it with: "
        f"rm -r {folder}"
    )

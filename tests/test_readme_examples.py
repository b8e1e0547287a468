"""Every example of the README's "Using it" section, run as printed in a shell, exits 0.

The three ``sh`` blocks there are the client's commands, the committee's outputs and the
central service's.  The service's block runs first (the client logs in to it), its
``serve`` line as a real ``sotay-server`` on a free port (the README's 8765 may be taken),
its last line (which removes the office) after the others.  Between the README's lines the
test builds only what a placeholder needs: a conflict for ``resolve ID``, an HQ profile with
the demo data for the outputs, a plan table for ``import-plan``.  Each line goes to ``bash``
with ``~`` at a fresh home folder and the virtualenv's ``bin`` first on ``PATH`` — what the
README tells a reader to do.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers.server_process import Server

README = Path(__file__).resolve().parents[1] / "README.md"
BIN = Path(sys.executable).parent
README_SERVER = "http://hq:8765"


def examples() -> list[list[str]]:
    """The ``sh`` blocks between "## Using it" and the next section, one command per line
    (continuation lines joined)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Using it", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [list(_commands(block)) for block in blocks]


def _commands(block: str) -> Iterator[str]:
    for line in block.replace("\\\n", " ").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield line.strip()


@dataclass
class Shell:
    home: Path
    env: dict[str, str] = field(default_factory=dict)
    placeholders: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        drop = {"SOTAY_DATA", "SOTAY_TOKEN", "SOTAY_LANG", "SOTAY_SERVER_DB", "LANG", "LC_ALL"}
        self.env = {k: v for k, v in os.environ.items() if k not in drop}
        self.env.update(HOME=str(self.home), PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
        self.env.update(SOTAY_SERVER_RATE="10000", SOTAY_SERVER_BURST="10000")

    def run(self, command: str, **more: str) -> str:
        for name, value in {**self.placeholders, **more}.items():
            command = re.sub(rf"(?<![\w/]){re.escape(name)}(?![\w])", value, command)
        proc = subprocess.run(
            ["bash", "-c", command],
            cwd=self.home,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, f"{command}\n→ {proc.returncode}\n{proc.stdout}{proc.stderr}"
        return proc.stdout


def first_column_of_first_row(table: str) -> str:
    """The first cell under a CLI table's rule line (───)."""
    lines = table.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
    return lines[rule + 1].split()[0].rstrip("*")


def make_conflict(shell: Shell, task_id: str) -> None:
    """A second machine of the same office changes the task's budget and syncs first; the
    README's profile then changes it otherwise and syncs: one open conflict."""
    other = "sotay --data ~/sotay-2"
    shell.run(f'{other} init --office vn/bac-giang --name "Máy thứ hai"')
    shell.run(f"{other} login --server {shell.placeholders[README_SERVER]} && {other} sync")
    shell.run(f"{other} set {task_id} budget=2.000.000.000 && {other} sync")
    shell.run(f"sotay --data ~/sotay set {task_id} budget=3.000.000.000")
    shell.run("sotay --data ~/sotay sync")


def make_plan_table(shell: Shell) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời gian hoàn thành"])
    sheet.append([1, "Xây dựng kho dữ liệu dùng chung của tỉnh", "Văn phòng UBDT", "Quý IV/2022"])
    book.save(shell.home / "ke-hoach.xlsx")


def hq_demo_profile(shell: Shell) -> None:
    """The outputs block runs on the default profile: headquarters with the demo data."""
    shell.run('sotay init --office vn --name "Ban Chỉ đạo" && sotay demo --no-ui')
    meetings = shell.run("sotay ls meeting")
    row = next(line for line in meetings.splitlines() if "27/05/2022" in line)
    shell.placeholders["MEETING_ID"] = row.split()[0].rstrip("*")


def test_every_readme_example_runs(tmp_path: Path) -> None:
    client, outputs, central = examples()
    shell = Shell(tmp_path)
    *setup, serve, teardown = central
    for command in setup:
        out = shell.run(command)
    token = out.strip().splitlines()[-1]
    assert re.fullmatch(r"st_[\w-]{20,}", token), out
    assert re.fullmatch(r"sotay-server --db hq\.db serve --host 127\.0\.0\.1 --port 8765 .*", serve)
    server = Server(tmp_path / "hq.db")
    try:
        shell.placeholders[README_SERVER] = server.url
        shell.env["SOTAY_TOKEN"] = token
        for command in client:
            if "resolve ID" in command:
                make_conflict(shell, shell.placeholders["ID"])
                listing = shell.run(command.split(";")[0])
                shell.run(command, ID=first_column_of_first_row(listing))
                continue
            out = shell.run(command)
            if command.split()[3:5] == ["add", "task"]:
                shell.placeholders["ID"] = out.strip()
        hq_demo_profile(shell)
        make_plan_table(shell)
        for command in outputs:
            shell.run(command)
        shell.run(teardown)
    finally:
        server.stop()


@pytest.mark.parametrize("block", [0, 1, 2])
def test_the_readme_has_the_three_example_blocks(block: int) -> None:
    assert len(examples()[block]) >= 5

"""``bench/load.py`` (issue 10's load benchmark) starts and explains itself; its figures are
not tested (they depend on the machine), only that the one command is there with its options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_load_benchmark_lists_its_phases_options() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    options = {word.strip("[],") for word in done.stdout.split() if word.startswith(("--", "[--"))}
    assert options >= {
        "--quick",
        "--offices",
        "--rate",
        "--seconds",
        "--closed",
        "--runs",
        "--feed",
        "--fill-seconds",
        "--generators",
        "--backends",
    }

"""The headless packages (domain, the replica, the protocol, the sync client, the server)
never import Textual: they must run on a server or in a script without a terminal UI."""

from __future__ import annotations

import subprocess
import sys

HEADLESS = (
    "domain",
    "domain.records",
    "domain.rules",
    "sync.store",
    "sync.protocol",
    "sync.client",
    "sync.conflicts",
    "server_stub.app",
    "tui.derived",
    "tui.editing",
    "tui.present",
    "tui.inputs",
)


def test_headless_packages_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {HEADLESS!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(len(leaked))\n"
        "assert not leaked, leaked[:5]\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


def test_the_app_module_does_import_textual() -> None:
    """The check above is meaningful: the interface itself is Textual."""
    code = "import sys, tui.app\nprint('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"

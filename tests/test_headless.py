"""The headless code never imports Textual, and the app paints before pydantic and httpx load.

* Every module of ``domain``, ``sync``, ``server_stub`` and ``documents``, and the modules of
  ``tui`` that the import-linter contract "… never import Textual" names (the command line,
  its presenters and editors), is imported in a fresh interpreter: no ``textual`` module may
  appear.  The list of ``tui`` modules is read from that contract in ``pyproject.toml``, so the
  contract and this test cannot drift apart.
* The app is started on a profile and asked, at its first paint, which of ``pydantic`` and
  ``httpx`` are loaded: neither may be (the dashboard must not wait for them).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "sync", "server_stub", "documents")
CONTRACT = "The documents, the replica and the command line never import Textual"


def headless_modules() -> list[str]:
    names: list[str] = []
    for package in PACKAGES:
        names.append(package)
        found = pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}.")
        names += sorted(m.name for m in found)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["name"] == CONTRACT]
    names += [m for m in contract["source_modules"] if m.startswith("tui")]
    return names


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_every_headless_module_imports_without_textual() -> None:
    modules = headless_modules()
    assert {"domain.records", "sync.store", "server_stub.app", "documents.notice"} <= set(modules)
    assert "tui.cli" in modules and "tui.present" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    assert _run(code) == "[]"


def test_the_app_module_does_import_textual() -> None:
    """The check above is meaningful: the interface itself is Textual."""
    assert _run("import sys, tui.app\nprint('textual' in sys.modules)") == "True"


def test_the_app_paints_before_pydantic_and_httpx_load(tmp_path: Path) -> None:
    code = f"""
import sys
from sync.store import Store
from tui.app import build_app

store = Store.create({str(tmp_path / "p")!r}, office="vn/bac-giang", name="Sở TT&TT")
seen = []

def painted(app):
    seen.extend(m for m in ("pydantic", "httpx") if m in sys.modules)
    app.exit(0)

app = build_app(store, None, sync_interval=None, on_first_paint=painted)
app.run(headless=True)
store.close()
print(sorted(seen))
"""
    assert _run(code) == "[]"

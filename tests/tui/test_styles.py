"""One CSS mechanism: the app lists every screen's style file (each beside its screen) and no
screen brings a CSS_PATH of its own (that would re-parse every style when it first opens)."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

from textual.screen import Screen

from tui.app import SotayApp

TUI = Path(__file__).resolve().parents[2] / "tui"


def test_the_app_lists_every_screen_style_file() -> None:
    listed = {TUI / str(path) for path in SotayApp.CSS_PATH}
    assert all(path.is_file() for path in listed)
    styles = set((TUI / "screens").glob("*.tcss")) | set((TUI / "widgets").glob("*.tcss"))
    assert styles - listed == {TUI / "screens" / "setup.tcss"}  # the first-run app's own


def test_no_screen_brings_its_own_styles() -> None:
    own = []
    for file in sorted((TUI / "screens").glob("*.py")):
        module = importlib.import_module(f"tui.screens.{file.stem}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            mine = cls.__module__ == module.__name__
            if mine and issubclass(cls, Screen) and "CSS_PATH" in vars(cls):
                own.append(name)
    assert not own

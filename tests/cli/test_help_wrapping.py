"""Help is wrapped to the terminal without cutting what a person types: a scope, a choice or
a command with hyphens stays on one line (argparse had broken ``vn/bac-giang`` after
``bac-`` and ``khoi-so-nganh`` after ``khoi-so-`` on a narrow terminal)."""

from __future__ import annotations

import pytest

from domain.i18n import Lang
from server_stub import cli as server_cli
from tests.cli.test_help_language import subparsers
from tui.cli import build_parser

WIDTHS = (40, 50, 64, 80)


def helps(lang: Lang) -> dict[str, str]:
    """Every ``sotay`` and ``sotay-server`` help text (the top-level ones too), by command."""
    return {
        parser.prog: parser.format_help()
        for root in (build_parser(lang), server_cli._parser(lang))
        for parser in subparsers(root)
    }


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_help_wraps_between_words_only(
    lang: Lang, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    wide = helps(lang)
    monkeypatch.setenv("COLUMNS", str(width))
    narrow = helps(lang)
    assert {prog: text.split() for prog, text in narrow.items()} == {
        prog: text.split() for prog, text in wide.items()
    }


def test_the_example_scope_stays_whole_on_a_narrow_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    text = helps("vi")["sotay move"]
    lines = [line.strip() for line in text.splitlines()]
    assert "vn/bac-giang/yen-the" in lines

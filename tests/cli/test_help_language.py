"""Issue 11, acceptance 5 (the command lines), with the word lists of the strings tables:
every ``sotay … --help`` and ``sotay-server … --help`` (the top-level ones too), and the
lines of common mistakes, in one language.  A Vietnamese answer fails on any English word of
the English tables (or of argparse) that no Vietnamese string of the app uses; an English one
on any Vietnamese letter or common Vietnamese word.  What a person types is code in both
languages and set apart first: options and their choices, command, kind and field names,
what they typed."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from domain.i18n import Lang
from domain.schema import SPECS
from server_stub import cli as server_cli
from tests.helpers.language import WORD, foreign, showing
from tui.cli import build_parser, run

Runner = Callable[[list[str]], int]
#: The example names in the help texts: a unit and a plan's title, as a person would type.
EXAMPLES = ("Sở TT&TT", "Triển khai phần mềm", "Tên", "nhiệm vụ", "THƯ_MỤC")
#: Typed code: choices (mine|theirs|), an option, a choice list, a program's name, a path,
#: field=value.
TYPED = re.compile(
    r"(?:[a-z]+\|)+|--?[\w-]+|\{[^}]*\}|sotay(-server)?|\S*[/=_]\S*|'[^']*'|\"[^\"]*\""
)


def commands(parser: argparse.ArgumentParser, path: list[str]) -> Iterator[list[str]]:
    """Every command path of ``parser``: [], ["ls"], ["office", "add"], …"""
    yield path
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, [*path, name])


def subparsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from subparsers(sub)


def code_words() -> frozenset[str]:
    """Command names, the options' choices, record kinds and fields, the languages' codes:
    typed as they are."""
    parsers = [*subparsers(build_parser("vi")), *subparsers(server_cli._parser("vi"))]
    paths = [*commands(build_parser("vi"), []), *commands(server_cli._parser("vi"), [])]
    names = {"vi", "en", *(w for path in paths for name in path for w in WORD.findall(name))}
    for parser in parsers:
        names |= {str(c) for a in parser._actions if a.choices and a.help for c in a.choices}
        metavars = [str(a.metavar) for a in parser._actions if "|" in str(a.metavar)]
        names |= {c for m in metavars for c in m.split("|") if c.islower()}
    for kind, spec in SPECS.items():
        names |= {kind, *spec.fields}
    return frozenset(w.lower() for w in names)


def other_language(text: str, lang: Lang, typed: list[str]) -> list[str]:
    for example in EXAMPLES:
        text = text.replace(example, " ")
    text = TYPED.sub(" ", text)
    data = code_words() | {w.lower() for arg in typed for w in WORD.findall(arg)}
    return foreign(text, lang, data, capitals=True)


def sotay(argv: list[str]) -> int:
    return run(argv)


def server(argv: list[str]) -> int:
    return server_cli.main(argv)


def helps(lang: Lang) -> Iterator[tuple[Runner, list[str]]]:
    for path in commands(build_parser(lang), []):
        yield sotay, [*path, "--help"]
    for path in commands(server_cli._parser(lang), []):
        yield server, [*path, "--help"]


#: Mistakes a person makes, on a new profile: a missing kind, value or file, a wrong field.
MISTAKES: tuple[tuple[Runner, list[str]], ...] = (
    (sotay, ["ls"]),
    (sotay, ["ls", "bogus"]),
    (sotay, ["show"]),
    (sotay, ["show", "12345678"]),
    (sotay, ["add", "task"]),
    (sotay, ["add", "task", "title=Kiểm tra", "due=31/02/2024"]),
    (sotay, ["add", "task", "bogus=1"]),
    (sotay, ["import", "/nowhere/ban-ghi.jsonl"]),
    (sotay, ["export", "--format", "xml"]),
    (sotay, ["rollup", "--sort", "bogus"]),
    (sotay, ["lsx"]),
    (server, ["token"]),
    (server, ["office", "add"]),
)


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "office"
    monkeypatch.setenv("SOTAY_DATA", str(data))
    monkeypatch.setenv("SOTAY_SERVER_DB", str(tmp_path / "server.db"))
    assert run(["init", "--office", "vn/bac-giang", "--name", "Bắc Giang"]) == 0
    return data


def answer(runner: Runner, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    runner(argv)
    said = capsys.readouterr()
    return said.out + said.err


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_help_is_in_one_language(lang: Lang, capsys: pytest.CaptureFixture[str]) -> None:
    walked = []
    for runner, argv in helps(lang):
        text = answer(runner, ["--lang", lang, *argv], capsys)
        assert text.strip(), argv
        words = other_language(text, lang, argv)
        assert words == [], (argv, showing(text, words))
        walked.append(argv)
    assert len(walked) > 40 and ["--help"] in walked


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("runner", "argv"), MISTAKES, ids=[" ".join(m[1]) for m in MISTAKES])
def test_a_mistake_is_explained_in_one_language(
    lang: Lang, runner: Runner, argv: list[str], profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    text = answer(runner, ["--lang", lang, *argv], capsys)
    assert text.strip(), argv
    words = other_language(text, lang, argv)
    assert words == [], (argv, showing(text, words))


def test_the_lists_catch_argparse_and_the_tables_words() -> None:
    """The check itself: argparse's own English and a table's English word on a Vietnamese
    line; a Vietnamese word on an English one."""
    english = "usage: sotay ls [-h]\noptions:\n  -h, --help  show this help message and exit"
    expected = ["usage", "options", "this", "help", "message", "and", "exit"]  # show: a command
    assert other_language(english, "vi", []) == expected
    assert other_language("lệnh xuất mọi records (JSON lines)", "vi", []) == [
        "records",
        "lines",
    ]
    assert other_language("error: cách dùng", "en", []) == ["cách", "dùng"]

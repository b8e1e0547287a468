"""Issue 11, acceptance 5 (the command lines): every ``--help`` of ``sotay`` and
``sotay-server``, and their usage errors, are in the chosen language only — argparse's own
words ("usage:", "options:", "show this help message and exit", "error:") included."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
from collections.abc import Callable, Iterator, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.i18n import LANGS, Lang
from server_stub import cli as server_cli
from tui.cli import build_parser, run

#: English words a Vietnamese screen must not show (argparse's, and common ones of ours).
ENGLISH = frozenset(
    (
        "usage",
        "options",
        "positional",
        "show",
        "help",
        "message",
        "exit",
        "required",
        "arguments",
        "argument",
        "invalid",
        "choice",
        "choose",
        "error",
        "expected",
        "unrecognized",
        "the",
        "and",
        "of",
        "or",
        "to",
        "list",
        "records",
        "record",
        "file",
        "default",
        "offices",
        "tokens",
        "service",
        "run",
    )
)
#: Vietnamese an English screen may show: the product's name and the example unit.
NAMES = ("Sổ tay", "Sở TT&TT")
VIETNAMESE = re.compile(r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]")
VIETNAMESE_WORDS = frozenset(("cua", "va", "cac", "cho", "khong", "mot", "nhung", "trong"))

Runner = Callable[[list[str]], int]


def _commands(parser: argparse.ArgumentParser, path: list[str]) -> Iterator[list[str]]:
    """Every command path of ``parser``: [], ["ls"], ["office", "add"], …"""
    yield path
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, [*path, name])


def _command_names() -> frozenset[str]:
    """The words typed as commands (``show``, ``ls``): code, the same in both languages."""
    paths = [*_commands(build_parser("vi"), []), *_commands(server_cli._parser("vi"), [])]
    return frozenset(name for path in paths for name in path)


def _words_of_the_other_language(text: str, lang: Lang, typed: Sequence[str] = ()) -> list[str]:
    """What in ``text`` belongs to the other language; option names, choices, command
    names and the words the person typed (echoed back) aside."""
    text = re.sub(r"--?[\w-]+|\{[^}]*\}|sotay(-server)?", " ", text)
    echoed = {w for word in typed for w in re.findall(r"\w+", word)}
    if lang == "vi":
        words = re.findall(r"\w+", text)
        ignored = _command_names() | echoed
        return [w for w in words if w.lower() in ENGLISH and w not in ignored]
    for name in (*NAMES, *(w for word in typed for w in (repr(word), word) if not w.isascii())):
        text = text.replace(name, " ")
    words = [w for w in re.findall(r"\w+", text) if w.lower() in VIETNAMESE_WORDS - echoed]
    return VIETNAMESE.findall(text.lower()) + words


def _sotay(argv: list[str]) -> int:
    return run(argv)


def _server(argv: list[str]) -> int:
    return server_cli.main(argv)


def _all_helps(lang: Lang) -> Iterator[tuple[Runner, list[str]]]:
    for path in _commands(build_parser(lang), []):
        yield _sotay, ["--lang", lang, *path, "--help"]
    for path in _commands(server_cli._parser(lang), []):
        yield _server, ["--lang", lang, *path, "--help"]


#: Usage errors a person makes: a missing command or value, a wrong choice, a stray word.
MISTAKES = (
    (_sotay, ["export", "--format", "xml"]),
    (_sotay, ["show"]),
    (_sotay, ["init", "--office"]),
    (_sotay, ["status", "--colour"]),
    (_sotay, ["lsx"]),
    (_server, ["office", "add", "vn"]),
    (_server, ["token"]),
    (_server, ["token", "create", "--office", "vn", "--role", "boss"]),
    (_server, ["serve", "--port", "eight"]),
)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_help_and_usage_error_is_in_one_language(
    lang: Lang, capsys: pytest.CaptureFixture[str]
) -> None:
    seen = 0
    for runner, argv in [*_all_helps(lang), *MISTAKES]:
        if argv[0] != "--lang":
            argv = ["--lang", lang, *argv]
        code = runner(argv)
        said = capsys.readouterr()
        text = said.out + said.err
        assert code == (0 if argv[-1] == "--help" else 2), (argv, text)
        assert _words_of_the_other_language(text, lang) == [], (argv, text)
        seen += 1
    assert seen > 40, "every subcommand of both programs was walked"


def test_the_english_list_would_catch_argparse_s_own_words() -> None:
    """The check itself: today's untranslated help would fail it."""
    english = "usage: sotay ls [-h]\n\noptions:\n  -h, --help  show this help message and exit"
    assert _words_of_the_other_language(english, "vi") == [
        "usage",
        "options",
        "help",
        "message",
        "and",
        "exit",
    ]
    assert _words_of_the_other_language("cách dùng: sotay ls", "en") == ["á", "ù"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "vi",
            "sotay export: lệnh chưa đúng: --format: không có lựa chọn 'xml' "
            "(chọn một trong: 'jsonl', 'json')",
        ),
        (
            "en",
            "sotay export: error: argument --format: invalid choice: 'xml' "
            "(choose from 'jsonl', 'json')",
        ),
    ],
)
def test_a_wrong_choice_is_explained_in_the_chosen_language(
    lang: Lang, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--lang", lang, "export", "--format", "xml"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == expected


def test_argparse_elsewhere_in_the_process_keeps_its_own_words() -> None:
    build_parser("vi").format_help()
    other = argparse.ArgumentParser(prog="x")
    assert "usage: x" in other.format_help()
    assert "show this help message and exit" in other.format_help()


_WORDS = st.sampled_from(
    [
        *("ls", "add", "show", "export", "import", "rollup", "init", "task", "xml", "overdue"),
        *("--format", "--sort", "--office", "--kind", "--json", "-o", "--bogus", "=", "-"),
        "nhiệm vụ",
    ]
)


@settings(max_examples=60)
@given(argv=st.lists(_WORDS | st.text(max_size=6), max_size=5), lang=st.sampled_from(LANGS))
def test_any_command_line_is_answered_in_one_language(argv: list[str], lang: Lang) -> None:
    """Whatever is typed, parsing answers in ``lang`` (the typed words aside), never with a
    traceback: exit 0 (parsed) or 2 (explained)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            build_parser(lang).parse_args(argv)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    assert code in (0, 2)
    assert _words_of_the_other_language(err.getvalue(), lang, argv) == [], (argv, err.getvalue())

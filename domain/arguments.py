"""The command lines' argument parser, in one language: argparse's own words too.

argparse builds its words ("usage: ", "options", "show this help message and exit", "the
following arguments are required: %s", …) by calling ``_``, a name in its module (gettext's
``gettext``), at the moment it uses them.  :class:`Parser` points that name at our
catalogue for the duration of each of its own calls — building, parsing, formatting help,
reporting an error — and puts it back after, so no other argparse user in the process is
changed.  ``sotay`` and ``sotay-server`` both parse with it (the layers let both import
``domain``); a message argparse has that is not in :data:`WORDS` stays as argparse says it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any, NoReturn, TypeVar

from domain.i18n import Lang, known, resolve_lang, t

#: argparse's messages (its gettext ids) → our catalogue keys (same ``%`` fields).
WORDS = {
    "usage: ": "args.usage",
    "positional arguments": "args.positionals",
    "options": "args.options",
    "subcommands": "args.subcommands",
    "show this help message and exit": "args.help",
    "show program's version number and exit": "args.version",
    "%(prog)s: error: %(message)s\n": "args.error",
    "argument %(argument_name)s: %(message)s": "args.argument",
    "the following arguments are required: %s": "args.required",
    "one of the arguments %s is required": "args.one_required",
    "invalid choice: %(value)r (choose from %(choices)s)": "args.invalid_choice",
    "invalid %(type)s value: %(value)r": "args.invalid_value",
    "unrecognized arguments: %s": "args.unrecognized",
    "expected one argument": "args.expected_one",
    "expected at most one argument": "args.expected_at_most_one",
    "expected at least one argument": "args.expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "args.ambiguous",
    "not allowed with argument %s": "args.not_allowed_with",
    "ignored explicit argument %r": "args.ignored_explicit",
    "unexpected option string: %s": "args.unexpected_option",
}

_R = TypeVar("_R")


def lang_of(argv: Sequence[str]) -> Lang:
    """The language a command line asks for (``--lang en`` / ``--lang=en``), else the
    environment's: known before the parser is built, so its help is in that language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return resolve_lang(argv[i + 1])
        if arg.startswith("--lang="):
            return resolve_lang(arg.split("=", 1)[1])
    return resolve_lang()


def translate(message: str, lang: Lang) -> str:
    """argparse's ``message`` in ``lang`` (unchanged if we do not know it)."""
    key = WORDS.get(message)
    return t(key, lang) if key else message


def _translate_n(singular: str, plural: str, n: int, lang: Lang) -> str:
    """argparse's one ``ngettext`` word: "expected %s argument(s)"."""
    if singular == "expected %s argument":
        return t("args.expected_n", lang)
    return singular if n == 1 else plural


@contextmanager
def speaking(lang: Lang) -> Iterator[None]:
    """argparse's words in ``lang`` inside the block."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = partial(translate, lang=lang)  # type: ignore[attr-defined]
    argparse.ngettext = partial(_translate_n, lang=lang)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, except that a line never breaks at a hyphen inside a word: a scope,
    a choice or a command is typed as one (``vn/bac-giang``, ``muc-dat-chi-tieu``), and
    argparse's wrapping had cut them across two lines (``vn/bac-`` / ``giang``).  A word
    longer than the column runs past it whole rather than being cut."""

    # textwrap is imported when help is shown, as argparse does: not by every command

    def _split_lines(self, text: str, width: int) -> list[str]:
        import textwrap

        return textwrap.wrap(_one_line(text), width, break_on_hyphens=False, break_long_words=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        return textwrap.fill(
            _one_line(text),
            width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=False,
        )


class RawDescriptionHelpFormatter(argparse.RawDescriptionHelpFormatter, HelpFormatter):
    """:class:`HelpFormatter` for a command whose description and epilog are laid out by
    hand (kept as written); its arguments' help wraps as everywhere else."""


def _one_line(text: str) -> str:
    """argparse's own first step: every run of white space one space, none at the ends."""
    return " ".join(text.split())


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose every word is in ``lang``; its subcommands' too.  Its
    help wraps with :class:`HelpFormatter`."""

    def __init__(self, *args: Any, lang: Lang = "vi", **kwargs: Any) -> None:
        self.lang: Lang = lang
        kwargs.setdefault("formatter_class", HelpFormatter)
        with speaking(lang):
            super().__init__(*args, **kwargs)

    def _in_lang(self, call: Callable[..., _R], *args: Any, **kwargs: Any) -> _R:
        with speaking(self.lang):
            return call(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """An argument whose value's name (``--scope PHẠM_VI``) is in ``lang`` when the
        catalogue has ``args.metavar.<dest>``, in help and in error messages alike."""
        action = super().add_argument(*args, **kwargs)
        key = f"args.metavar.{action.dest}"
        if action.metavar is None and action.nargs != 0 and not action.choices and known(key):
            action.metavar = t(key, self.lang)
        return action

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", partial(type(self), lang=self.lang))
        kwargs.setdefault("metavar", t("args.command", self.lang))
        return self._in_lang(super().add_subparsers, **kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        return self._in_lang(super().parse_known_args, args, namespace)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        return self._in_lang(super().parse_args, args, namespace)

    def format_usage(self) -> str:
        return self._in_lang(super().format_usage)

    def format_help(self) -> str:
        return self._in_lang(super().format_help)

    def error(self, message: str) -> NoReturn:
        with speaking(self.lang):
            super().error(message)

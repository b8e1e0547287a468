"""The ``sotay`` subcommands, one module per area; each adds its own with :func:`command`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from domain.i18n import Lang, t
from domain.text import fold

if TYPE_CHECKING:
    from tui.cli import Context


def command(
    sub: Any, lang: Lang, name: str, func: Callable[[argparse.Namespace, Context], int]
) -> argparse.ArgumentParser:
    """The subcommand ``name`` running ``func``; its help (in the list of commands and atop
    its own ``--help``) is ``cli.cmd.<name>`` in ``lang``."""
    text = help_of(name, lang)
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=text, description=text[:1].upper() + text[1:]
    )
    parser.set_defaults(func=func)
    return parser


def help_of(name: str, lang: Lang) -> str:
    """The command ``name``'s line in the list of commands: ``cli.cmd.<name>`` in ``lang``."""
    return t("cli.cmd." + name.replace("-", "_"), lang)


def as_typed(code: str, label: str) -> str:
    """A choice as typed and as read, for help texts: "task (Nhiệm vụ)"; the code alone when
    its label says the same ("unit", not "unit (Unit)"; "quy", not "quy (Quý)")."""
    return code if bare(label) == bare(code) else f"{code} ({label})"


def bare(text: str) -> str:
    """Letters and digits only, folded: how typed words are compared ("6 tháng" = "6thang")."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def typed_word(label: str) -> str:
    """How a label is typed: folded, its words joined by "-" ("Khối sở, ngành" →
    "khoi-so-nganh")."""
    return "-".join("".join(ch if ch.isalnum() else " " for ch in fold(label)).split())


@dataclass(frozen=True)
class Choices:
    """An option's choices as a person types them: the Vietnamese help lists the labels'
    typed words ("quy", "6-thang"), the English one the codes ("quarter"); either language's
    word, or the code, is read (``type=`` of the argument; refused in ``lang``'s words)."""

    codes: tuple[str, ...]
    labels: str  # the label of a code is ``<labels>.<code>``
    lang: Lang

    def word(self, code: str) -> str:
        return code if self.lang == "en" else typed_word(self.label(code, "vi"))

    def label(self, code: str, lang: Lang) -> str:
        return t(f"{self.labels}.{code}", lang)

    def __call__(self, typed: str) -> str:
        wanted = bare(typed)
        for said in (lambda c: c, lambda c: self.label(c, "vi"), lambda c: self.label(c, "en")):
            for code in self.codes:
                if wanted == bare(said(code)):
                    return code
        known = ", ".join(self.word(code) for code in self.codes)
        raise argparse.ArgumentTypeError(t("cli.err.choice", self.lang, value=typed, known=known))

    def help(self, key: str) -> str:
        """``key``'s help text naming each choice as typed and as read."""
        named = ", ".join(as_typed(self.word(c), self.label(c, self.lang)) for c in self.codes)
        return t(key, self.lang, choices=named).replace("%", "%%")  # argparse formats with %

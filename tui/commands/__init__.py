"""The ``sotay`` subcommands, one module per area; each adds its own with :func:`command`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
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
    its label says the same ("unit", not "unit (Unit)")."""
    return code if fold(label) == fold(code) else f"{code} ({label})"

"""``sotay``: the app and its command line.

With no command it opens the terminal app on the current profile.  Commands are grouped in
modules under :mod:`tui.commands`; each has a ``register(subparsers)`` function.  Every
error a person can cause ends as one clear line in their language and an exit code ≠ 0,
never a traceback (an unexpected one goes to ``sotay-errors.log`` in the data directory).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from domain.arguments import Parser, lang_of, translate
from domain.errors import SotayError
from domain.i18n import Lang, t
from domain.runtime import tune_collector
from tui import strings
from tui.commands import help_of
from tui.console import Console

if TYPE_CHECKING:  # the store (tinydb) is loaded by the commands that open it
    from sync.store import Store

#: Every command and the module that registers and runs it, in the order ``--help`` lists
#: them.  Start-up imports only the module of the command typed (none for ``--help``): the
#: others are listed by name and help line alone (a test holds this table to the modules).
COMMANDS = {
    **dict.fromkeys(
        ("init", "add", "set", "rm", "restore", "move", "show", "ls", "find", "export"),
        "tui.commands.records",
    ),
    **dict.fromkeys(("import", "status"), "tui.commands.records"),
    "doctor": "tui.commands.doctor",
    **dict.fromkeys(
        ("login", "logout", "sync", "conflicts", "resolve", "removals"), "tui.commands.syncing"
    ),
    **dict.fromkeys(
        ("report", "notice", "ranking", "import-plan", "rollup"), "tui.commands.outputs"
    ),
    "demo": "tui.commands.app",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))

Handler = Callable[[argparse.Namespace, "Context"], int]

#: Commands that only read the profile (their output files go elsewhere).  ``report`` and
#: ``ranking`` with ``--save`` write a record (so does ``report --section``), and
#: ``import-plan`` only with ``--dry-run`` reads: see :func:`reads_only`.
READ_ONLY_COMMANDS = frozenset(
    {"ls", "show", "find", "export", "status", "report", "notice", "ranking", "rollup", "conflicts"}
)


def reads_only(args: argparse.Namespace) -> bool:
    """Whether the command opens the profile read-only (``Store.open(read_only=True)``).

    Always, for a command that only reads — not only as a fallback when the folder turns
    out not to be writable (EROFS / EACCES on the lock):

    * one path, run every time: the read-only open is what every ``ls`` and ``export``
      uses, so it cannot rot unseen until someone opens a profile on a read-only medium;
    * a read changes nothing: listing a backup copy, a colleague's folder or evidence does
      not create a lock file, set a torn tail aside or rewrite snapshots;
    * it works beside the app: ``sotay ls`` or ``sotay report`` while the app has the
      profile open reads what the app has saved, instead of failing "already open".

    The cost is that a read command does no housekeeping (checkpoint, setting a torn tail
    aside): the next command that writes, or the app, does it.  Writes always take the lock,
    so two writers still never meet.
    """
    command = getattr(args, "command", None)
    if command == "import-plan":
        return bool(getattr(args, "dry_run", False)) and not getattr(args, "yes", False)
    if command == "removals":
        return not getattr(args, "accept", False)
    edits = getattr(args, "section", None) is not None or getattr(args, "refresh_section", None)
    return command in READ_ONLY_COMMANDS and not (getattr(args, "save", False) or edits)


def default_data_dir() -> Path:
    env = os.environ.get("SOTAY_DATA")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("sotay", appauthor=False)) / "default"


@dataclass
class Context:
    """What every command gets: where the profile lives, the language, the console."""

    data: Path
    lang: Lang
    console: Console
    extra: dict[str, Any] = field(default_factory=dict)
    #: The command only reads: the store is opened read-only (see :func:`reads_only`).
    read_only: bool = False

    def open_store(self) -> Store:
        from sync.store import Store

        return Store.open(self.data, read_only=self.read_only)


class _Version(argparse._VersionAction):
    """``--version``: the installed package's metadata is read only when it is asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from domain.version import version

        self.version = f"sotay {version()}"
        super().__call__(parser, *args, **kwargs)


def build_parser(lang: Lang, modules: Iterable[str] = COMMAND_MODULES) -> Parser:
    """The parser of ``sotay``: the commands of ``modules`` whole, the others by name and help
    line only (enough to list them, or to find which command was typed)."""
    parser = Parser(prog="sotay", description=t("cli.description", lang), lang=lang)
    parser.add_argument("--data", help=t("cli.help.data", lang))
    parser.add_argument("--lang", choices=["vi", "en"], help=t("cli.help.lang", lang))
    parser.add_argument("--version", action=_Version, help=t("cli.help.version", lang))
    sub = parser.add_subparsers(dest="command")
    wanted = set(modules)
    for name, module_name in COMMANDS.items():
        if module_name in wanted:
            wanted.discard(module_name)
            _register(sub, module_name, lang)
        if name not in sub.choices:  # a module missing from this installation, or not wanted
            sub.add_parser(name, help=help_of(name, lang), add_help=False)
    return parser


def _register(sub: Any, name: str, lang: Lang) -> None:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return
    module.register(sub, lang)


def _log_crash(data: Path) -> Path | None:
    import traceback
    from datetime import UTC, datetime

    try:
        data.mkdir(parents=True, exist_ok=True)
        log = data / "sotay-errors.log"
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now(UTC).isoformat()}\n{traceback.format_exc()}\n")
        return log
    except OSError:
        return None


def _global_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """``sotay`` with only --data / --lang opens the app: no need to load every command."""
    values: dict[str, str | None] = {"data": None, "lang": None}
    items = list(argv)
    while items:
        arg = items.pop(0)
        name, eq, value = arg.partition("=")
        if name not in ("--data", "--lang"):
            return None
        if not eq:
            if not items:
                return None
            value = items.pop(0)
        if name == "--lang" and value not in ("vi", "en"):
            return None
        values[name[2:]] = value
    return argparse.Namespace(command=None, **values)


def _parse(parser: Parser, argv: Sequence[str]) -> argparse.Namespace:
    """Parse, letting ``field=value`` words follow options (``add task --scope S a=1``):
    argparse gives a list positional only the words before the first option."""
    args, extra = parser.parse_known_args(argv)
    fields = getattr(args, "fields", None)
    if extra and isinstance(fields, list) and not any(w.startswith("-") for w in extra):
        fields.extend(extra)
    elif extra:
        parser.error(translate("unrecognized arguments: %s", parser.lang) % " ".join(extra))
    return args


def _parse_command_line(argv: Sequence[str], lang: Lang) -> argparse.Namespace:
    """Parse with only the typed command's module loaded: a first pass over the commands'
    names finds which one it is (or answers ``--help`` / ``--version`` and top-level
    mistakes itself), the second parses it whole."""
    names = build_parser(lang, ())
    found, _rest = names.parse_known_args(argv)
    module = COMMANDS.get(found.command or "")
    if module is None:
        return _parse(names, argv)
    return _parse(build_parser(lang, (module,)), argv)


def run(argv: Sequence[str] | None = None) -> int:
    strings.load()
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = lang_of(argv)
    console = Console(lang)
    args = _global_only(argv)
    if args is None:
        try:
            args = _parse_command_line(argv, lang)
        except SystemExit as exc:
            return int(exc.code or 0)
    data = Path(args.data).expanduser() if args.data else default_data_dir()
    ctx = Context(data=data, lang=lang, console=console, read_only=reads_only(args))
    handler: Handler | None = getattr(args, "func", None)
    if handler is None:
        handler = _default_handler(lambda: build_parser(lang))
    try:
        return handler(args, ctx)
    except SotayError as exc:
        console.note(exc.message(lang))
        return exc.exit_code
    except KeyboardInterrupt:
        console.note(t("cli.stopped", lang))
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: no traceback on the terminal
        log = _log_crash(data)
        detail = f"{type(exc).__name__}" + (f"; {log}" if log else "")
        console.note(t("error.internal", lang, detail=detail))
        return 70


def _default_handler(parser: Callable[[], Parser]) -> Handler:
    def show_help(args: argparse.Namespace, ctx: Context) -> int:
        parser().print_help()
        return 0

    try:
        module = importlib.import_module("tui.commands.app")
    except ModuleNotFoundError:
        return show_help
    handler: Handler = module.open_app
    return handler


def without_httpx_cli() -> None:
    """``import httpx`` imports httpx's own command line when click, rich and pygments are
    installed (they are: Textual and uvicorn bring them), two thirds of its import time;
    ``sotay`` never runs it, so httpx is told it is absent and defines its stub."""
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def main() -> NoReturn:
    tune_collector()  # the entry point's to decide, not the library's
    without_httpx_cli()
    raise SystemExit(run())

"""Issue 10: start-up imports only what each command needs.

``sotay --help`` loaded every command module, and with them pydantic, httpx, tinydb, the
documents and the package metadata (0.22 s on a machine where Python itself starts in
0.02 s); ``sotay sync`` loaded the documents and httpx's own command line (rich, pygments,
click).  Each test runs a whole ``sotay`` process and reads, at its exit, which modules it
had loaded; times are the benchmark's to measure (``bench/cli.py``), not a test's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import ssl
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.arguments import Parser
from domain.i18n import LANGS, Lang
from sync.client import SyncClient
from sync.store import Store
from tests.helpers.cli_world import World, cli_env
from tui import cli

ROOT = Path(__file__).resolve().parents[2]
#: ``sotay ARGS`` with, at exit, the names of the loaded modules written to the first argument.
PROBE = (
    "import atexit, sys\n"
    "out = sys.argv.pop(1)\n"
    "names = lambda: sorted(n for n, m in sys.modules.items() if m)  # None: blocked\n"
    "atexit.register(lambda: open(out, 'w').write(' '.join(names())))\n"
    "sys.argv[0] = 'sotay'\n"
    "from tui.cli import main\n"
    "main()\n"
)
#: What no command's start-up needs (a name ending in "." stands for its submodules only:
#: the ``documents`` package itself is opened for its strings.json).
FOR_NOBODY = ("textual", "tui.app", "tui.screens", "tui.widgets", "rich", "pygments", "click")
#: What listing the commands needs none of.
NOT_FOR_HELP = (
    *FOR_NOBODY,
    *("pydantic", "httpx", "tinydb", "filelock", "platformdirs", "orjson", "asyncio"),
    *("importlib.metadata", "sync.", "documents.", "domain.records", "tui.commands."),
)


def loaded(home: Path, *args: str) -> list[str]:
    """The modules a whole ``sotay ARGS`` process has loaded when it exits (it must succeed)."""
    out = home / "modules.txt"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=cli_env(home),
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return out.read_text().split()


def among(modules: Iterable[str], names: Iterable[str]) -> list[str]:
    """The top-level names of ``names`` that ``modules`` has (or has under it, for "x.")."""
    found = set()
    for name in names:
        if name.endswith("."):
            found |= {name[:-1] for m in modules if m.startswith(name)}
        else:
            found |= {name for m in modules if m == name or m.startswith(name + ".")}
    return sorted(found)


@pytest.mark.parametrize("lang", LANGS)
def test_help_loads_no_command_store_network_or_documents_module(
    tmp_path: Path, lang: Lang
) -> None:
    assert among(loaded(tmp_path, "--lang", lang, "--help"), NOT_FOR_HELP) == []


def test_a_reading_command_loads_its_own_module_only(tmp_path: Path) -> None:
    data = str(tmp_path / "p")
    loaded(tmp_path, "--data", data, "init", "--office", "vn/bac-giang", "--name", "Sở TT&TT")
    for command in (["ls", "task"], ["status"], ["show", "--help"]):
        modules = loaded(tmp_path, "--data", data, *command)
        others = ("tui.commands.syncing", "tui.commands.outputs", "tui.commands.app")
        heavy = (*FOR_NOBODY, *others, "httpx", "pydantic", "documents.")
        assert among(modules, heavy) == [], command
        assert "tui.commands.records" in modules


def test_a_writing_command_locks_the_profile_without_filelock(tmp_path: Path) -> None:
    """The profile's lock is ``flock`` itself; filelock (~12 ms to import) only stands in on
    a file system without it."""
    data = str(tmp_path / "p")
    loaded(tmp_path, "--data", data, "init", "--office", "vn/bac-giang", "--name", "Sở TT&TT")
    modules = loaded(tmp_path, "--data", data, "add", "unit", "name=Sở Nội vụ")
    assert "sync.durable" in modules and among(modules, ["filelock"]) == []


@pytest.mark.e2e
def test_sync_loads_neither_the_app_nor_the_documents(tmp_path: Path) -> None:
    """A push from one replica and a pull into another, each a whole ``sotay sync``."""
    world = World(tmp_path / "server")
    try:
        a = world.replica(tmp_path / "a", "vn/bac-giang")
        b = world.replica(tmp_path / "b", "vn/bac-giang")
        a("add", "unit", "name=Sở Thông tin và Truyền thông")
        pushed = loaded(world.home, "--data", str(a.data), "sync")
        pulled = loaded(world.home, "--data", str(b.data), "sync")
    finally:
        world.close()
    heavy = (*FOR_NOBODY, "documents.", "tui.commands.outputs", "tui.commands.records", "pydantic")
    assert (among(pushed, heavy), among(pulled, heavy)) == ([], [])
    assert b.export("unit")[0]["fields"]["name"] == "Sở Thông tin và Truyền thông"


def test_a_client_of_a_plain_http_server_loads_no_certificate_store(tmp_path: Path) -> None:
    """httpx loads the CA bundle for every client, TLS or not (tens of ms at each start);
    for ``http://`` the context trusts nobody instead: a TLS connection would fail closed."""
    store = Store.create(tmp_path / "p", office="vn/bac-giang", name="Sở TT&TT")
    clients = [
        SyncClient(store, server_url=url, token="st_" + "a" * 20)
        for url in ("http://127.0.0.1:8765", "https://sotay.example.vn")
    ]
    contexts: list[Any] = [c._http._transport._pool._ssl_context for c in clients]  # type: ignore[attr-defined]
    try:
        assert [ctx.cert_store_stats()["x509_ca"] > 0 for ctx in contexts] == [False, True]
        assert [ctx.verify_mode for ctx in contexts] == [ssl.CERT_REQUIRED] * 2
    finally:
        for client in clients:
            asyncio.run(client.aclose())
        store.close()


# ---------------------------------------------------------------------------
# The command table and the two-pass parse
# ---------------------------------------------------------------------------
def _choices(parser: argparse.ArgumentParser) -> list[str]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(sub.choices)


def test_the_command_table_is_what_the_modules_register_in_that_order() -> None:
    parser = Parser(prog="sotay", lang="en")
    sub = parser.add_subparsers(dest="command")
    for name in cli.COMMAND_MODULES:
        __import__(name, fromlist=["register"]).register(sub, "en")
    assert list(cli.COMMANDS) == list(sub.choices) == _choices(cli.build_parser("en", ()))


@pytest.mark.parametrize("lang", LANGS)
def test_the_list_of_commands_reads_the_same_with_their_modules_unloaded(lang: Lang) -> None:
    assert cli.build_parser(lang, ()).format_help() == cli.build_parser(lang).format_help()


@contextlib.contextmanager
def _captured() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err


def _outcome(parse: object, argv: list[str]) -> tuple[object, str, str]:
    """What parsing ``argv`` gives: its namespace or exit code, and what it printed."""
    assert callable(parse)
    with _captured() as (out, err):
        try:
            result: object = vars(parse(argv))
        except SystemExit as exc:
            result = exc.code
    return result, out.getvalue(), err.getvalue()


_WORDS = st.sampled_from(
    [
        *cli.COMMANDS,
        *("task", "unit", "title=Việc", "--help", "-h", "--version", "--data", "/tmp/x"),
        *("--lang", "en", "vi", "--format", "json", "--full", "--kind", "--bogus", "-", "--"),
        *("--data=/tmp/y", "--lang=en", "--yes"),
    ]
)


@settings(max_examples=150, deadline=None)
@given(argv=st.lists(_WORDS | st.text(max_size=4), max_size=5), lang=st.sampled_from(LANGS))
def test_parsing_with_one_module_loaded_is_parsing_with_all(argv: list[str], lang: Lang) -> None:
    """Whatever is typed: the same namespace, exit code, output and errors as the parser
    with every command loaded."""
    two_pass = _outcome(lambda a: cli._parse_command_line(a, lang), argv)
    whole = _outcome(lambda a: cli._parse(cli.build_parser(lang), a), argv)
    assert two_pass == whole

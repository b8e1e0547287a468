"""``sotay login`` keeps credentials safe: the token's form is checked before any request,
the server says which office the token belongs to and another office's token is refused with
nothing saved, and the token can come from standard input or ``SOTAY_TOKEN`` (never only the
command line, where ``ps`` and the shell history show it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from sync.credentials import FILE
from tests.helpers.cli_world import cli_env
from tests.helpers.server_process import Server, admin, token

pytestmark = pytest.mark.e2e


def sotay(
    data: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "tui", "--data", str(data), *args],
        capture_output=True,
        text=True,
        env=cli_env(data.parent) | (env or {}),
        input=stdin,
        timeout=60,
        check=False,
    )
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def profile(tmp: Path, office: str = "vn/ha-noi") -> Path:
    data = tmp / "p"
    assert sotay(data, "init", "--office", office, "--name", "Hà Nội")[0] == 0
    return data


def offices(server: Server) -> None:
    for scope in ("vn/ha-noi", "vn/bac-giang"):
        admin(server.db, "office", "add", scope, "--name", scope)


def test_a_token_of_another_office_is_refused_and_nothing_is_saved(
    tmp_path: Path, server: Server
) -> None:
    offices(server)
    data = profile(tmp_path)
    other = token(server.db, "vn/bac-giang")
    code, out = sotay(data, "login", "--server", server.url, "--token", other)
    assert (code, out) == (
        1,
        "This token belongs to the office vn/bac-giang, not to this profile's office "
        "(vn/ha-noi). Not logged in; nothing was saved.",
    )
    assert not (data / FILE).exists()
    assert sotay(data, "sync") == (
        18,
        "No server configured. Run: sotay login --server URL --token TOKEN",
    )


@pytest.mark.parametrize("placeholder", ["st_…", "st_abc", "abc def", "st_" + "é" * 30])
def test_a_token_not_in_its_form_is_a_clear_message_before_any_request(
    tmp_path: Path, placeholder: str
) -> None:
    data = profile(tmp_path)
    code, out = sotay(data, "login", "--server", "http://127.0.0.1:9", "--token", placeholder)
    assert (code, out) == (
        1,
        "The token is not in the right form: a whole token starts with st_ and has only "
        "unaccented letters, digits, - and _ (no …). Paste the whole token that "
        "'sotay-server token create' printed. Nothing was saved.",
    )
    assert not (data / FILE).exists()


def test_the_token_comes_from_standard_input_or_sotay_token(tmp_path: Path, server: Server) -> None:
    offices(server)
    data = profile(tmp_path)
    mine = token(server.db, "vn/ha-noi")
    code, out = sotay(data, "login", "--server", server.url, "--token", "-", stdin=mine + "\n")
    assert code == 0, out
    assert out.startswith(f"Connected to {server.url} (server ")
    assert (data / FILE).read_text().count(mine) == 1
    (data / FILE).unlink()
    code, out = sotay(data, "login", "--server", server.url, env={"SOTAY_TOKEN": mine})
    assert code == 0, out
    assert (data / FILE).read_text().count(mine) == 1
    assert sotay(data, "sync")[0] == 0


def test_no_token_and_no_terminal_says_where_a_token_may_come_from(tmp_path: Path) -> None:
    data = profile(tmp_path)
    assert sotay(data, "login", "--server", "http://127.0.0.1:9") == (
        1,
        "No token given: use --token TOKEN, --token - (read from standard input) or the "
        "SOTAY_TOKEN variable. Nothing was saved.",
    )


def test_a_failed_login_does_not_say_the_changes_are_kept(tmp_path: Path) -> None:
    data = profile(tmp_path)
    code, out = sotay(data, "login", "--server", "http://127.0.0.1:9", "--token", "st_" + "a" * 43)
    assert (code, out) == (
        11,
        "Cannot reach the server http://127.0.0.1:9 (the server refused the connection). "
        "Not logged in; nothing was saved.",
    )


def test_first_run_setup_refuses_another_offices_token_and_asks_again(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The setup screen's token goes through the same check as ``sotay login``: refused,
    the setup comes back with what was typed and the server's words under the token, and
    no profile exists until a right token (or working offline) is chosen."""
    from sync.store import Store
    from tui.cli import Context
    from tui.commands.app import first_run
    from tui.console import Console
    from tui.screens.setup import SetupAnswers, SetupApp

    offices(server)
    data = tmp_path / "p"
    right, wrong = token(server.db, "vn/ha-noi"), token(server.db, "vn/bac-giang")
    shown: list[tuple[dict[str, str], dict[str, str]]] = []
    answers = iter([wrong, right])

    def run(app: SetupApp) -> SetupAnswers:
        shown.append((dict(app.given), dict(app.errors)))
        assert not Store.exists(data)
        return SetupAnswers("vn/ha-noi", "Hà Nội", server.url, next(answers))

    monkeypatch.setattr(SetupApp, "run", run)
    assert first_run(Context(data=data, lang="en", console=Console())) is True
    assert shown == [
        ({}, {}),
        (
            {"office": "vn/ha-noi", "name": "Hà Nội", "server": server.url, "token": wrong},
            {
                "token": "This token belongs to the office vn/bac-giang, not to this "
                "profile's office (vn/ha-noi). Not logged in; nothing was saved."
            },
        ),
    ]
    assert orjson.loads((data / FILE).read_bytes())["token"] == right

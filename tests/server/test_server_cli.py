"""``sotay-server`` as an administrator runs it: real processes, real files, real HTTP."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from server_stub.auth import Principal, add_office, authenticate
from server_stub.db import Database
from server_stub.errors import Unauthorized
from server_stub.service import Service
from server_stub.settings import ServerSettings
from server_stub.wire import OpIn
from sync.protocol import Op
from tests.helpers.server import Databases, make_op, stored_bytes, task

_SCRIPT = Path(sys.executable).with_name("sotay-server")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "server_stub.cli"]


def cli(
    *args: str, env: dict[str, str] | None = None, ok: bool = True, lang: str = "vi_VN.UTF-8"
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "LANG": lang, "SOTAY_LANG": "", **(env or {})}
    done = subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, env=full_env, timeout=60, check=False
    )
    if ok:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def db_path(databases: Databases) -> Path | str:
    """A database with two offices (made in-process: starting Python costs ~0.5 s here)."""
    path = databases.new("central")
    db = Database(path)
    try:
        add_office(db, "vn", "Ban Chỉ đạo")
        add_office(db, "vn/bac-giang", "Bắc Giang")
    finally:
        db.close()
    return path


def test_offices_and_tokens_from_the_command_line(databases: Databases) -> None:
    db_path = databases.new("central")
    added = cli("--db", str(db_path), "office", "add", "vn", "--name", "Ban Chỉ đạo")
    assert added.stdout.strip() == "Đã thêm văn phòng vn (Ban Chỉ đạo)."
    cli("--db", str(db_path), "office", "add", "vn/bac-giang", "--name", "Bắc Giang")
    listed = orjson.loads(cli("--db", str(db_path), "--json", "office", "list").stdout)
    assert [(o["scope"], o["name"]) for o in listed] == [
        ("vn", "Ban Chỉ đạo"),
        ("vn/bac-giang", "Bắc Giang"),
    ]
    made = cli(
        "--db",
        str(db_path),
        "token",
        "create",
        "--office",
        "vn/bac-giang",
        "--role",
        "office",
        "--user",
        "Văn thư",
        "--expires-days",
        "30",
    )
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("st_") and len(token) > 40
    assert made.stdout.count(token) == 1 and "tk_" in made.stdout
    db = Database(db_path)
    try:
        who = authenticate(db, token)
        assert (who.office, who.role, who.user) == ("vn/bac-giang", "office", "Văn thư")
    finally:
        db.close()
    table = cli("--db", str(db_path), "token", "list").stdout
    as_json = cli("--db", str(db_path), "--json", "token", "list").stdout
    for output in (table, as_json):
        assert token not in output and token[3:] not in output
    (row,) = orjson.loads(as_json)
    assert "hash" not in row and row["id"] in table and row["expires_at"]
    raw = stored_bytes(db_path)
    assert row["id"].encode() in raw and token.encode() not in raw


def test_revoked_token_stops_working(db_path: Path | str) -> None:
    made = orjson.loads(
        cli(
            "--db", str(db_path), "--json", "token", "create", "--office", "vn", "--role", "hq"
        ).stdout
    )
    cli("--db", str(db_path), "token", "revoke", made["id"])
    db = Database(db_path)
    try:
        with pytest.raises(Unauthorized) as caught:
            authenticate(db, made["token"])
        assert caught.value.key == "server.auth_revoked"
    finally:
        db.close()
    again = cli("--db", str(db_path), "token", "revoke", made["id"], ok=False)
    assert again.returncode != 0 and "đã bị thu hồi" in again.stderr


@pytest.mark.parametrize(
    ("args", "lang", "expected"),
    [
        (
            ["token", "create", "--office", "vn/ha-noi", "--role", "office"],
            "vi_VN.UTF-8",
            "Chưa có văn phòng 'vn/ha-noi'",
        ),
        (
            ["token", "create", "--office", "vn/ha-noi", "--role", "office"],
            "en_US.UTF-8",
            "There is no office 'vn/ha-noi'",
        ),
        (["office", "add", "Bắc Giang", "--name", "x"], "en_US.UTF-8", "is not a valid scope"),
        (["office", "add", "vn", "--name", "again"], "vi_VN.UTF-8", "Đã có văn phòng 'vn'"),
        (["token", "revoke", "tk_nope"], "en_US.UTF-8", "There is no token 'tk_nope'"),
    ],
)
def test_errors_are_one_clear_line(
    db_path: Path | str, args: list[str], lang: str, expected: str
) -> None:
    done = cli("--db", str(db_path), *args, ok=False, lang=lang)
    assert done.returncode != 0
    assert expected in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("không phải cơ sở dữ liệu\n" * 100)
    done = cli("--db", str(bogus), "office", "list", ok=False, lang="en_US.UTF-8")
    assert done.returncode != 0 and "Cannot open the server database" in done.stderr
    assert bogus.read_text().startswith("không phải")  # left as it was


def test_an_unreachable_postgresql_is_one_clear_line() -> None:
    url = "postgresql://postgres@127.0.0.1:1/test"
    done = cli("--db", url, "office", "list", ok=False, lang="en_US.UTF-8")
    (line,) = done.stderr.strip().splitlines()
    assert done.returncode == 5
    assert line.startswith(f"sotay-server: Cannot open the server database {url} (")


def test_export_writes_sorted_json_lines_and_reads_the_db_from_the_environment(
    db_path: Path | str,
) -> None:
    db = Database(db_path)
    try:
        service = Service(db, ServerSettings(db=db_path))
        who = Principal("tk", "vn/bac-giang", "office", "")
        ops: list[dict[str, Any]] = [
            make_op(1, "t-2", task("Hai", **{"coord:u1": True})),
            make_op(2, "t-1", task("Một")),
        ]
        service.push(who, "r", [OpIn.from_model(Op.model_validate(o)) for o in ops])
    finally:
        db.close()
    out = cli("export", env={"SOTAY_SERVER_DB": str(db_path)}).stdout
    lines = [orjson.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["t-1", "t-2"]
    assert lines[1]["fields"]["coordinators"] == ["u1"] and lines[1]["deleted"] is False


@pytest.mark.e2e
def test_serve_on_a_free_port_answers_real_http(db_path: Path | str) -> None:
    token = (
        cli("--db", str(db_path), "token", "create", "--office", "vn", "--role", "hq")
        .stdout.strip()
        .splitlines()[-1]
    )
    env = {**os.environ, "LANG": "en_US.UTF-8", "SOTAY_LANG": ""}
    process = subprocess.Popen(
        [*COMMAND, "--db", str(db_path), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        assert first.startswith("Sổ tay server listening on http://127.0.0.1:"), first
        url = first.rsplit(" ", 1)[-1]
        port = int(url.rsplit(":", 1)[-1])
        assert port not in (0, 8765)
        health = _wait_for(f"{url}/v1/health")
        assert health["status"] == "ok" and health["schema_version"] == 1
        with httpx.Client(base_url=url) as client:
            response = client.get("/v1/offices", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200 and len(response.json()) == 2
            # Small answers must not wait for the client's delayed ACK (TCP_NODELAY): ~40 ms.
            times = []
            for _ in range(7):
                started = time.perf_counter()
                client.get("/v1/health")
                times.append(time.perf_counter() - started)
            assert sorted(times)[3] < 0.025, times
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=20)
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells why.
    assert process.returncode in (0, -15), err
    assert "Application shutdown complete." in err
    assert token not in err
    logged = [orjson.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(line.get("path") == "/v1/offices" and line.get("status") == 200 for line in logged)


def _wait_for(url: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while True:
        try:
            return dict(httpx.get(url, timeout=2).json())
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_console_script_is_installed() -> None:
    assert shutil.which("sotay-server", path=str(Path(sys.executable).parent)) is not None

"""deploy/: the systemd unit, the nginx example and the backup/restore scripts, as an operator
runs them (real scripts, a real ``sotay-server`` database, both backends)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from server_stub.settings import MIB, ServerSettings
from sync.client import BUDGET, DEFAULT_TIMEOUT
from tests.helpers.server import pg_url, require_pg
from tests.helpers.server_process import ENV, Server, admin, token

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
SCRIPTS = ("backup.sh", "restore.sh")
SERVER = str(Path(sys.executable).parent / "sotay-server")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, timeout=120, env={**ENV, **(env or {})}
    )


def unit_line(key: str) -> list[str]:
    text = (DEPLOY / "sotay-server.service").read_text(encoding="utf-8")
    (line,) = re.findall(rf"^{key}=(.*)$", text, flags=re.MULTILINE)
    return shlex.split(line)


def help_flags(*command: str) -> set[str]:
    proc = run(SERVER, *command, "--help")
    assert proc.returncode == 0, proc.stderr
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", proc.stdout))


@pytest.mark.parametrize("script", SCRIPTS)
def test_scripts_parse_and_explain_themselves(script: str) -> None:
    path = DEPLOY / script
    assert run("bash", "-n", str(path)).returncode == 0
    assert os.access(path, os.X_OK)
    wrong = run(str(path))
    assert (wrong.returncode, wrong.stderr.split()[:2]) == (2, ["Usage:", script])


def test_unit_runs_flags_the_server_knows() -> None:
    start = unit_line("ExecStart")
    assert start[0].endswith("/sotay-server")
    serve = start.index("serve")
    assert start[1:serve] == ["--db", "${SOTAY_SERVER_DB}"]
    given = {a for a in start[serve + 1 :] if a.startswith("--")}
    assert given == {"--workers", "--host", "--port"}
    assert given <= help_flags("serve")
    assert start[start.index("--host") + 1] == "127.0.0.1"
    assert unit_line("ExecStartPre")[1:] == ["--db", "${SOTAY_SERVER_DB}", "migrate"]
    assert "--db" in help_flags()


def test_unit_verifies(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    text = (DEPLOY / "sotay-server.service").read_text(encoding="utf-8")
    unit = tmp_path / "sotay-server.service"
    unit.write_text(text.replace("/opt/sotay/venv/bin/sotay-server", SERVER), encoding="utf-8")
    proc = run("systemd-analyze", "verify", "--man=no", str(unit))
    problems = [line for line in proc.stderr.splitlines() if "sotay-server.service" in line]
    assert problems == []


def test_proxy_matches_the_server_limits() -> None:
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    directives = re.findall(r"^\s*([a-z_]+) ([^;]+);", text, flags=re.MULTILINE)
    settings = dict(directives)
    assert settings["client_max_body_size"] == f"{ServerSettings().max_body_bytes // MIB}m"
    budget = max(20.0, BUDGET, DEFAULT_TIMEOUT.read or 0.0)
    for key in ("proxy_read_timeout", "proxy_send_timeout"):
        assert int(settings[key].removesuffix("s")) > budget
    assert ("proxy_set_header", "X-Forwarded-For $remote_addr") in directives
    assert 'SOTAY_SERVER_TRUSTED_PROXIES=["127.0.0.1"]' in text
    ours = ServerSettings.model_validate({"trusted_proxies": ["127.0.0.1"]})
    assert ours.trusted_proxies == ["127.0.0.1"]


def backup(db: str, folder: Path, keep: int = 2) -> Path:
    proc = run(str(DEPLOY / "backup.sh"), "-k", str(keep), "-d", db, str(folder))
    assert proc.returncode == 0, proc.stderr
    return Path(proc.stdout.strip())


def restore(dump: Path, target: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return run(str(DEPLOY / "restore.sh"), *flags, str(dump), target)


def populate(db: str) -> str:
    admin(db, "office", "add", "vn/bac-giang", "--name", "Sở Nội vụ Bắc Giang")
    token(db, "vn/bac-giang", user="Tổ thư ký")
    return admin(db, "token", "ls")


def round_trip(db: str, restored: str, folder: Path) -> None:
    listing = populate(db)
    dump = backup(db, folder)
    done = restore(dump, restored)
    assert done.returncode == 0, done.stderr
    assert "sotay sync --adopt-server" in done.stderr
    assert admin(restored, "token", "ls") == listing
    again = restore(dump, restored)
    assert (again.returncode, again.stdout) == (1, "")
    assert "-f" in again.stderr
    admin(restored, "office", "add", "vn/ha-noi", "--name", "Sở Nội vụ Hà Nội")
    assert restore(dump, restored, "-f").returncode == 0
    assert admin(restored, "token", "ls") == listing
    assert "vn/ha-noi" not in admin(restored, "office", "ls")


def test_sqlite_backup_round_trips_and_keeps_the_newest(tmp_path: Path) -> None:
    home = tmp_path / "Sở Nội vụ #1?"  # a path an operator may well have
    home.mkdir()
    db, restored = str(home / "hq.db"), str(tmp_path / "elsewhere" / "restored.db")
    round_trip(db, restored, tmp_path / "backups")
    folder = tmp_path / "kept"
    folder.mkdir()
    older = ["sotay-20250101-000000.db", "sotay-20250102-000000.db", "sotay-20250103-000000.db"]
    for name in older:
        (folder / name).write_bytes(b"old")
    newest = backup(db, folder, keep=2)
    assert sorted(p.name for p in folder.iterdir()) == [older[-1], newest.name]


def test_sqlite_backup_while_serving_and_writing(tmp_path: Path) -> None:
    db = str(tmp_path / "hq.db")
    listing = populate(db)
    server = Server(tmp_path / "hq.db")
    scopes = [f"vn/xa-{n}" for n in range(4)]
    writer = threading.Thread(
        target=lambda: [admin(db, "office", "add", s, "--name", s) for s in scopes]
    )
    try:
        writer.start()
        dumps = [backup(db, tmp_path / f"b{n}") for n in range(3)]
        writer.join()
    finally:
        server.stop()
    restored = str(tmp_path / "restored.db")
    assert restore(dumps[-1], restored).returncode == 0
    assert admin(restored, "token", "ls") == listing
    offices = admin(restored, "office", "ls")
    assert "vn/bac-giang" in offices
    assert [s for s in scopes if s in offices] == scopes[: sum(s in offices for s in scopes)]


def test_backup_refuses_a_missing_database(tmp_path: Path) -> None:
    proc = run(str(DEPLOY / "backup.sh"), "-d", str(tmp_path / "none.db"), str(tmp_path))
    assert (proc.returncode, proc.stderr) == (1, f"backup.sh: no database at {tmp_path}/none.db\n")


@contextmanager
def pg_databases(count: int) -> Iterator[list[str]]:
    """Whole databases of their own (pg_dump dumps a database, not a schema)."""
    import psycopg

    require_pg()  # skips (or fails under CI) without PostgreSQL
    names = [f"t_deploy_{uuid.uuid4().hex[:12]}" for _ in range(count)]
    base = pg_url().rsplit("/", 1)[0]
    with psycopg.connect(pg_url(), autocommit=True) as conn:
        for name in names:
            conn.execute(f"CREATE DATABASE {name}")
        try:
            yield [f"{base}/{name}" for name in names]
        finally:
            for name in names:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_postgresql_backup_round_trips(tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed")
    with pg_databases(2) as (db, restored):
        round_trip(db, restored, tmp_path)

"""A real ``sotay-server`` and replicas driven by real ``sotay`` processes, for the regression
tests of ../shared/repro: every command a person types is one fresh process (``python -m tui``),
so every store is closed and reopened between steps exactly as in daily use.

``World`` owns one server (``server_process.Server``) and the offices and tokens on it; ``Replica``
is one profile directory.  ``assert_converged`` is the check every script's "fixed" output
comes down to: each replica's export equals the server's export restricted to what that
replica may read, and nothing is pending.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from server_stub.access import can_read
from tests.helpers.server_process import Server, admin, token

NOT_SYNCED = "Not yet synced"
_PROXIES = (
    "http_proxy",
    "https_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
    "SOTAY_DATA",
)
_tags = itertools.count(1)


def unique_tag() -> str:
    """A short tag that makes office scopes unique on a server shared by a test module."""
    return f"t{next(_tags)}{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class Run:
    """One finished ``sotay`` process."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.strip().splitlines()

    def __str__(self) -> str:
        return (
            f"sotay {' '.join(self.args)} → exit {self.code}\n"
            f"--- stdout\n{self.out}--- stderr\n{self.err}"
        )


def cli_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PROXIES}
    env.update(
        SOTAY_LANG="en",
        NO_COLOR="1",
        PYTHONIOENCODING="utf-8",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_STATE_HOME=str(home / ".local/state"),
        XDG_CACHE_HOME=str(home / ".cache"),
    )
    return env


class Replica:
    """One ``sotay`` profile: ``rep("add", "unit", "name=X")`` runs a command and insists on
    exit 0 (returning stdout); ``rep.run(...)`` returns the whole :class:`Run` unchecked."""

    def __init__(self, world: World, data: Path, office: str, role: str) -> None:
        self.world = world
        self.data = data
        self.name = data.name
        self.office = office
        self.role = role

    def run(self, *args: str, timeout: float = 180) -> Run:
        proc = subprocess.run(
            [sys.executable, "-m", "tui", "--data", str(self.data), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=cli_env(self.world.home),
            stdin=subprocess.DEVNULL,
        )
        return Run(tuple(args), proc.returncode, proc.stdout, proc.stderr)

    def __call__(self, *args: str, timeout: float = 180) -> str:
        done = self.run(*args, timeout=timeout)
        assert done.code == 0, f"[{self.name}] {done}"
        return done.out.strip()

    def sync(self, *extra: str) -> Run:
        done = self.run("sync", *extra)
        assert done.code == 0, f"[{self.name}] {done}"
        return done

    def export(self, kind: str | None = None) -> list[dict[str, Any]]:
        out = self("export", *(["--kind", kind] if kind else []))
        return [json.loads(line) for line in out.splitlines()]

    def record(self, record_id: str) -> dict[str, Any] | None:
        return next((r for r in self.export() if r["id"] == record_id), None)

    def status_pending(self) -> int:
        """The count ``sotay status`` prints on its "Not yet synced: N" line."""
        return _one_count(self("status"), f"[{self.name}] status")

    def show_pending(self, record_id: str) -> int:
        """The count ``sotay show ID`` prints, 0 when it prints no "Not yet synced" line."""
        out = self("show", record_id)
        if not any(line.startswith(NOT_SYNCED) for line in out.splitlines()):
            return 0
        return _one_count(out, f"[{self.name}] show {record_id}")

    def __repr__(self) -> str:
        return f"<Replica {self.name} {self.office} {self.role}>"


def _one_count(out: str, what: str) -> int:
    counts = [m.group(1) for m in re.finditer(rf"^{NOT_SYNCED}: (\d+)$", out, re.MULTILINE)]
    assert len(counts) == 1, f"{what}: expected one '{NOT_SYNCED}: N' line in\n{out}"
    return int(counts[0])


class World:
    """One ``sotay-server serve`` on a free loopback port, its offices and tokens."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.home = root / "home"
        self.home.mkdir(exist_ok=True)
        self.db = root / "server.db"
        self._tokens: dict[tuple[str, str], str] = {}
        self._offices: set[str] = set()
        self.server = Server(self.db)

    def close(self) -> None:
        self.server.stop()

    def office(self, scope: str) -> str:
        if scope not in self._offices:
            admin(self.db, "office", "add", scope, "--name", scope)
            self._offices.add(scope)
        return scope

    def token(self, office: str, role: str = "office") -> str:
        key = (office, role)
        if key not in self._tokens:
            self.office(office)
            self._tokens[key] = token(self.db, office, role)
        return self._tokens[key]

    def replica(self, data: Path, office: str, role: str = "office") -> Replica:
        """``sotay init`` + ``sotay login`` on ``data`` (its name is the author's name)."""
        rep = Replica(self, data, office, role)
        rep("init", "--office", office, "--name", data.name, "--role", role, "--author", data.name)
        rep("login", "--server", self.server.url, "--token", self.token(office, role))
        return rep

    # --------------------------------------------------------------- the server's view
    def export(self) -> list[dict[str, Any]]:
        """``sotay-server export``: every record the server holds."""
        return [json.loads(line) for line in admin(self.db, "export").splitlines()]

    def record(self, record_id: str) -> dict[str, Any] | None:
        return next((r for r in self.export() if r["id"] == record_id), None)

    def readable_by(self, rep: Replica) -> list[dict[str, Any]]:
        return readable(self.export(), rep.office, rep.role)

    def restore(self, copy: Path) -> None:
        """Stop the server, put ``copy`` in place of its database, start it on the same port."""
        self.server.stop()
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{self.db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(copy, self.db)
        self.server.start()

    def move(self, record_id: str, scope: str) -> list[dict[str, Any]]:
        """Move a record to another scope as an HQ replica would, over the raw protocol
        (what ../shared/repro/move.py does: there was no CLI action for it)."""
        tok = self.token("vn", "hq")
        headers = {"Authorization": f"Bearer {tok}"}
        replica_id = str(uuid.uuid4())
        since, state = 0, None
        with httpx.Client(
            base_url=self.server.url, headers=headers, timeout=60, trust_env=False
        ) as http:

            def post(body: dict[str, Any]) -> dict[str, Any]:
                answer = http.post(
                    "/v1/sync", json={"schema_version": 1, "replica_id": replica_id, **body}
                )
                assert answer.status_code == 200, answer.text
                result: dict[str, Any] = answer.json()
                return result

            while True:
                page = post({"ops": [], "since": since, "limit": 1000})
                state = next((r for r in page["records"] if r["id"] == record_id), state)
                since = page["cursor"]
                if not page["has_more"]:
                    break
            assert state is not None, f"HQ cannot see {record_id}"
            answer = post(
                {
                    "since": since,
                    "limit": 10,
                    "ops": [
                        {
                            "op_seq": 1,
                            "record_id": record_id,
                            "kind": state["kind"],
                            "scope": scope,
                            "changes": {},
                            "base_seq": state["seq"],
                            "author": "hq-move",
                            "edited_at": datetime.now(UTC).isoformat(),
                        }
                    ],
                }
            )
        results: list[dict[str, Any]] = answer["results"]
        assert [r["status"] for r in results] == ["applied"], results
        return results


def published(record: dict[str, Any]) -> list[str]:
    value = record["fields"].get("published_to") or []
    return list(value) if isinstance(value, list) else [str(value)]


def readable(records: list[dict[str, Any]], office: str, role: str) -> list[dict[str, Any]]:
    """The records (export form) a replica of ``office`` may hold, as the server decides."""
    hq = role == "hq"
    return sorted(
        (r for r in records if can_read(office, hq, r["scope"], published(r))),
        key=lambda r: r["id"],
    )


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in records}


def assert_nothing_pending(
    rep: Replica, records: list[dict[str, Any]] | None = None, show_at_most: int = 12
) -> None:
    """``status`` says 0 and no record is marked not synced: ``show`` prints no "Not yet
    synced" line (for up to ``show_at_most`` records; beyond that ``ls KIND --all`` marks)."""
    assert rep.status_pending() == 0, f"[{rep.name}] status counts pending ops"
    records = rep.export() if records is None else records
    if len(records) <= show_at_most:
        shown = {r["id"]: rep.show_pending(r["id"]) for r in records}
        assert shown == dict.fromkeys(shown, 0), f"[{rep.name}] show says not yet synced: {shown}"
        return
    for kind in sorted({r["kind"] for r in records}):
        marked = [
            line.split()[0]
            for line in rep("ls", kind, "--all").splitlines()[2:]
            if line.split() and line.split()[0].endswith("*")
        ]
        assert marked == [], f"[{rep.name}] ls {kind} marks records not yet synced"


def assert_converged(world: World, *replicas: Replica) -> None:
    """Each replica holds exactly the server's records it may read, and nothing pending."""
    server = world.export()
    for rep in replicas:
        mine = rep.export()
        assert mine == readable(server, rep.office, rep.role), (
            f"[{rep.name}] export differs from the server's records it may read"
        )
        assert_nothing_pending(rep, mine)


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def backup(db: Path, to: Path) -> Path:
    """A consistent copy of a live server database (SQLite's online backup)."""
    import sqlite3

    src, dst = sqlite3.connect(db), sqlite3.connect(to)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return to

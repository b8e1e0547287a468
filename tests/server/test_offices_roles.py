"""F5: removing an office stops its tokens at once; the hq role belongs to headquarters only;
``token list`` says whose each token is, what it may do and when it was last used."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest

from server_stub import auth
from server_stub.db import Database
from server_stub.errors import AdminError, Unauthorized
from tests.helpers.server import BG, Api, Databases, Server, task
from tests.server.test_server_cli import cli


@pytest.fixture
def db_path(databases: Databases) -> Path | str:
    path = databases.new("central")
    db = Database(path)
    try:
        auth.add_office(db, "vn", "Ban Chỉ đạo")
        auth.add_office(db, BG, "Bắc Giang")
    finally:
        db.close()
    return path


async def test_a_removed_offices_token_stops_at_once_and_its_records_stay(
    api: Api, server: Server
) -> None:
    made = await api.edit("bg", "bg-1", "t1", task())
    assert made["status"] == "applied"
    assert auth.remove_office(server.db, BG) == 3  # bg, bg2, expired (one was revoked)
    refused = await api.client.post(
        "/v1/sync",
        headers=api.headers("bg"),
        json={"schema_version": 1, "replica_id": "bg-1", "ops": []},
    )
    assert refused.status_code == 401
    assert refused.json()["error"] == "server.auth_office_removed"
    assert BG in refused.json()["message_en"]
    records, _removed, _cursor = await api.pull_all("hq")
    assert "t1" in records, "the office's records stay"
    offices = (await api.client.get("/v1/offices", headers=api.headers("hq"))).json()
    assert BG not in {o["scope"] for o in offices}
    # Re-adding the office does not bring its old tokens back.
    auth.add_office(server.db, BG, "Bắc Giang")
    again = await api.client.get("/v1/pull", headers=api.headers("bg"))
    assert again.status_code == 401 and again.json()["error"] == "server.auth_revoked"


def test_office_remove_from_the_command_line(db_path: Path | str) -> None:
    made = orjson.loads(
        cli(
            "--db", str(db_path), "--json", "token", "create", "--office", BG, "--role", "office"
        ).stdout
    )
    done = cli("--db", str(db_path), "office", "remove", BG, lang="en_US.UTF-8")
    said = "Removed office vn/bac-giang and revoked its tokens at once (1 token)."
    assert said in done.stdout
    db = Database(db_path)
    try:
        with pytest.raises(Unauthorized) as caught:
            auth.authenticate(db, made["token"])
        assert caught.value.key == "server.auth_office_removed"
    finally:
        db.close()
    listed = orjson.loads(cli("--db", str(db_path), "--json", "office", "list").stdout)
    assert [o["scope"] for o in listed] == ["vn"]
    missing = cli("--db", str(db_path), "office", "remove", "vn/ha-noi", ok=False)
    assert missing.returncode != 0 and "Chưa có văn phòng 'vn/ha-noi'" in missing.stderr


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("vi_VN.UTF-8", "Chỉ văn phòng trung ương"),
        ("en_US.UTF-8", "Only a headquarters office"),
    ],
)
def test_hq_tokens_only_for_a_headquarters_office(
    db_path: Path | str, lang: str, expected: str
) -> None:
    done = cli(
        "--db", str(db_path), "token", "create", "--office", BG, "--role", "hq", ok=False, lang=lang
    )
    assert done.returncode != 0 and expected in done.stderr and "--office vn" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    cli("--db", str(db_path), "token", "create", "--office", "vn", "--role", "hq")


def test_an_old_hq_token_of_a_lower_office_no_longer_works(db_path: Path | str) -> None:
    db = Database(db_path)
    try:
        with pytest.raises(AdminError):
            auth.create_token(db, BG, "hq")
        # One made before the rule (written directly, as an older server did).
        made = auth.create_token(db, BG, "office")
        with db.write() as w:
            w.conn.execute("UPDATE tokens SET role = 'hq' WHERE id = ?", (made.row.id,))
        with pytest.raises(Unauthorized) as caught:
            auth.authenticate(db, made.token)
        assert caught.value.key == "server.auth_hq_elsewhere"
    finally:
        db.close()


def test_token_list_shows_office_role_user_status_and_last_use(db_path: Path | str) -> None:
    hq = orjson.loads(
        cli(
            "--db",
            str(db_path),
            "--json",
            "token",
            "create",
            "--office",
            "vn",
            "--role",
            "hq",
            "--user",
            "Thư ký",
        ).stdout
    )
    bg = orjson.loads(
        cli(
            "--db",
            str(db_path),
            "--json",
            "token",
            "create",
            "--office",
            BG,
            "--role",
            "office",
            "--user",
            "Văn thư",
        ).stdout
    )
    db = Database(db_path)
    try:
        who = auth.authenticate(db, hq["token"])
        with db.write() as w:
            w.touch_tokens([(who.token_id, "2024-05-01T09:00:00.000+00:00")])
    finally:
        db.close()
    cli("--db", str(db_path), "office", "remove", BG)
    rows = {
        r["id"]: r
        for r in orjson.loads(cli("--db", str(db_path), "--json", "token", "list").stdout)
    }
    assert {k: rows[hq["id"]][k] for k in ("office", "role", "user", "status", "last_used_at")} == {
        "office": "vn",
        "role": "hq",
        "user": "Thư ký",
        "status": "active",
        "last_used_at": "2024-05-01T09:00:00.000+00:00",
    }
    assert (rows[bg["id"]]["status"], rows[bg["id"]]["last_used_at"]) == ("office_removed", None)
    table = cli("--db", str(db_path), "token", "list").stdout.splitlines()
    header = ["Số hiệu", "Văn phòng", "Vai trò", "Người dùng", "Trạng thái", "Dùng lần cuối"]
    assert re.split(r"\s{2,}", table[0])[:6] == header
    line = re.split(r"\s{2,}", next(row for row in table if hq["id"] in row))
    assert line[1:5] == ["vn", "hq", "Thư ký", "đang dùng"]
    assert line[5].startswith("01/05/2024 ")  # local dd/mm/yyyy HH:MM
    for token in (hq["token"], bg["token"]):
        assert token not in "\n".join(table)

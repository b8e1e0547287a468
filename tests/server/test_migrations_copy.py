"""The one schema as versioned migrations (applied by ``sotay-server migrate`` and at every
start, once, under a lock), and ``sotay-server copy`` moving a populated SQLite deployment to
PostgreSQL so that its replicas sync on without a full re-pull."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from server_stub.db import Database, ServerDbError
from sync.store import Store
from tests.helpers.clock import Clock
from tests.helpers.server import BG, Databases, Server
from tests.server.test_server_cli import cli


def _ledger(db: Database) -> list[int]:
    with db.read() as r:
        return [row[0] for row in r.conn.execute("SELECT version FROM schema_migrations")]


def test_migrate_applies_once_then_has_nothing_to_do(databases: Databases) -> None:
    location = str(databases.new())
    first = cli("--db", location, "migrate", lang="en_US.UTF-8").stdout
    again = cli("--db", location, "migrate").stdout
    shown = location  # no password in it: shown as it is
    assert first == f"Migrated the database {shown} to format 2.\n"
    assert again == f"Cơ sở dữ liệu {shown} đã ở định dạng 2, không cần cập nhật.\n"


def test_servers_starting_at_once_migrate_once(databases: Databases) -> None:
    location = databases.new()
    start = threading.Barrier(4)
    opened: list[Database] = []

    def open_one() -> None:
        start.wait()
        opened.append(Database(location))

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert len(opened) == 4
        assert sorted(len(db.applied) for db in opened) == [0, 0, 0, 2]
        assert {db.server_id for db in opened} == {opened[0].server_id}
        assert _ledger(opened[0]) == [1, 2]
    finally:
        for db in opened:
            db.close()


def test_a_database_of_a_newer_server_is_refused(databases: Databases) -> None:
    location = databases.new()
    db = Database(location)
    with db.write() as w:
        w.conn.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (3, 'x')")
    db.close()
    before = set(threading.enumerate())
    with pytest.raises(ServerDbError) as caught:
        Database(location)
    assert set(threading.enumerate()) <= before, "a refused database leaves no pool running"
    assert caught.value.message("en") == (
        f"The database {db.where} was written by a newer server (format 3). "
        "Please upgrade sotay-server."
    )


def test_a_database_from_before_migrations_is_adopted_as_it_is(databases: Databases) -> None:
    location = databases.new()
    db = Database(location)
    with db.write() as w:
        w.add_office("vn", "Trung ương")
        w.conn.execute("DROP TABLE schema_migrations")
    server_id = db.server_id
    db.close()
    again = Database(location)
    try:
        assert again.applied == [1, 2] and again.server_id == server_id
        with again.read() as r:
            assert [o[:2] for o in r.offices()] == [("vn", "Trung ương")]
    finally:
        again.close()


# ---------------------------------------------------------------------------
# copy: SQLite → PostgreSQL
# ---------------------------------------------------------------------------
def _replica(tmp_path: Path, name: str, office: str, clock: Clock) -> Store:
    return Store.create(tmp_path / name, office=office, name=name, author=name, clock=clock)


def _sync(server: Server, store: Store, who: str) -> Any:
    client, _switch = server.client(store, who)
    return asyncio.run(client.sync())


def test_copy_to_postgresql_and_replicas_sync_on_without_a_full_pull(
    tmp_path: Path, clock: Clock
) -> None:
    with Databases.of("postgresql", tmp_path) as pg:
        target = str(pg.new("copy"))
        old = Server.make(tmp_path / "server.db")
        bg = _replica(tmp_path, "bg", BG, clock)
        hq = _replica(tmp_path, "hq", "vn", clock)
        made = [bg.add("unit", {"name": f"Phòng {n}"}).id for n in range(30)]
        assert _sync(old, bg, "bg").pushed == 30
        assert _sync(old, hq, "hq").pulled == 30
        old.db.close()

        done = cli("--json", "copy", "--from", str(old.location), "--to", target).stdout
        assert done.strip() == ('{"offices":4,"tokens":7,"replicas":2,"records":30,"changes":30}')
        db = Database(target, synchronous="NORMAL")
        new = Server(
            db, old.settings.model_copy(update={"db": target}), old.tokens, old.token_ids, target
        )
        try:
            bg.update(made[0], {"name": "Phòng Tổng hợp"})
            added = bg.add("unit", {"name": "Phòng mới"}).id
            mine = _sync(new, bg, "bg")
            theirs = _sync(new, hq, "hq")
            assert (mine.pushed, mine.pulled, mine.refetch) == (2, 0, False)
            assert (theirs.pushed, theirs.pulled, theirs.refetch) == (0, 2, False)
            names = {u.id: u.data["name"] for u in hq.list("unit")}
            assert len(names) == 31 and names[added] == "Phòng mới"
            assert names[made[0]] == "Phòng Tổng hợp"
            assert db.server_id == old.db.server_id
        finally:
            db.close()
            bg.close()
            hq.close()


def test_copy_refuses_a_target_that_holds_data(databases: Databases, tmp_path: Path) -> None:
    source = Server.make(tmp_path / "source.db")
    source.db.close()
    target = databases.new("target")
    Server.make(target).db.close()  # seeded: offices and tokens already there
    done = cli(
        "copy", "--from", str(source.location), "--to", str(target), ok=False, lang="en_US.UTF-8"
    )
    shown = str(target)
    assert done.returncode == 5
    assert done.stderr == (
        f"sotay-server: The target database {shown} already holds data; "
        "copy only into an empty one.\n"
    )

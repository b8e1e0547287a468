"""Resolving conflicts from replicas: one op naming the conflict, closed by the server.

Two computers of one office and headquarters against the in-process server.  What a person
sees: the value kept, the conflict closed everywhere, and — when two people resolve the same
conflict differently before either syncs — one outcome on every replica, with no conflict
about the conflict.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.errors import Conflict as Refused
from server_stub.auth import create_token
from sync import conflicts
from sync.client import SyncClient
from sync.store import Store
from tests.helpers.server import Server

OFFICE = "vn/bac-giang"


class Office:
    """Replicas by name, each with its own token, over one in-process server."""

    def __init__(self, root: Path) -> None:
        server = Server.make(root / "hq.db")
        self.db = server.db
        self.app = server.app(rate=1e6, burst=10**6)
        self.root = root
        self.stores: dict[str, Store] = {}
        self.clients: dict[str, SyncClient] = {}

    def replica(self, name: str, office: str = OFFICE, role: str = "office") -> Store:
        store = Store.create(self.root / name, office=office, name=name, role=role, author=name)
        token = create_token(self.db, office, role, name).token
        self.stores[name] = store
        self.clients[name] = SyncClient(
            store, server_url="http://hq", token=token, transport=httpx.ASGITransport(app=self.app)
        )
        return store

    def sync(self, *names: str) -> None:
        for name in names:
            asyncio.run(self.clients[name].sync())

    def close(self) -> None:
        for store in self.stores.values():
            store.close()
        self.db.close()


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    world = Office(tmp_path)
    yield world
    world.close()


def _title_conflict(office: Office) -> tuple[str, str]:
    """Lan and Minh (two computers of one office) retitle one task concurrently."""
    lan, minh = office.replica("lan"), office.replica("minh")
    task = lan.add("task", {"title": "Gốc", "lead_unit_id": "u1"}).id
    office.sync("lan", "minh")
    lan.update(task, {"title": "Tên của Lan"})
    minh.update(task, {"title": "Tên của Minh"})
    office.sync("lan", "minh", "lan")
    (conflict,) = [c.id for c in lan.open_conflicts()]
    assert [c.id for c in minh.open_conflicts()] == [conflict]
    return task, conflict


def _open(store: Store) -> list[str]:
    return [c.id for c in store.open_conflicts()]


def test_theirs_between_two_computers_of_one_office_is_the_other_persons_value(
    office: Office,
) -> None:
    task, conflict = _title_conflict(office)
    lan = office.stores["lan"]
    assert lan.require(task).title == "Tên của Minh", "the later arrival is current"
    conflicts.resolve(lan, conflict, "mine")
    assert lan.require(task).title == "Tên của Lan" and _open(lan) == []
    office.sync("lan", "minh")
    assert office.stores["minh"].require(task).title == "Tên của Lan"
    assert _open(office.stores["minh"]) == [] and _open(lan) == []
    status = office.stores["minh"].require(conflict).data["status"]
    assert status == "resolved"


def test_two_people_resolving_one_conflict_differently_converge_on_the_first(
    office: Office,
) -> None:
    task, conflict = _title_conflict(office)
    lan, minh = office.stores["lan"], office.stores["minh"]
    conflicts.resolve(lan, conflict, "current")  # keeps Minh's title
    conflicts.resolve(minh, conflict, "other")  # keeps Lan's title
    office.sync("lan", "minh", "lan", "minh")
    assert lan.require(task).title == minh.require(task).title == "Tên của Minh"
    assert lan.require(conflict).data["resolution"] == "current"
    assert minh.require(conflict).data["resolution"] == "current"
    assert _open(lan) == _open(minh) == [], "no conflict about the conflict"
    assert [r["reason"] for r in minh.rejected()] == ["sync.reject.already_resolved"]
    assert lan.pending_count() == minh.pending_count() == 0


def test_a_resolved_conflict_shows_closed_before_it_is_sent(office: Office) -> None:
    _task, conflict = _title_conflict(office)
    lan = office.stores["lan"]
    conflicts.resolve(lan, conflict, "current")
    assert _open(lan) == [] and lan.open_conflict_count() == 0
    with pytest.raises(Refused) as err:
        conflicts.resolve(lan, conflict, "other")
    assert err.value.message("en").endswith("is already resolved (waiting to sync).")


def test_a_conflict_record_the_server_did_not_make_is_ignored(office: Office) -> None:
    lan = office.replica("lan")
    with lan.transaction() as tx:  # as an old version could have let an office write one
        tx.take_base(
            {
                "id": "forged",
                "kind": "conflict",
                "scope": OFFICE,
                "seq": 0,
                "fields": {"record_id": "x", "field": "title", "status": "open"},
            }
        )
    assert _open(lan) == []
    with pytest.raises(Refused) as err:
        conflicts.resolve(lan, "forged", "other")
    assert "not a conflict the server recorded" in err.value.message("en")
    assert lan.pending_count() == 0


def test_keeping_the_edit_of_a_deleted_record_brings_it_back_with_the_edit(office: Office) -> None:
    lan, minh = office.replica("lan"), office.replica("minh")
    task = lan.add("task", {"title": "Việc", "lead_unit_id": "u1"}).id
    office.sync("lan", "minh")
    lan.delete(task)
    minh.update(task, {"progress": 60})
    office.sync("lan", "minh", "lan")
    (conflict,) = _open(minh)
    assert minh.require(task).deleted
    conflicts.resolve(minh, conflict, "other")
    office.sync("minh", "lan")
    for store in (lan, minh):
        record = store.require(task)
        assert (record.deleted, record.data.get("progress")) == (False, 60)
        assert _open(store) == []


def test_a_field_conflict_on_a_record_deleted_since_can_be_closed(office: Office) -> None:
    task, conflict = _title_conflict(office)
    lan, minh = office.stores["lan"], office.stores["minh"]
    minh.delete(task)
    office.sync("minh", "lan")
    conflicts.resolve(lan, conflict, "current")
    office.sync("lan", "minh")
    assert _open(lan) == _open(minh) == []
    assert lan.require(task).deleted and minh.require(task).deleted


def _moved(office: Office) -> tuple[str, str, Any]:
    """HQ moves Bắc Giang's unit to Hà Nội (an office of the seed) while Lan edits it: a scope
    conflict."""
    lan, hq = office.replica("lan"), office.replica("hq", "vn", "hq")
    unit = lan.add("unit", {"name": "Sẽ chuyển"}).id
    office.sync("lan", "hq")
    lan.update(unit, {"name": "Lan sửa"})
    with hq.transaction() as tx:
        tx.move(unit, "vn/ha-noi")
    office.sync("hq", "lan", "hq")
    (conflict,) = _open(lan)
    return unit, conflict, hq


def test_an_office_keeps_a_copy_of_its_edit_of_a_record_moved_away(office: Office) -> None:
    unit, conflict, hq = _moved(office)
    lan = office.stores["lan"]
    assert lan.get(unit) is None, "the record left the office"
    with pytest.raises(Refused):
        conflicts.resolve(lan, conflict, "other")  # moving it back needs both scopes
    conflicts.resolve(lan, conflict, "copy")
    office.sync("lan", "hq", "lan")
    copies = [r for r in lan.list("unit")]
    assert [(r.title, r.scope) for r in copies] == [("Lan sửa", OFFICE)]
    assert hq.require(unit).scope == "vn/ha-noi" and hq.require(unit).title == "Sẽ chuyển"
    assert _open(lan) == _open(hq) == []


def test_headquarters_moves_it_back_with_the_office_edit(office: Office) -> None:
    unit, conflict, hq = _moved(office)
    conflicts.resolve(hq, conflict, "other")
    office.sync("hq", "lan")
    lan = office.stores["lan"]
    assert (lan.require(unit).scope, lan.require(unit).title) == (OFFICE, "Lan sửa")
    assert _open(lan) == _open(hq) == []

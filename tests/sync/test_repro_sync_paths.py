"""Regression tests for the less travelled sync paths of ../shared/repro/ (issue 13): a server
restored from a backup, a mass unpublish, a move behind a long queue, a scope conflict.

Over real HTTP: a real ``sotay-server`` on loopback, one fresh ``sotay`` process per command.
Every test has a headquarters replica (which reads everything), so each gets a server of its
own.  HQ moves a record over the raw protocol as ../shared/repro/move.py does
(``World.move``), so these tests do not depend on the new ``sotay move`` command.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.ids import short
from sync.errors import ServerMismatch
from tests.helpers.cli_world import Replica, World, assert_converged, backup, write_jsonl

pytestmark = pytest.mark.e2e

BG, UB, HQ = "vn/bac-giang", "vn/ubdt", "vn"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    made = World(tmp_path / "server")
    for scope in (BG, UB, HQ):
        made.office(scope)
    yield made
    made.close()


def names(records: list[dict[str, Any]]) -> list[str]:
    return sorted(str(r["fields"]["name"]) for r in records)


# ------------------------------------------------------------------- restore_backup.sh
def test_a_server_restored_from_a_backup_is_refused_until_adopted(
    world: World, tmp_path: Path
) -> None:
    """The restored server forgot bg1's acknowledged ops 4 and 5: bg1 refuses it (even once
    bg2's pushes move its head past bg1's cursor) until ``sync --adopt-server``, which puts
    A4 and A5 back on the server."""
    bg1 = world.replica(tmp_path / "bg1", BG)
    bg2 = world.replica(tmp_path / "bg2", BG)
    for i in (1, 2, 3):
        bg1("add", "unit", f"name=A{i}")
    bg1.sync()
    bg2.sync()
    saved = backup(world.db, tmp_path / "backup.db")
    for i in (4, 5):
        bg1("add", "unit", f"name=A{i} (acked after backup)")
    bg1.sync()
    world.restore(saved)

    first = bg1.run("sync")
    assert first.code == ServerMismatch.exit_code, first
    for i in (1, 2, 3):
        bg2("add", "unit", f"name=B{i}")
    bg2.sync()
    again = bg1.run("sync")
    assert again.code == ServerMismatch.exit_code, f"acknowledged ops silently dropped: {again}"
    assert "sotay sync --adopt-server" in again.err, again

    bg1.sync("--adopt-server")
    bg1("add", "unit", "name=A6 (new, after restore)")
    bg1.sync()
    bg2.sync()
    bg1.sync()
    assert names(world.export()) == [
        "A1",
        "A2",
        "A3",
        "A4 (acked after backup)",
        "A5 (acked after backup)",
        "A6 (new, after restore)",
        "B1",
        "B2",
        "B3",
    ]
    assert_converged(world, bg1, bg2)


# ------------------------------------------------------------------- mass_unpublish.sh
def test_a_mass_unpublish_holds_back_only_the_removals(world: World, tmp_path: Path) -> None:
    """HQ unpublishes 25 plans that are most of bg2's records: bg2's sync still takes the
    rest of the page (bg1's new unit) and exits 0; the removals wait in ``sotay removals``
    until ``sotay removals --accept``."""
    bg1 = world.replica(tmp_path / "bg1", BG)
    bg2 = world.replica(tmp_path / "bg2", BG)
    hq = world.replica(tmp_path / "hq", HQ, "hq")
    plans: list[dict[str, Any]] = [
        {
            "id": str(uuid.uuid4()),
            "kind": "plan",
            "scope": HQ,
            "deleted": False,
            "fields": {"title": f"KH công bố số {i:02d}", "published_to": [BG]},
        }
        for i in range(1, 26)
    ]
    assert (
        hq("import", str(write_jsonl(tmp_path / "plans.jsonl", plans)))
        == "Imported: 25 new, 0 updated, 0 unchanged."
    )
    bg1("add", "unit", "name=Đơn vị của BG")
    bg1.sync()
    hq.sync()
    bg2.sync()
    assert sorted(r["id"] for r in bg2.export("plan")) == sorted(p["id"] for p in plans)
    for plan in plans:
        hq("set", plan["id"], "published_to=")
    hq.sync()
    bg1("add", "unit", "name=Đơn vị mới")
    bg1.sync()

    held = bg2.run("sync")
    assert held.code == 0, f"the guard refuses the whole page: {held}"
    assert bg2.run("sync").code == 0
    server_units = [r for r in world.readable_by(bg2) if r["kind"] == "unit"]
    assert names(server_units) == ["Đơn vị của BG", "Đơn vị mới"]
    assert bg2.export("unit") == bg1.export("unit") == server_units

    listed = bg2.run("removals")
    assert listed.code == 0, listed
    unnamed = [
        p["fields"]["title"]
        for p in plans
        if short(p["id"]) not in listed.out and p["fields"]["title"] not in listed.out
    ]
    assert unnamed == [], f"removals not listed: {listed}"
    accepted = bg2.run("removals", "--accept")
    assert accepted.code == 0, accepted
    assert bg2.export("plan") == []
    bg2.sync("--full")
    bg1.sync()
    hq.sync()
    assert_converged(world, bg1, bg2, hq)


# ---------------------------------------------------------------- move_behind_queue.sh
def test_a_record_moved_while_its_edit_waits_behind_a_long_queue_leaves_the_office(
    world: World, tmp_path: Path
) -> None:
    """HQ moves a unit to vn/ubdt while bg2's edit of it is op 2,001: after the syncs bg2 no
    longer holds it and the server's record keeps its new scope."""
    bg1 = world.replica(tmp_path / "bg1", BG)
    bg2 = world.replica(tmp_path / "bg2", BG)
    hq = world.replica(tmp_path / "hq", HQ, "hq")
    moved = bg1("add", "unit", "name=Sẽ chuyển sang UBDT")
    bg1.sync()
    bg2.sync()
    big = [
        {
            "id": str(uuid.uuid4()),
            "kind": "unit",
            "scope": BG,
            "deleted": False,
            "fields": {"name": f"Đơn vị {i}"},
        }
        for i in range(2000)
    ]
    assert (
        bg2("import", str(write_jsonl(tmp_path / "big2000.jsonl", big)))
        == "Imported: 2000 new, 0 updated, 0 unchanged."
    )
    bg2("set", moved, "name=bg2 sửa (op thứ 2001)")
    world.move(moved, UB)
    for _ in range(3):
        bg2.sync()
    hq.sync()
    bg1.sync()
    assert bg2.record(moved) is None, "the moved record stays on bg2"
    assert world.record(moved) == {
        "id": moved,
        "kind": "unit",
        "scope": UB,
        "deleted": False,
        "fields": {"name": "Sẽ chuyển sang UBDT"},
    }
    assert_converged(world, bg2, hq, bg1)


# -------------------------------------------------------------------- scope_conflict.sh
def scope_conflict(world: World, tmp_path: Path) -> tuple[Replica, Replica, Replica, str, str]:
    """bg2 edits a unit HQ moved to vn/ubdt meanwhile: the server makes a conflict about its
    scope.  Returns bg1, bg2, hq, the unit's id and the conflict's id."""
    bg1 = world.replica(tmp_path / "bg1", BG)
    bg2 = world.replica(tmp_path / "bg2", BG)
    hq = world.replica(tmp_path / "hq", HQ, "hq")
    moved = bg1("add", "unit", "name=Sẽ chuyển sang UBDT")
    bg1.sync()
    bg2.sync()
    hq.sync()
    bg2("set", moved, "name=bg2 sửa khi chưa biết bị chuyển")
    world.move(moved, UB)
    bg2.sync()
    hq.sync()
    conflicts = [r for r in bg2.export("conflict") if r["fields"]["record_id"] == moved]
    assert [(c["fields"]["field"], c["fields"]["status"]) for c in conflicts] == [
        ("scope", "open")
    ], conflicts
    return bg1, bg2, hq, moved, conflicts[0]["id"]


def assert_resolved_everywhere(world: World, conflict: str, *replicas: Replica) -> None:
    on_server = world.record(conflict)
    assert on_server is not None and on_server["fields"]["status"] == "resolved", on_server
    for rep in replicas:
        listed = rep.run("conflicts")
        assert (listed.code, listed.out, listed.err) == (0, "", "No open conflicts.\n"), (
            f"[{rep.name}] {listed}"
        )


def test_an_office_keeps_the_current_scope_of_a_moved_record(world: World, tmp_path: Path) -> None:
    """On the office, ``resolve C --keep current`` accepts the move (the record is out of
    its reach): it succeeds, and after syncs the conflict is resolved everywhere."""
    bg1, bg2, hq, moved, conflict = scope_conflict(world, tmp_path)
    kept = bg2.run("resolve", conflict, "--keep", "current")
    assert kept.code == 0, kept
    for rep in (bg2, hq, bg1, bg2):
        rep.sync()
    assert world.record(moved) == {
        "id": moved,
        "kind": "unit",
        "scope": UB,
        "deleted": False,
        "fields": {"name": "Sẽ chuyển sang UBDT"},
    }
    assert_resolved_everywhere(world, conflict, bg1, bg2, hq)
    assert_converged(world, bg1, bg2, hq)


def test_headquarters_keeps_the_other_scope_and_moves_the_record_back(
    world: World, tmp_path: Path
) -> None:
    """On HQ, ``resolve C --keep other`` moves the record back to vn/bac-giang, where both
    office replicas hold it again."""
    bg1, bg2, hq, moved, conflict = scope_conflict(world, tmp_path)
    kept = hq.run("resolve", conflict, "--keep", "other")
    assert kept.code == 0, kept
    for rep in (hq, bg2, bg1, hq):
        rep.sync()
    on_server = world.record(moved)
    assert on_server is not None and on_server["scope"] == BG, on_server
    assert bg1.record(moved) == bg2.record(moved) == on_server
    assert_resolved_everywhere(world, conflict, bg1, bg2, hq)
    assert_converged(world, bg1, bg2, hq)

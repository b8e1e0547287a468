"""Regression tests for ../shared/repro/convergence/ (issue 13, B1–B6) and acceptance 6, over
real HTTP: a real ``sotay-server`` on loopback and one fresh ``sotay`` process per command, so
every step starts with a freshly opened store as in daily use.

Tests that need no headquarters replica share one server per module, each on offices of its
own (``scopes``) so they cannot see each other's records; tests with an HQ replica (which reads
everything) get a server of their own (``own_world``).  Record ids are fresh per test.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from domain.ids import short
from tests.helpers.cli_world import Replica, World, assert_converged, by_id, unique_tag, write_jsonl

pytestmark = pytest.mark.e2e

BG, UB, HQ = "vn/bac-giang", "vn/ubdt", "vn"
#: ``show --history``: "<at> <source> <author> <office>: <changes>"
HISTORY_LINE = re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d (?P<who>[^:]*): ?(?P<changes>.*)$")


@dataclass(frozen=True)
class Scopes:
    bg: str
    ub: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    made = World(tmp_path_factory.mktemp("shared-server"))
    yield made
    made.close()


@pytest.fixture
def scopes(world: World) -> Scopes:
    """Two sibling offices of this test alone on the shared server."""
    tag = unique_tag()
    return Scopes(bg=world.office(f"vn/{tag}-bac-giang"), ub=world.office(f"vn/{tag}-ubdt"))


@pytest.fixture
def own_world(tmp_path: Path) -> Iterator[World]:
    made = World(tmp_path / "server")
    yield made
    made.close()


def imported(new: int, updated: int, unchanged: int) -> str:
    return f"Imported: {new} new, {updated} updated, {unchanged} unchanged."


# --------------------------------------------------------------------------- B1: import
def test_reopen_by_import_reaches_the_server_and_the_other_replica(
    world: World, scopes: Scopes, tmp_path: Path
) -> None:
    """repro/reopen_by_import.sh: a done task re-imported as in progress drops nothing."""
    a = world.replica(tmp_path / "a", scopes.bg)
    b = world.replica(tmp_path / "b", scopes.bg)
    tid, unit = str(uuid.uuid4()), str(uuid.uuid4())
    done = {
        "id": tid,
        "kind": "task",
        "scope": scopes.bg,
        "deleted": False,
        "fields": {"title": "Nhiệm vụ", "lead_unit_id": unit, "progress": 1, "status": "done"},
    }
    reopened = {
        **done,
        "fields": {
            "title": "Nhiệm vụ",
            "lead_unit_id": unit,
            "progress": 94,
            "status": "in_progress",
        },
    }
    assert a("import", str(write_jsonl(tmp_path / "r1.jsonl", [done]))) == imported(1, 0, 0)
    a.sync()
    b.sync()
    assert a("import", str(write_jsonl(tmp_path / "r2.jsonl", [reopened]))) == imported(0, 1, 0)
    a.sync()
    b.sync()
    assert b.export("task") == [reopened], "the other replica drops completed_on"
    assert world.record(tid) == reopened, "the server drops completed_on"
    a.sync()
    assert_converged(world, a, b)


def test_import_clearing_fields_clears_them_everywhere(
    world: World, scopes: Scopes, tmp_path: Path
) -> None:
    """convergence/bug1_import_clear.sh"""
    a = world.replica(tmp_path / "A", scopes.bg)
    b = world.replica(tmp_path / "B", scopes.bg)
    unit = a("add", "unit", "name=STTTT")
    tid = str(uuid.uuid4())
    done = {
        "id": tid,
        "kind": "task",
        "scope": scopes.bg,
        "deleted": False,
        "fields": {"title": "T", "lead_unit_id": unit, "status": "done"},
    }
    reopened = {**done, "fields": {"title": "T", "lead_unit_id": unit, "status": "in_progress"}}
    assert a("import", str(write_jsonl(tmp_path / "done.jsonl", [done]))) == imported(1, 0, 0)
    a.sync()
    b.sync()
    assert a("import", str(write_jsonl(tmp_path / "reopen.jsonl", [reopened]))) == imported(0, 1, 0)
    a.sync()
    b.sync()
    a.sync()
    assert world.record(tid) == reopened, "progress and completed_on cleared on the server"
    assert b.export("task") == [reopened]
    assert_converged(world, a, b)


def test_import_restoring_a_deleted_record_restores_it_everywhere(
    world: World, scopes: Scopes, tmp_path: Path
) -> None:
    """convergence/bug1b_import_restore.sh"""
    a = world.replica(tmp_path / "A", scopes.bg)
    b = world.replica(tmp_path / "B", scopes.bg)
    uid = a("add", "unit", "name=STTTT")
    a.sync()
    a("rm", "--yes", uid)
    a.sync()
    [deleted] = a.export("unit")
    assert deleted["deleted"] is True
    restored = {**deleted, "deleted": False}
    assert a("import", str(write_jsonl(tmp_path / "restore.jsonl", [restored]))) == imported(
        0, 1, 0
    )
    a.sync()
    b.sync()
    assert world.record(uid) == restored, "the restore reaches the server"
    assert b.export("unit") == [restored]
    a.sync()
    assert_converged(world, a, b)


def test_import_of_a_value_seen_makes_no_conflict(
    world: World, scopes: Scopes, tmp_path: Path
) -> None:
    """convergence/bug1c_import_spurious_conflict.sh: A replaces Y, which it had pulled."""
    a = world.replica(tmp_path / "A", scopes.bg)
    b = world.replica(tmp_path / "B", scopes.bg)
    uid = a("add", "unit", "name=STTTT", "abbr=X")
    a.sync()
    b.sync()
    b("set", uid, "abbr=Y")
    b.sync()
    a.sync()
    [seen] = a.export("unit")
    assert seen["fields"] == {"name": "STTTT", "abbr": "Y"}
    edited = {**seen, "fields": {"name": "STTTT", "abbr": "Z"}}
    assert a("import", str(write_jsonl(tmp_path / "edit.jsonl", [edited]))) == imported(0, 1, 0)
    a.sync()
    b.sync()
    a.sync()
    for rep in (a, b):
        listed = rep.run("conflicts")
        assert (listed.code, listed.out, listed.err) == (0, "", "No open conflicts.\n"), (
            f"[{rep.name}] {listed}"
        )
    assert world.record(uid) == edited
    assert [r for r in world.readable_by(b) if r["kind"] == "conflict"] == []
    assert_converged(world, a, b)


# ---------------------------------------------------------------- B2, B3: confirmations
def test_a_synced_record_is_not_marked_pending(
    world: World, scopes: Scopes, tmp_path: Path
) -> None:
    """convergence/bug2_confirm_pending.sh: add, sync, sync: nothing is "not synced"."""
    a = world.replica(tmp_path / "A", scopes.bg)
    uid = a("add", "unit", "name=STTTT")
    a.sync()
    a.sync()
    assert a.status_pending() == 0
    assert a.show_pending(uid) == 0, "show says the synced record is not yet synced"
    rows = a("ls", "unit").splitlines()[2:]
    assert [row.split()[0] for row in rows] == [short(uid)], "ls marks it '*'"
    assert_converged(world, a)


def withdraw_a_plan(hq: Replica, office: Replica, title: str) -> None:
    """Make the office's next sync page carry a removal: an HQ plan published to it,
    received, then unpublished."""
    plan = hq("add", "plan", f"title={title}", f"published_to={office.office}")
    hq.sync()
    office.sync()
    hq("set", plan, "published_to=")
    hq.sync()


def test_a_confirmation_after_a_dropped_one_keeps_every_field(
    own_world: World, tmp_path: Path
) -> None:
    """convergence/bug3_confirm_loss.sh: the unit keeps its name on the replica."""
    a = own_world.replica(tmp_path / "A", BG)
    h = own_world.replica(tmp_path / "H", HQ, "hq")
    uid = a("add", "unit", "name=STTTT", "abbr=X")
    a.sync()
    withdraw_a_plan(h, a, "KH")
    a("set", uid, "abbr=Y")
    a.sync()
    expected = {
        "id": uid,
        "kind": "unit",
        "scope": BG,
        "deleted": False,
        "fields": {"name": "STTTT", "abbr": "Y"},
    }
    assert own_world.record(uid) == expected
    assert a.record(uid) == expected, "the replica lost the unit's name"
    h.sync()
    assert_converged(own_world, a, h)


def test_a_confirmation_on_a_stale_base_reverts_nothing(own_world: World, tmp_path: Path) -> None:
    """convergence/bug3b_confirm_revert.sh: the name set in between stays N2."""
    a = own_world.replica(tmp_path / "A", BG)
    h = own_world.replica(tmp_path / "H", HQ, "hq")
    withdraw_a_plan(h, a, "KH 1")
    uid = a("add", "unit", "name=N1")
    a.sync()
    a("set", uid, "name=N2")
    a.sync()
    withdraw_a_plan(h, a, "KH 2")
    a("set", uid, "abbr=X")
    a.sync()
    expected = {
        "id": uid,
        "kind": "unit",
        "scope": BG,
        "deleted": False,
        "fields": {"name": "N2", "abbr": "X"},
    }
    assert own_world.record(uid) == expected
    assert a.record(uid) == expected, "the replica shows the old name again"
    h.sync()
    assert_converged(own_world, a, h)


# ----------------------------------------------------------------- B4: a refused create
def test_a_refused_record_of_another_office_leaves_the_replica(
    world: World, scopes: Scopes, tmp_path: Path
) -> None:
    """convergence/bug4_refused_create_kept.sh"""
    a = world.replica(tmp_path / "A", scopes.bg)
    rid = str(uuid.uuid4())
    other = {
        "id": rid,
        "kind": "unit",
        "scope": scopes.ub,
        "deleted": False,
        "fields": {"name": "Đơn vị UBDT"},
    }
    assert a("import", str(write_jsonl(tmp_path / "other.jsonl", [other]))) == imported(1, 0, 0)
    first = a.sync()
    assert "The server refused 1 change; see: sotay conflicts" in first.lines
    a.sync()
    assert a.export() == [], "the replica still holds the other office's record"
    assert world.record(rid) is None
    listed = a("conflicts").splitlines()
    refusals = [line for line in listed if line.startswith("Refused: ")]
    assert len(refusals) == 1 and refusals[0].startswith(f"Refused: {short(rid)} "), listed
    assert_converged(world, a)


# ------------------------------------------------------------------ B5: pulled history
def test_pulled_changes_are_history_changes_not_creations(
    world: World, scopes: Scopes, tmp_path: Path
) -> None:
    """convergence/bug5_history_created.sh: one creation, then the fields each edit changed."""
    a = world.replica(tmp_path / "A", scopes.bg)
    b = world.replica(tmp_path / "B", scopes.bg)
    uid = a("add", "unit", "name=N1", "abbr=X")
    a.sync()
    b.sync()
    a("set", uid, "name=N2")
    a.sync()
    b.sync()
    a("set", uid, "abbr=Y")
    a.sync()
    b.sync()
    out = b("show", "--history", uid)
    lines = [m for m in map(HISTORY_LINE.match, out.splitlines()) if m]
    assert [m["changes"] for m in lines] == ["created", "Name: N1 → N2", "Abbreviation: X → Y"], out
    assert_converged(world, a, b)


# ------------------------------------------------------------------- B6: derived dates
def test_a_new_timeframe_without_a_start_clears_the_derived_start(
    world: World, scopes: Scopes, tmp_path: Path
) -> None:
    """convergence/bug6_timeframe_start.sh"""
    a = world.replica(tmp_path / "A", scopes.bg)
    unit = a("add", "unit", "name=STTTT")
    tid = a("add", "task", "title=T", f"lead_unit_id={unit}", "timeframe=Năm 2026")
    task = {
        "id": tid,
        "kind": "task",
        "scope": scopes.bg,
        "deleted": False,
        "fields": {
            "title": "T",
            "lead_unit_id": unit,
            "timeframe": "Năm 2026",
            "start": "2026-01-01",
            "due": "2026-12-31",
        },
    }
    assert a.export("task") == [task]
    moved = a.run("set", tid, "timeframe=trước 30/9/2025")
    assert (moved.code, moved.out) == (0, f"Saved {tid}.\n"), moved
    assert a.export("task") == [
        {
            **task,
            "fields": {
                "title": "T",
                "lead_unit_id": unit,
                "timeframe": "trước 30/9/2025",
                "due": "2025-09-30",
            },
        }
    ]
    a("set", tid, "timeframe=Quý III/2025")
    assert a.export("task") == [
        {
            **task,
            "fields": {
                "title": "T",
                "lead_unit_id": unit,
                "timeframe": "Quý III/2025",
                "start": "2025-07-01",
                "due": "2025-09-30",
            },
        }
    ]
    a.sync()
    assert_converged(world, a)


def test_import_plan_moving_a_row_earlier_updates_it(
    world: World, scopes: Scopes, tmp_path: Path
) -> None:
    """convergence/bug6b_import_plan_timeframe.sh"""
    a = world.replica(tmp_path / "A", scopes.bg)
    unit = a("add", "unit", "name=STTTT")
    plan = a("add", "plan", "title=KH 2026", "year_from=2026")
    head = "STT,Nội dung nhiệm vụ,Đơn vị chủ trì,Thời gian thực hiện\n"
    v1, v2 = tmp_path / "v1.csv", tmp_path / "v2.csv"
    v1.write_text(head + "1,Số hóa hồ sơ,STTTT,Năm 2026\n", encoding="utf-8")
    v2.write_text(head + "1,Số hóa hồ sơ,STTTT,trước 30/9/2025\n", encoding="utf-8")
    first = a("import-plan", str(v1), "--plan", plan, "--yes").splitlines()
    assert first[-1] == "Imported: 1 added, 0 updated, 0 unchanged."
    [task] = a.export("task")
    assert task["fields"] == {
        "title": "Số hóa hồ sơ",
        "plan_id": plan,
        "stt": "1",
        "lead_unit_id": unit,
        "timeframe": "Năm 2026",
        "start": "2026-01-01",
        "due": "2026-12-31",
    }
    second = a.run("import-plan", str(v2), "--plan", plan, "--yes")
    assert second.code == 0, second
    assert second.lines[-1] == "Imported: 0 added, 1 updated, 0 unchanged.", second
    assert a.export("task") == [
        {
            **task,
            "fields": {
                "title": "Số hóa hồ sơ",
                "plan_id": plan,
                "stt": "1",
                "lead_unit_id": unit,
                "timeframe": "trước 30/9/2025",
                "due": "2025-09-30",
            },
        }
    ]
    a.sync()
    assert_converged(world, a)


# ------------------------------------------------------------- acceptance 6: the counts
async def status_line_pending(data: Path) -> int:
    """The count the app's status line shows, from the real app on the profile (headless)."""
    from textual.widgets import Static

    from sync.store import Store
    from tui.app import build_app

    store = Store.open(data)
    try:
        app = build_app(store, None, lang="en", sync_interval=None)
        async with app.run_test(size=(140, 44)) as pilot:
            await pilot.pause()
            text = str(app.screen.query_one("#status-text", Static).render())
    finally:
        store.close()
    found = re.findall(r"Not yet synced: (\d+)", text)
    assert len(found) == 1, text
    return int(found[0])


async def test_show_status_and_the_status_line_count_the_same_pending_changes(
    world: World, scopes: Scopes, tmp_path: Path
) -> None:
    """Acceptance 6: one synced record and two records with one unsent op each."""
    a = world.replica(tmp_path / "A", scopes.bg)
    synced = a("add", "unit", "name=Đã gửi")
    a.sync()
    a.sync()
    waiting = [a("add", "unit", f"name=Chưa gửi {n}") for n in (1, 2)]
    shown = {rid: a.show_pending(rid) for rid in (synced, *waiting)}
    counts = {
        "status": a.status_pending(),
        "status line": await status_line_pending(a.data),
        "show, summed": sum(shown.values()),
    }
    assert (counts, shown) == (
        {"status": 2, "status line": 2, "show, summed": 2},
        {synced: 0, waiting[0]: 1, waiting[1]: 1},
    )


def test_reimport_reports_updated_then_unchanged(
    world: World, scopes: Scopes, tmp_path: Path
) -> None:
    """Acceptance 6: an import of existing ids counts them as updated / unchanged, never new."""
    a = world.replica(tmp_path / "A", scopes.bg)
    b = world.replica(tmp_path / "B", scopes.bg)
    for n in range(3):
        a("add", "unit", f"name=Đơn vị {n}")
    a.sync()
    records = a.export("unit")
    renamed = {**records[0], "fields": {"name": "Đơn vị đã đổi tên"}}
    edited = write_jsonl(tmp_path / "edited.jsonl", [renamed, *records[1:]])
    assert a("import", str(edited)) == imported(0, 1, 2)
    assert a("import", str(edited)) == imported(0, 0, 3)
    assert a("import", str(write_jsonl(tmp_path / "same.jsonl", records))) == imported(0, 1, 2)
    a.sync()
    b.sync()
    assert by_id(world.readable_by(b)) == by_id(records)
    assert_converged(world, a, b)

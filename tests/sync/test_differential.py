"""Differential test of every entry path into the replica, as people run them.

Four replicas (two of office ``vn/a``, one of ``vn/b``, headquarters) and the central
service.  Hypothesis chooses a schedule over every way a change enters a replica — add,
set, clearing a field, delete and restore, task status and timeframe changes (derived
fields), ``import`` of new and existing IDs (and of another office's record), plan import,
the meeting editor, save-then-undo, publish / unpublish, moving a record, resolving
conflicts — and syncs in the orders it chooses, with batches and pages smaller than the
changes, so exchanges and pages split.  It also backs the server up and restores it from
the backup.  **Every step opens the store afresh and closes it**, exactly as each ``sotay``
command does (every kind then starts unparsed: the shape that hid B1–B5).

After quiescence (every replica syncs over a clean link until nothing moves):

* each replica's export equals the server's records restricted to what that replica may
  read;
* no record is marked pending and no op waits;
* no history holds a phantom creation (at most one "created" line, and it is the first).

CI runs 200 examples; ``SOTAY_HYPOTHESIS=deep`` runs 10,000.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from documents import plan_import
from domain.errors import SotayError
from server_stub.app import create_app
from server_stub.auth import add_office, create_token
from server_stub.db import Database
from server_stub.service import Service
from server_stub.settings import ServerSettings
from sync import conflicts, fsio
from sync.apply import accept_removals
from sync.client import SyncClient
from sync.errors import ServerMismatch
from sync.store import Store
from tests.sync.test_model import readable
from tui.editing import Editor, ItemEdit

REPLICAS = {
    "a1": ("vn/a", "office"),
    "a2": ("vn/a", "office"),
    "b1": ("vn/b", "office"),
    "hq": ("vn", "hq"),
}
NAMES = sorted(REPLICAS)
UNITS = {"vn/a": "Sở Thông tin A", "vn/b": "Sở Thông tin B"}
WORDS = st.sampled_from(["Triển khai", "Nâng cấp", "Đào tạo", "Rà soát", "Số hóa"])
TITLES = st.builds("{} {}".format, WORDS, st.integers(1, 9))
TIMEFRAMES = st.sampled_from(
    ["Năm 2026", "Quý III/2025", "trước 30/9/2025", "Thường xuyên", "6 tháng cuối năm 2025", None]
)
STATUSES = st.sampled_from(["not_started", "in_progress", "done", "paused"])
EXAMPLES = int(
    os.environ.get("SOTAY_DIFF_EXAMPLES")
    or (10_000 if os.environ.get("SOTAY_HYPOTHESIS") == "deep" else 200)
)


class World:
    """The server and four profiles on disk; every step opens a profile and closes it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.settings = ServerSettings(
            db=root / "server.db", rate=1e6, burst=10**6, synchronous="NORMAL"
        )
        self.db = Database(self.settings.db, synchronous="NORMAL")
        for scope in ("vn", "vn/a", "vn/b"):
            add_office(self.db, scope, scope)
        self.app = create_app(self.settings, db=self.db)
        self.tokens = {
            n: create_token(self.db, office, role, n).token
            for n, (office, role) in REPLICAS.items()
        }
        self.loop = asyncio.new_event_loop()
        self.backup: Path | None = None
        for name, (office, role) in REPLICAS.items():
            Store.create(root / name, office=office, name=name, role=role, author=name).close()

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[Store]:
        store = Store.open(self.root / name)
        try:
            yield store
        finally:
            store.close()

    def sync(self, name: str) -> None:
        """One ``sotay sync``; a refusal to trust the server is followed as its message
        says (``sotay sync --adopt-server``)."""
        with self.open(name) as store:
            try:
                self._sync(store, name)
            except ServerMismatch:
                store.adopt_new_server()
                self._sync(store, name)

    def _sync(self, store: Store, name: str) -> None:
        client = SyncClient(
            store,
            server_url="http://server",
            token=self.tokens[name],
            transport=httpx.ASGITransport(app=self.app),
            retries=0,
            batch_ops=3,
            pull_limit=4,
        )

        async def run() -> None:
            async with client:
                await client.sync()

        self.loop.run_until_complete(run())

    def take_backup(self) -> None:
        self.backup = self.root / "backup.db"
        self.backup.unlink(missing_ok=True)
        with (
            contextlib.closing(sqlite3.connect(self.db.path)) as src,
            contextlib.closing(sqlite3.connect(self.backup)) as dst,
        ):
            src.backup(dst)

    def restore_backup(self) -> None:
        if self.backup is None:
            return
        self.db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.db.path}{suffix}").unlink(missing_ok=True)
        shutil.copy(self.backup, self.db.path)
        self.db = Database(self.settings.db, synchronous="NORMAL")
        self.app = create_app(self.settings, db=self.db)

    def server_records(self) -> list[dict[str, Any]]:
        return [orjson.loads(line) for line in Service(self.db, self.settings).export_lines()]

    def close(self) -> None:
        self.loop.close()
        self.db.close()


def _ids(store: Store, kind: str | None = None, *, deleted: bool | None = False) -> list[str]:
    records = store.list(kind, include_deleted=deleted is not False)
    if deleted:
        records = [r for r in records if r.deleted]
    return sorted(r.id for r in records if r.kind != "conflict")


class Differential(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="sotay-diff-"))
        self.world = World(self.root)
        self.n = 0

    def _new_id(self) -> str:
        self.n += 1
        return f"0190{self.n:08x}-0000-7000-8000-00000000d1ff"

    def attempt(self, name: str, action: Any) -> None:
        """Run one command on a freshly opened profile; a refusal is an answer, not a bug."""
        with self.world.open(name) as store, contextlib.suppress(SotayError):
            action(store)

    def pick(
        self,
        data: st.DataObject,
        name: str,
        kind: str | None = None,
        *,
        deleted: bool | None = False,
    ) -> str | None:
        with self.world.open(name) as store:
            ids = _ids(store, kind, deleted=deleted)
        return data.draw(st.sampled_from(ids)) if ids else None

    @initialize()
    def seed(self) -> None:
        for name, office in (("a1", "vn/a"), ("b1", "vn/b")):
            self.attempt(name, lambda s, o=office: s.add("unit", {"name": UNITS[o]}))
        self.attempt(
            "hq",
            lambda s: s.add("plan", {"title": "Kế hoạch chung", "published_to": ["vn/a", "vn/b"]}),
        )
        for name in ("a1", "b1", "hq", "a2", "a1", "b1"):
            self.world.sync(name)

    # -- entry paths ---------------------------------------------------------------
    @rule(
        name=st.sampled_from(NAMES),
        title=TITLES,
        tf=TIMEFRAMES,
        status=STATUSES,
        where=st.sampled_from(["own", "vn/a", "vn/b"]),
    )
    def add_task(self, name: str, title: str, tf: str | None, status: str, where: str) -> None:
        fields = {"title": title, "lead_unit_id": "u1", "status": status, "timeframe": tf}
        scope = None if where == "own" or REPLICAS[name][1] != "hq" else where
        self.attempt(name, lambda s: s.add("task", fields, scope=scope))

    @rule(name=st.sampled_from(NAMES), title=TITLES, publish=st.booleans())
    def add_plan_or_meeting(self, name: str, title: str, publish: bool) -> None:
        def add(store: Store) -> None:
            plan: dict[str, Any] = {"title": title, "year_from": 2025}
            if publish and REPLICAS[name][1] == "hq":
                plan["published_to"] = ["vn/a"]
            store.add("plan", plan)
            store.add(
                "meeting",
                {
                    "title": f"Phiên họp {title}",
                    "date": "2025-06-12",
                    "attendees": {"p1": "present", "p2": "absent"},
                    "minutes": f"{title}\nThống nhất.",
                },
            )

        self.attempt(name, add)

    @rule(name=st.sampled_from(NAMES), data=st.data())
    def set_fields(self, name: str, data: st.DataObject) -> None:
        rid = self.pick(data, name, "task")
        if rid is None:
            return
        change = data.draw(
            st.one_of(
                st.fixed_dictionaries({"title": TITLES}),
                st.fixed_dictionaries({"progress": st.one_of(st.none(), st.integers(0, 100))}),
                st.fixed_dictionaries({"status": STATUSES}),
                st.fixed_dictionaries({"timeframe": TIMEFRAMES}),
                st.fixed_dictionaries({"notes": st.one_of(st.none(), st.just("Ghi chú\nDòng 2"))}),
                st.fixed_dictionaries(
                    {
                        "coordinators": st.lists(
                            st.sampled_from(["u2", "u3"]), unique=True, max_size=2
                        )
                    }
                ),
                st.fixed_dictionaries({"budget": st.one_of(st.none(), st.integers(0, 10**9))}),
            )
        )
        self.attempt(name, lambda s: s.update(rid, change))

    @rule(name=st.sampled_from(NAMES), data=st.data())
    def delete_or_restore(self, name: str, data: st.DataObject) -> None:
        if data.draw(st.booleans()):
            rid = self.pick(data, name)
            if rid is not None:
                self.attempt(name, lambda s: s.delete(rid))
        else:
            rid = self.pick(data, name, deleted=True)
            if rid is not None:
                self.attempt(name, lambda s: s.restore(rid))

    @rule(name=st.sampled_from(NAMES), data=st.data())
    def reimport(self, name: str, data: st.DataObject) -> None:
        """``sotay export`` one record, change it in a text editor, ``sotay import`` it."""
        rid = self.pick(data, name, "task", deleted=None)
        if rid is None:
            return
        with self.world.open(name) as store:
            item = store.require(rid).export()
        fields = dict(item["fields"])
        edit = data.draw(st.sampled_from(["status", "clear", "title", "undelete", "delete"]))
        if edit == "status":
            fields["status"] = data.draw(STATUSES)
        elif edit == "clear":
            for key in ("progress", "completed_on", "notes", "timeframe", "start"):
                fields.pop(key, None)
        elif edit == "title":
            fields["title"] = data.draw(TITLES)
        item = {**item, "fields": fields, "deleted": edit == "delete"}
        self.attempt(name, lambda s: s.import_records([(1, item)], enforce_scope=False))

    @rule(
        name=st.sampled_from(NAMES),
        title=TITLES,
        count=st.integers(1, 8),
        where=st.sampled_from(["own", "vn/a", "vn/b"]),
    )
    def import_new(self, name: str, title: str, count: int, where: str) -> None:
        """Import a file of new records — possibly another office's (the server refuses)."""
        scope = REPLICAS[name][0] if where == "own" else where
        items = [
            (
                i,
                {
                    "id": self._new_id(),
                    "kind": "unit",
                    "scope": scope,
                    "fields": {"name": f"{title} · {i}"},
                    "deleted": False,
                },
            )
            for i in range(count)
        ]
        self.attempt(name, lambda s: s.import_records(items, enforce_scope=False))

    @rule(
        name=st.sampled_from(["a1", "a2", "b1"]),
        rows=st.lists(
            st.tuples(st.integers(1, 3), WORDS, TIMEFRAMES.filter(lambda t: t is not None)),
            min_size=1,
            max_size=3,
        ),
    )
    def import_plan(self, name: str, rows: list[tuple[int, str, str]]) -> None:
        office = REPLICAS[name][0]
        path = self.root / f"plan-{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời gian thực hiện"])
            for stt, title, tf in rows:
                out.writerow([stt, f"{title} hồ sơ", UNITS[office], tf])

        def run(store: Store) -> None:
            plans = [p for p in store.list("plan") if p.scope == office]
            if not plans:
                plans = [store.add("plan", {"title": "Kế hoạch năm 2025", "year_from": 2025})]
            preview = plan_import.preview(store, path, plans[0].id)
            plan_import.save(store, preview)

        self.attempt(name, run)

    @rule(name=st.sampled_from(NAMES), title=TITLES, tasks=st.integers(0, 2), notice=st.booleans())
    def meeting_editor(self, name: str, title: str, tasks: int, notice: bool) -> None:
        items = [
            ItemEdit(
                None,
                {"title": f"{title} việc {i}", "lead_unit_id": "u1", "timeframe": "Quý III/2025"},
            )
            for i in range(tasks)
        ]

        def run(store: Store) -> None:
            Editor(store).save_meeting(
                None,
                {"title": f"Họp {title}", "date": "2025-06-20", "attendees": {"p1": "present"}},
                {"title": f"Thông báo {title}", "number": "12/TB-BCĐ" if notice else None},
                items,
                [],
            )

        self.attempt(name, run)

    @rule(name=st.sampled_from(NAMES), data=st.data(), title=TITLES)
    def save_then_undo(self, name: str, data: st.DataObject, title: str) -> None:
        rid = self.pick(data, name, "task")
        if rid is None:
            return

        def run(store: Store) -> None:
            editor = Editor(store)
            editor.save("task", rid, {"title": title, "status": "done"})
            editor.undo()

        self.attempt(name, run)

    @rule(data=st.data(), offices=st.lists(st.sampled_from(["vn/a", "vn/b"]), unique=True))
    def publish(self, data: st.DataObject, offices: list[str]) -> None:
        rid = self.pick(data, "hq", "plan")
        if rid is not None:
            self.attempt("hq", lambda s: s.update(rid, {"published_to": offices}))

    @rule(
        name=st.sampled_from(NAMES),
        data=st.data(),
        to=st.sampled_from(["vn/a", "vn/b", "vn", "vn/a/x", "vn/b/y"]),
    )
    def move(self, name: str, data: st.DataObject, to: str) -> None:
        rid = self.pick(data, name)
        if rid is not None:
            self.attempt(name, lambda s: _move(s, rid, to))

    @rule(
        name=st.sampled_from(NAMES),
        data=st.data(),
        keep=st.sampled_from(["mine", "theirs", "current", "other", "copy"]),
    )
    def resolve(self, name: str, data: st.DataObject, keep: str) -> None:
        with self.world.open(name) as store:
            open_ids = sorted(c.id for c in store.open_conflicts())
        if open_ids:
            cid = data.draw(st.sampled_from(open_ids))
            self.attempt(name, lambda s: conflicts.resolve(s, cid, keep))

    # -- sync and the server ----------------------------------------------------------
    @rule(name=st.sampled_from(NAMES))
    def sync(self, name: str) -> None:
        self.world.sync(name)

    @rule(order=st.permutations(NAMES))
    def everyone_syncs(self, order: list[str]) -> None:
        for name in order:
            self.world.sync(name)

    @rule()
    def backup(self) -> None:
        self.world.take_backup()

    @rule()
    def restore_backup(self) -> None:
        self.world.restore_backup()

    # -- the end ------------------------------------------------------------------------
    def teardown(self) -> None:
        try:
            self.quiesce()
            self.check()
        finally:
            self.world.close()
            shutil.rmtree(self.root, ignore_errors=True)

    def quiesce(self) -> None:
        for _round in range(6):
            for name in NAMES:
                self.world.sync(name)
                with self.world.open(name) as store, store.transaction() as tx:
                    accept_removals(tx)  # a person accepts what the guard held back
        for name in NAMES:
            self.world.sync(name)

    def check(self) -> None:
        server = self.world.server_records()
        for name, (office, role) in REPLICAS.items():
            with self.world.open(name) as store:
                records = store.list(None, include_deleted=True)
                exported = sorted((r.export() for r in records), key=lambda r: r["id"])
                assert store.pending_count() == 0, f"{name}: ops still waiting"
                assert [r.id for r in records if r.pending] == [], f"{name}: marked pending"
                for record in records:
                    lines = store.history(record.id)
                    created = [i for i, h in enumerate(lines) if h.get("created")]
                    assert created in ([], [0]), f"{name}: phantom creation of {record.id}"
            expected = [r for r in server if readable(office, role, r)]
            assert exported == expected, f"{name} differs from the server"


def _move(store: Store, rid: str, to: str) -> None:
    with store.transaction() as tx:
        tx.move(rid, to)


def test_every_entry_path_converges_from_freshly_opened_stores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # durability has its own crash tests; here every step's fsyncs would only cost time
    monkeypatch.setattr(fsio, "_fsync", lambda fd: None)
    Differential.TestCase.settings = settings(
        max_examples=EXAMPLES, stateful_step_count=25, deadline=None
    )
    Differential.TestCase().runTest()

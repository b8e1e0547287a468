"""The differential test (see test_differential.py) through real ``sotay`` processes and a real
``sotay-server`` over loopback: a schedule hypothesis chooses over the command line's entry
paths — add, set, clearing a field (``field=``), rm, restore, import of an edited export,
import of another office's record, move, publish / unpublish, resolve — then every replica
syncs until quiet and its export must equal the server's records it may read, with nothing
pending.  Each command is its own process, so every store is reopened at every step.

A handful of examples in CI (each command costs a process start); more with
``SOTAY_CLI_EXAMPLES=50``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from domain.schema import is_open_conflict
from tests.helpers.cli_world import Replica, World, assert_converged, write_jsonl

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("SOTAY_CLI_EXAMPLES", "3"))
NAMES = ("a1", "a2", "b1", "hq")
OFFICES = {
    "a1": ("vn/a", "office"),
    "a2": ("vn/a", "office"),
    "b1": ("vn/b", "office"),
    "hq": ("vn", "hq"),
}
TITLES = st.builds(
    "{} {}".format, st.sampled_from(["Triển khai", "Nâng cấp", "Số hóa"]), st.integers(1, 9)
)


class CliDifferential(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="sotay-cli-diff-"))
        self.world = World(self.root)
        self.reps: dict[str, Replica] = {
            name: self.world.replica(self.root / name, office, role)
            for name, (office, role) in OFFICES.items()
        }
        self.files = 0

    def ids(self, name: str, kind: str | None = None, deleted: bool = False) -> list[str]:
        return sorted(
            r["id"]
            for r in self.reps[name].export(kind)
            if r["kind"] != "conflict" and bool(r["deleted"]) == deleted
        )

    @initialize()
    def seed(self) -> None:
        self.unit = {n: self.reps[n]("add", "unit", f"name=Sở {n}") for n in ("a1", "b1")}
        self.reps["hq"]("add", "plan", "title=Kế hoạch chung", "published_to=vn/a")
        for name in ("a1", "b1", "hq", "a2"):
            self.reps[name].sync()

    @rule(
        name=st.sampled_from(NAMES),
        title=TITLES,
        tf=st.sampled_from(["Năm 2026", "trước 30/9/2025", "Quý III/2025"]),
    )
    def add(self, name: str, title: str, tf: str) -> None:
        self.reps[name].run("add", "task", f"title={title}", "lead_unit_id=u1", f"timeframe={tf}")

    @rule(name=st.sampled_from(NAMES), data=st.data())
    def set_or_clear(self, name: str, data: st.DataObject) -> None:
        ids = self.ids(name, "task")
        if ids:
            rid = data.draw(st.sampled_from(ids))
            field = data.draw(
                st.sampled_from(
                    [
                        "status=done",
                        "status=in_progress",
                        "progress=",
                        "progress=40",
                        "timeframe=",
                        "timeframe=Năm 2026",
                        "notes=Ghi chú",
                    ]
                )
            )
            self.reps[name].run("set", rid, field)

    @rule(name=st.sampled_from(NAMES), data=st.data(), restore=st.booleans())
    def rm_or_restore(self, name: str, data: st.DataObject, restore: bool) -> None:
        ids = self.ids(name, deleted=restore)
        if ids:
            rid = data.draw(st.sampled_from(ids))
            self.reps[name].run(*(("restore", rid) if restore else ("rm", "--yes", rid)))

    @rule(
        name=st.sampled_from(NAMES),
        data=st.data(),
        edit=st.sampled_from(["reopen", "clear", "undelete", "other_office"]),
    )
    def reimport(self, name: str, data: st.DataObject, edit: str) -> None:
        records = [r for r in self.reps[name].export("task")]
        if not records:
            return
        item: dict[str, Any] = data.draw(st.sampled_from(records))
        fields = dict(item["fields"])
        if edit == "reopen":
            fields["status"] = "in_progress"
        elif edit == "clear":
            fields = {k: v for k, v in fields.items() if k in ("title", "lead_unit_id")}
        elif edit == "other_office":
            other = "vn/b" if OFFICES[name][0] != "vn/b" else "vn/a"
            item = {
                **item,
                "id": f"0190{self.files:08x}-0000-7000-8000-0000000c1c1c",
                "scope": other,
            }
        self.files += 1
        path = write_jsonl(
            self.root / f"import-{self.files}.jsonl", [{**item, "fields": fields, "deleted": False}]
        )
        self.reps[name].run("import", str(path))

    @rule(
        name=st.sampled_from(NAMES), data=st.data(), to=st.sampled_from(["vn/a", "vn/b", "vn/a/x"])
    )
    def move(self, name: str, data: st.DataObject, to: str) -> None:
        ids = self.ids(name)
        if ids:
            self.reps[name].run("move", data.draw(st.sampled_from(ids)), to)

    @rule(data=st.data(), to=st.sampled_from(["", "vn/a", "vn/b"]))
    def publish(self, data: st.DataObject, to: str) -> None:
        ids = self.ids("hq", "plan")
        if ids:
            self.reps["hq"].run("set", data.draw(st.sampled_from(ids)), f"published_to={to}")

    @rule(
        name=st.sampled_from(NAMES),
        data=st.data(),
        keep=st.sampled_from(["mine", "theirs", "current", "other"]),
    )
    def resolve(self, name: str, data: st.DataObject, keep: str) -> None:
        conflicts = self.reps[name].export("conflict")
        open_ = [r["id"] for r in conflicts if is_open_conflict("conflict", r["fields"])]
        if open_:
            self.reps[name].run("resolve", data.draw(st.sampled_from(open_)), "--keep", keep)

    @rule(name=st.sampled_from(NAMES))
    def sync(self, name: str) -> None:
        self.reps[name].run("sync")

    def teardown(self) -> None:
        try:
            for _round in range(4):
                for name in NAMES:
                    self.reps[name].sync()
                    self.reps[name].run("removals", "--accept")
            assert_converged(self.world, *self.reps.values())
            for rep in self.reps.values():
                for line in rep("export").splitlines():
                    record = json.loads(line)
                    history = rep("show", "--history", record["id"]).splitlines()
                    created = [h for h in history if ": created" in h]
                    assert len(created) <= 1, f"[{rep.name}] phantom creation of {record['id']}"
        finally:
            self.world.close()
            shutil.rmtree(self.root, ignore_errors=True)


def test_every_cli_entry_path_converges_over_real_http() -> None:
    CliDifferential.TestCase.settings = settings(
        max_examples=EXAMPLES,
        stateful_step_count=10,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    CliDifferential.TestCase().runTest()

"""Driving the real app: a fixed clock, a store's seed records, typing.  (The in-process
central service its sync client reaches is ``tests.helpers.server``.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot

from domain.errors import SotayError
from sync.client import SyncClient
from sync.store import Store
from tests.helpers.clock import Clock
from tui.app import SotayApp, build_app

ICT = timezone(timedelta(hours=7))
NOW = datetime(2024, 6, 3, 9, 0, tzinfo=ICT)  # a Monday
OFFICE = "vn/bac-giang"
SIZE = (140, 44)
fixed_clock = Clock(NOW)  # never moved: the app's tests and snapshots see this instant

UNITS = [
    ("Sở Thông tin và Truyền thông", "STTTT"),
    ("Trung tâm Thông tin", "TTTT"),
    ("Văn phòng UBND tỉnh", "VP UBND"),
    ("Sở Nội vụ", "SNV"),
]
PEOPLE = [
    ("Nguyễn Văn An", "Giám đốc Sở"),
    ("Trần Thị Bình", "Phó Giám đốc"),
    ("Lê Hoàng Cường", "Chánh Văn phòng"),
    ("Phạm Thị Dung", "Chuyên viên"),
]


def fill_office(store: Store) -> dict[str, str]:
    """Units, members and one plan with an overdue and an upcoming task; returns their IDs."""
    ids: dict[str, str] = {}
    with store.transaction() as tx:
        for name, abbr in UNITS:
            ids[abbr] = tx.add("unit", {"name": name, "abbr": abbr}).id
        for name, position in PEOPLE:
            ids[name] = tx.add(
                "person", {"name": name, "position": position, "unit_id": ids["STTTT"]}
            ).id
        plan = tx.add(
            "plan",
            {
                "title": "Kế hoạch ứng dụng CNTT năm 2024",
                "number": "12/KH-BCĐ",
                "year_from": 2024,
                "status": "issued",
            },
        )
        ids["plan"] = plan.id
        ids["late"] = tx.add(
            "task",
            {
                "title": "Nâng cấp Cổng thông tin điện tử tỉnh",
                "plan_id": plan.id,
                "stt": "1",
                "lead_unit_id": ids["TTTT"],
                "due": "2024-05-15",
                "progress": 40,
            },
        ).id
        ids["soon"] = tx.add(
            "task",
            {
                "title": "Triển khai chữ ký số cho cán bộ",
                "plan_id": plan.id,
                "stt": "2",
                "lead_unit_id": ids["SNV"],
                "due": "2024-06-10",
            },
        ).id
    return ids


def make_app(store: Store, client: SyncClient | None = None, **kwargs: Any) -> SotayApp:
    return build_app(store, client, clock=fixed_clock, sync_interval=None, **kwargs)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def type_fast(pilot: Pilot[Any], text: str) -> None:
    """``text`` as a fast typist sends it: every key queued before the app handles the first
    (``type_text`` waits for the app after each key, as no person does)."""
    app = pilot.app
    driver = app._driver
    assert driver is not None
    for char in text:
        name = char if char.isalnum() else _character_to_key(char)
        event = events.Key(name, char)
        event.set_sender(app)
        driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


async def settle(app: App[Any], pilot: Pilot[Any]) -> None:
    """Until the app's workers are done and what they posted is drawn."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def go_offline(app: SotayApp, pilot: Pilot[Any]) -> None:
    """The status line of an office whose server is busy: the reason, the changes still to
    send, a retry at 09:15 (the fit tests and snapshots draw it at each size)."""
    app.sync_view = replace(
        app.sync_view,
        configured=True,
        state="offline",
        error=SotayError("sync.unavailable"),
        retry_at=datetime(2024, 6, 3, 2, 15, tzinfo=UTC),
    )
    await settle(app, pilot)

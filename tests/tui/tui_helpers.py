"""Helpers for driving the real app: a fixed clock, seed data, typing, and an in-process
central service the sync client reaches over ASGI (behind a switch that can cut it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot

from server_stub import auth
from server_stub.app import create_app
from server_stub.db import Database
from server_stub.settings import ServerSettings
from sync.client import SyncClient
from sync.store import Store
from tui.app import SotayApp, build_app

ICT = timezone(timedelta(hours=7))
NOW = datetime(2024, 6, 3, 9, 0, tzinfo=ICT)  # a Monday
OFFICE = "vn/bac-giang"
SIZE = (140, 44)


def fixed_clock() -> datetime:
    return NOW


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


def seed(store: Store) -> dict[str, str]:
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


class Switch(httpx.AsyncBaseTransport):
    """The in-process server behind a switch: ``down`` makes every request fail as a cut
    link would (the server "stopped"); ``fail_after`` lets N more requests through first."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.down = False
        self.fail_after: int | None = None
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.fail_after is not None:
            if self.fail_after <= 0:
                self.down = True
            self.fail_after -= 1
        if self.down:
            raise httpx.ConnectError("server stopped", request=request)
        self.requests += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Server:
    db: Database
    settings: ServerSettings
    tokens: dict[str, str]

    def client(self, store: Store, who: str = "bg", **kwargs: Any) -> tuple[SyncClient, Switch]:
        switch = Switch(httpx.ASGITransport(app=create_app(self.settings, db=self.db)))

        async def no_wait(_seconds: float) -> None:
            return None

        client = SyncClient(
            store,
            server_url="http://sotay.test",
            token=self.tokens[who],
            transport=switch,
            retries=1,
            sleep=no_wait,
            **kwargs,
        )
        return client, switch


def make_server(tmp_path: Path) -> Server:
    path = tmp_path / "server.db"
    settings = ServerSettings(db=path, synchronous="NORMAL")
    db = Database(path, synchronous="NORMAL")
    auth.add_office(db, "vn", "Ban Chỉ đạo Trung ương")
    auth.add_office(db, OFFICE, "Bắc Giang")
    tokens = {
        "hq": auth.create_token(db, "vn", "hq", "Thư ký Ban").token,
        "bg": auth.create_token(db, OFFICE, "office", "Nguyễn Thị Lan").token,
        "bg2": auth.create_token(db, OFFICE, "office", "Trần Văn Hùng").token,
    }
    return Server(db, settings, tokens)

"""Fixtures for driving the real app: its clock is fixed (tests.helpers.app), so the ``store``
of tests/conftest.py is on it; ``ids`` are the seed records'; ``world`` adds meetings, a
notice, indicators and an open conflict (the snapshots' and the fit tests' office)."""

from __future__ import annotations

import pytest

from sync.store import Store
from tests.helpers.app import NOW, OFFICE, fill_office
from tests.helpers.clock import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)  # the instant make_app's fixed_clock shows


@pytest.fixture
def world(store: Store) -> tuple[Store, dict[str, str]]:
    ids = fill_office(store)
    with store.transaction() as tx:
        held = tx.add(
            "meeting",
            {
                "title": "Phiên họp Ban Chỉ đạo quý I/2024",
                "date": "2024-04-10",
                "chair_id": ids["Nguyễn Văn An"],
                "meeting_kind": "meeting",
                "attendees": {ids["Trần Thị Bình"]: "present", ids["Lê Hoàng Cường"]: "absent"},
                "minutes": "Sở TT&TT báo cáo kết quả quý I.\nCác đại biểu thống nhất.",
            },
        )
        ids["meeting"] = held.id
        notice = tx.add(
            "conclusion",
            {
                "title": "Thông báo kết luận phiên họp quý I/2024",
                "meeting_id": held.id,
                "doc_type": "notice",
            },
        )
        tx.add(
            "task",
            {
                "title": "Hoàn thành kho dữ liệu dùng chung",
                "lead_unit_id": ids["TTTT"],
                "coordinators": [ids["SNV"]],
                "due": "2024-09-30",
                "conclusion_id": notice.id,
                "meeting_id": held.id,
            },
        )
        tx.add(
            "meeting",
            {
                "title": "Phiên họp Ban Chỉ đạo quý II/2024",
                "date": "2024-06-12",
                "time": "08:30",
                "venue": "Phòng họp số 1",
            },
        )
        tx.add(
            "indicator",
            {
                "name": "Văn bản đến gửi nhận điện tử",
                "plan_id": ids["plan"],
                "measure": "percent",
                "target": 90,
                "readings": {"2024-03-31": {"value": 72}},
            },
        )
        tx.add(
            "indicator",
            {
                "name": "Sở có Một cửa điện tử",
                "plan_id": ids["plan"],
                "measure": "ratio",
                "target": 22,
                "target_denominator": 22,
                "readings": {"2024-03-31": {"numerator": 22, "denominator": 22}},
            },
        )
    with store.transaction() as tx:  # as a pull brings one the server made
        tx.take_base(
            {
                "id": "0190a000-0000-7000-8000-000000000001",
                "kind": "conflict",
                "scope": OFFICE,
                "deleted": False,
                "seq": 1,
                "fields": {
                    "record_id": ids["late"],
                    "record_kind": "task",
                    "field": "due",
                    "record_title": "Nâng cấp Cổng thông tin điện tử tỉnh",
                    "current_value": "2024-07-31",
                    "current_author": "Nguyễn Thị Lan",
                    "current_office": OFFICE,
                    "current_at": "2024-06-01T02:15:00+00:00",
                    "other_value": "2024-06-30",
                    "other_author": "Thư ký Ban",
                    "other_office": "vn",
                    "other_at": "2024-05-31T09:40:00+00:00",
                    "status": "open",
                },
            }
        )
    return store, ids


@pytest.fixture
def ids(store: Store) -> dict[str, str]:
    return fill_office(store)

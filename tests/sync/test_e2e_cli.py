"""End to end over real HTTP: a real ``sotay-server``, four replicas driven by the ``sotay``
command line, edits everywhere, syncs, and ``sotay export`` compared across replicas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.server_process import Server, admin, token

pytestmark = pytest.mark.e2e


def sotay(data: Path, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "tui", "--data", str(data), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SOTAY_LANG": "en"},
    )
    assert proc.returncode == 0, f"sotay {' '.join(args)}: {proc.stderr}"
    return proc.stdout.strip()


def export(data: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in sotay(data, "export").splitlines()]


def replica(
    tmp: Path, name: str, office: str, server: Server, tok: str, role: str = "office"
) -> Path:
    data = tmp / name
    sotay(data, "init", "--office", office, "--name", name, "--role", role)
    sotay(data, "login", "--server", server.url, "--token", tok)
    return data


def test_three_offices_and_hq_converge_over_real_http(tmp_path: Path, server: Server) -> None:
    db = server.db
    for scope, name in (("vn", "Trung ương"), ("vn/bac-giang", "Bắc Giang"), ("vn/ubdt", "UBDT")):
        admin(db, "office", "add", scope, "--name", name)
    bg_token = token(db, "vn/bac-giang")
    bg1 = replica(tmp_path, "bg1", "vn/bac-giang", server, bg_token)
    bg2 = replica(
        tmp_path, "bg2", "vn/bac-giang", server, token(db, "vn/bac-giang", user="laptop 2")
    )
    ubdt = replica(tmp_path, "ubdt", "vn/ubdt", server, token(db, "vn/ubdt"))
    hq = replica(tmp_path, "hq", "vn", server, token(db, "vn", "hq"), role="hq")

    unit = sotay(bg1, "add", "unit", "name=Sở Thông tin và Truyền thông", "abbr=STTTT")
    task = sotay(
        bg1,
        "add",
        "task",
        "title=Triển khai phần mềm quản lý văn bản",
        f"lead_unit_id={unit}",
        "timeframe=6 tháng cuối năm 2011",
    )
    sotay(ubdt, "add", "unit", "name=Trung tâm Thông tin", "abbr=TTTT")
    published = sotay(
        hq, "add", "plan", "title=Kế hoạch chuyển đổi số quốc gia", "published_to=vn/bac-giang"
    )
    sotay(hq, "add", "plan", "title=Dự thảo nội bộ của trung ương")
    for data in (bg1, ubdt, hq, bg2):
        sotay(data, "sync")
    sotay(bg2, "set", task, "progress=40")
    sotay(bg2, "add", "unit", "name=UBND huyện Yên Thế", "--scope", "vn/bac-giang/yen-the")
    for data in (bg2, bg1, ubdt, hq, bg2, bg1, ubdt):
        sotay(data, "sync")

    bg1_all, bg2_all, ubdt_all, hq_all = export(bg1), export(bg2), export(ubdt), export(hq)
    assert bg1_all == bg2_all, "replicas of one office hold identical records"
    server_all = [json.loads(line) for line in admin(db, "export").splitlines()]
    assert sorted(r["id"] for r in hq_all) == sorted(r["id"] for r in server_all)
    assert {r["id"] for r in bg1_all} | {r["id"] for r in ubdt_all} <= {r["id"] for r in hq_all}
    titles = {r["fields"].get("title") or r["fields"].get("name") for r in bg1_all}
    assert "Kế hoạch chuyển đổi số quốc gia" in titles, "HQ's published plan reaches the office"
    assert "Dự thảo nội bộ của trung ương" not in titles
    assert "Trung tâm Thông tin" not in titles, "another office's records never arrive"
    assert next(r for r in bg1_all if r["id"] == task)["fields"]["progress"] == 40
    assert any(r["id"] == published for r in bg1_all)
    assert all(r["scope"] in ("vn/bac-giang", "vn/bac-giang/yen-the", "vn") for r in bg1_all)
    assert "0" in sotay(bg1, "status").split("Not yet synced:")[1].splitlines()[0]

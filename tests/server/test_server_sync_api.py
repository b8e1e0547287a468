"""Push, pull and sync over HTTP: what a replica (and so a person) observes."""

from __future__ import annotations

from typing import Any

import orjson

from server_stub.auth import Principal
from server_stub.service import Service
from server_stub.settings import ServerSettings
from server_stub.wire import OpIn
from sync.protocol import Op, PullResponse, PushResponse, SyncResponse
from tests.helpers.server import BG, HN, YT, Api, Server, change, make_op, task

MINUTES = (  # as the domain stores a long text: no trailing newline (see clean_input)
    "I. Thành phần: Ban Chỉ đạo CNTT tỉnh.\n"
    "\n"
    "II. Sở TT&TT báo cáo: 70% văn bản đến được gửi nhận điện tử.\n"
    "\n"
    "III. Ý kiến các đại biểu: cần bố trí kinh phí năm 2024.\n"
    "\n"
    "IV. Kết luận: giao Sở TT&TT tham mưu kế hoạch năm 2025."
)


# ---------------------------------------------------------------------------
# Round trip, idempotence, gaps
# ---------------------------------------------------------------------------
async def test_push_then_pull_round_trip(api: Api) -> None:
    body = await api.sync("bg", "laptop-1", [make_op(1, "t1", task(progress=40))])
    SyncResponse.model_validate(body)
    assert body["last_op_seq"] == 1
    assert body["results"] == [{"op_seq": 1, "status": "applied", "seq": 1}]
    assert body["records"] == [], "its own record is not echoed back: the result said it all"
    assert body["cursor"] == 1
    body = await api.sync("bg", "laptop-2", [])
    (record,) = body["records"]
    assert record["fields"] == {
        "title": "Triển khai phần mềm quản lý văn bản",
        "lead_unit_id": "unit-so-tttt",
        "progress": 40,
    }
    assert record["seq"] == 1 and record["office"] == BG and record["versions"] == {}
    assert body["cursor"] == 1 and body["has_more"] is False and body["head"] == 1
    history = (await api.client.get("/v1/records/t1/history", headers=api.headers("bg"))).json()
    assert [(h["status"], h["author"], h["user"], h["office"], h["op_seq"]) for h in history] == [
        ("applied", "Nguyễn Văn An", "Văn thư Bắc Giang", BG, 1)
    ]
    assert history[0]["changes"]["progress"] == {"old": None, "new": 40}


async def test_a_replica_gets_its_own_records_back_when_it_asks(api: Api) -> None:
    await api.sync("bg", "laptop-1", [make_op(1, "t1", task(progress=40))])
    response = await api.client.post(
        "/v1/sync",
        headers=api.headers("bg"),
        json={
            "schema_version": 1,
            "replica_id": "laptop-1",
            "ops": [],
            "since": 0,
            "include_own": True,
        },
    )
    assert [r["id"] for r in response.json()["records"]] == ["t1"]
    pulled = await api.client.get(
        "/v1/pull", headers=api.headers("bg"), params={"since": 0, "replica_id": "laptop-1"}
    )
    assert pulled.json()["records"] == [] and pulled.json()["cursor"] == 1
    await api.edit("hq", "hq-1", "t1", {"progress": change(55, base=1)})
    body = await api.sync("bg", "laptop-1", [], since=1)
    assert [r["fields"]["progress"] for r in body["records"]] == [55], "others' edits do come"


async def test_the_same_push_twice_is_applied_once(api: Api) -> None:
    ops = [make_op(1, "t1", task()), make_op(2, "t1", {"progress": change(30, base=1)})]
    first = await api.push("bg", "laptop-1", ops)
    again = await api.push("bg", "laptop-1", ops)
    PushResponse.model_validate(again)
    assert [r["status"] for r in first["results"]] == ["applied", "applied"]
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    assert again["results"][1]["record"]["fields"]["progress"] == 30
    assert again["last_op_seq"] == 2
    history = (await api.client.get("/v1/records/t1/history", headers=api.headers("bg"))).json()
    assert len(history) == 2
    records, _removed, cursor = await api.pull_all("bg")
    assert cursor == 2 and records["t1"]["seq"] == 2


async def test_a_gap_stops_the_batch_and_says_where_the_server_is(api: Api) -> None:
    await api.push("bg", "laptop-1", [make_op(1, "t1", task()), make_op(2, "t2", task())])
    gap = await api.push("bg", "laptop-1", [make_op(4, "t4", task()), make_op(5, "t5", task())])
    assert gap["results"] == [] and gap["last_op_seq"] == 2
    records, _removed, _cursor = await api.pull_all("bg")
    assert "t4" not in records
    resent = await api.push(
        "bg",
        "laptop-1",
        [make_op(3, "t3", task()), make_op(4, "t4", task()), make_op(5, "t5", task())],
    )
    assert [r["status"] for r in resent["results"]] == ["applied"] * 3
    assert resent["last_op_seq"] == 5


async def test_ops_of_one_request_apply_in_op_seq_order(api: Api) -> None:
    body = await api.push(
        "bg",
        "laptop-1",
        [make_op(2, "t1", {"progress": change(80, base=1)}), make_op(1, "t1", task(progress=10))],
    )
    assert [(r["op_seq"], r["status"]) for r in body["results"]] == [(1, "applied"), (2, "applied")]
    assert (await api.record("t1"))["fields"]["progress"] == 80


async def test_a_rejected_op_is_consumed_and_does_not_block_the_queue(api: Api) -> None:
    body = await api.push(
        "bg",
        "laptop-1",
        [
            make_op(1, "t1", {"no_such_field": "x"}),
            make_op(2, "t2", task()),
            make_op(3, "t3", {}, noop=True),
        ],
    )
    rejected, applied, noop = body["results"]
    assert rejected["status"] == "rejected" and rejected["reason"] == "sync.reject.bad_field"
    assert "no_such_field" in rejected["message"]
    assert applied["status"] == "applied" and noop["status"] == "applied"
    assert body["last_op_seq"] == 3
    again = await api.push("bg", "laptop-1", [make_op(4, "t4", task())])
    assert again["results"][0]["status"] == "applied"


async def test_replicas_are_counted_per_office(api: Api) -> None:
    """The same replica id in two offices is two replicas, each with its own op numbers."""
    await api.push("bg", "shared-name", [make_op(1, "t1", task())])
    other = await api.push("hn", "shared-name", [make_op(1, "h1", task(), scope=HN)])
    assert other["results"][0]["status"] == "applied"


# ---------------------------------------------------------------------------
# Acceptance 3: two offices edit the same meeting minutes offline
# ---------------------------------------------------------------------------
async def _meeting(api: Api) -> int:
    result = await api.edit(
        "yt",
        "yt-laptop",
        "m1",
        {"title": "Phiên họp Ban Chỉ đạo quý II", "date": "2024-06-28", "minutes": MINUTES},
        kind="meeting",
        scope=YT,
    )
    return int(result["seq"])


async def test_acceptance_3_different_paragraphs_keep_both_edits(api: Api) -> None:
    seq = await _meeting(api)
    bg_text = MINUTES.replace("70% văn bản", "75% văn bản")
    yt_text = MINUTES.replace("kế hoạch năm 2025", "kế hoạch năm 2025 trước 30/11")
    a = await api.edit(
        "bg",
        "bg-laptop",
        "m1",
        {"minutes": change(bg_text, seq, MINUTES)},
        kind="meeting",
        scope=YT,
        base_seq=seq,
    )
    b = await api.edit(
        "yt",
        "yt-laptop",
        "m1",
        {"minutes": change(yt_text, seq, MINUTES)},
        kind="meeting",
        scope=YT,
        base_seq=seq,
    )
    assert a["status"] == "applied" and b["status"] == "merged"
    for office in ("bg", "yt", "hq"):
        records, _removed, _cursor = await api.pull_all(office)
        minutes = records["m1"]["fields"]["minutes"]
        assert "75% văn bản" in minutes and "trước 30/11" in minutes
        assert minutes.count("Ý kiến các đại biểu") == 1 and minutes.count("Kết luận") == 1
        assert not [r for r in records.values() if r["kind"] == "conflict"]


async def test_acceptance_3_same_paragraph_keeps_both_versions(api: Api) -> None:
    seq = await _meeting(api)
    bg_text = MINUTES.replace("bố trí kinh phí năm 2024", "bố trí 2 tỷ đồng năm 2024")
    yt_text = MINUTES.replace("bố trí kinh phí năm 2024", "bố trí kinh phí từ năm 2025")
    await api.edit(
        "bg",
        "bg-laptop",
        "m1",
        {"minutes": change(bg_text, seq, MINUTES)},
        kind="meeting",
        scope=YT,
        base_seq=seq,
        author="Trần Bắc",
    )
    b = await api.edit(
        "yt",
        "yt-laptop",
        "m1",
        {"minutes": change(yt_text, seq, MINUTES)},
        kind="meeting",
        scope=YT,
        base_seq=seq,
        author="Lê Thế",
    )
    assert b["status"] == "conflict" and len(b["conflicts"]) == 1
    assert b["record"]["fields"]["minutes"] == yt_text
    for office in ("bg", "yt"):
        records, _removed, _cursor = await api.pull_all(office)
        conflict = records[b["conflicts"][0]]
        assert conflict["kind"] == "conflict" and conflict["scope"] == YT
        f = conflict["fields"]
        assert {records["m1"]["fields"]["minutes"], f["other_value"]} == {bg_text, yt_text}
        assert f["base_value"] == MINUTES and f["status"] == "open"
        assert (f["current_author"], f["other_author"]) == ("Lê Thế", "Trần Bắc")
        assert f["record_title"] == "Phiên họp Ban Chỉ đạo quý II"
    # A person resolves it with an op on the meeting that names the conflict (keeping the
    # current text: no changes); the server closes the conflict, as the server.
    cid = b["conflicts"][0]
    meeting_seq = (await api.record("m1"))["seq"]
    done = await api.edit(
        "bg",
        "bg-laptop",
        "m1",
        {},
        kind="meeting",
        scope=YT,
        base_seq=meeting_seq,
        author="Trần Bắc",
        resolves=cid,
        resolution="current",
    )
    assert done["status"] == "applied"
    closed = (await api.record(cid))["fields"]
    assert (closed["status"], closed["resolution"], closed["resolved_by"]) == (
        "resolved",
        "current",
        "Trần Bắc",
    )
    offices = (await api.client.get("/v1/offices", headers=api.headers("hq"))).json()
    assert {o["scope"]: o["open_conflicts"] for o in offices}[YT] == 0


async def test_two_offices_add_different_attendees(api: Api) -> None:
    seq = await _meeting(api)
    await api.edit(
        "bg",
        "bg-laptop",
        "m1",
        {"attendee:p-chu-tich": "present"},
        kind="meeting",
        scope=YT,
        base_seq=seq,
    )
    b = await api.edit(
        "yt",
        "yt-laptop",
        "m1",
        {"attendee:p-giam-doc": "delegated"},
        kind="meeting",
        scope=YT,
        base_seq=seq,
    )
    assert b["status"] == "applied"
    fields = (await api.record("m1"))["fields"]
    assert fields["attendee:p-chu-tich"] == "present"
    assert fields["attendee:p-giam-doc"] == "delegated"


def base_version(state: dict[str, Any], key: str) -> int:
    """What a replica infers from a pulled state, per the protocol's compaction rule."""
    if key in state["versions"]:
        return int(state["versions"][key])
    present = state["deleted"] if key == "deleted" else key in state["fields"]
    return int(state["seq"]) if present else 0


async def test_versions_of_cleared_fields_and_undeletes_reach_the_replica(api: Api) -> None:
    """Otherwise the replica's next edit of that key would look concurrent (a false conflict)."""
    await api.edit("bg", "a", "t1", task(progress=10))
    state = await api.record("t1")
    cleared = await api.edit(
        "bg",
        "a",
        "t1",
        {"progress": change(None, base_version(state, "progress"))},
        base_seq=state["seq"],
    )
    state = await api.record("t1")
    assert state["versions"]["progress"] == cleared["seq"] == state["seq"]
    again = await api.edit(
        "bg",
        "b",
        "t1",
        {"progress": change(20, base_version(state, "progress"))},
        base_seq=state["seq"],
    )
    assert again["status"] == "applied" and "conflicts" not in again
    for flag in (True, False, True):
        state = await api.record("t1")
        result = await api.edit(
            "bg",
            "b" if flag else "a",
            "t1",
            {"deleted": change(flag, base_version(state, "deleted"))},
            base_seq=state["seq"],
        )
        assert result["status"] == "applied", result


# ---------------------------------------------------------------------------
# Deletes
# ---------------------------------------------------------------------------
async def test_delete_reaches_other_replicas_as_a_tombstone(api: Api) -> None:
    created = await api.edit("bg", "a", "t1", task())
    _records, _removed, cursor = await api.pull_all("bg")
    gone = await api.edit("bg", "b", "t1", {"deleted": change(True, 0)}, base_seq=created["seq"])
    assert gone["status"] == "applied"
    page = await api.sync("bg", "a", [], since=cursor)
    (tomb,) = page["records"]
    assert tomb["deleted"] is True and tomb["fields"]["title"]


async def test_edit_of_a_record_deleted_meanwhile_stays_deleted_with_a_conflict(api: Api) -> None:
    created = await api.edit("bg", "a", "t1", task())
    await api.edit("bg", "b", "t1", {"deleted": change(True, 0)}, base_seq=created["seq"])
    late = await api.edit("bg", "a", "t1", {"progress": change(90, 0)}, base_seq=created["seq"])
    assert late["status"] == "conflict" and late["record"]["deleted"] is True
    conflict = await api.record(late["conflicts"][0])
    assert conflict["fields"]["other_fields"] == {"progress": 90}
    assert (await api.record("t1"))["deleted"] is True


# ---------------------------------------------------------------------------
# Scopes
# ---------------------------------------------------------------------------
async def test_office_reads_its_subtree_and_what_ancestors_publish(api: Api) -> None:
    await api.edit(
        "hq",
        "hq-1",
        "plan-pub",
        {"title": "Kế hoạch CĐS 2024", "pub:vn/bac-giang": True},
        kind="plan",
        scope="vn",
    )
    await api.edit("hq", "hq-1", "plan-hq", {"title": "Kế hoạch nội bộ"}, kind="plan", scope="vn")
    await api.edit("bg", "bg-1", "t-bg", task())
    await api.edit("yt", "yt-1", "t-yt", task(), scope=YT)
    await api.edit("hn", "hn-1", "t-hn", task(), scope=HN)
    seen = {}
    for office in ("hq", "bg", "yt", "hn"):
        records, _removed, _cursor = await api.pull_all(office)
        seen[office] = set(records)
    assert seen["hq"] == {"plan-pub", "plan-hq", "t-bg", "t-yt", "t-hn"}
    assert seen["bg"] == {"plan-pub", "t-bg", "t-yt"}
    assert seen["yt"] == {"plan-pub", "t-yt"}
    assert seen["hn"] == {"t-hn"}
    # Published is read-only: an office cannot edit headquarters' plan.
    refused = await api.edit(
        "bg", "bg-1", "plan-pub", {"title": "Sửa trộm"}, kind="plan", scope="vn"
    )
    assert refused["status"] == "rejected" and refused["reason"] == "sync.reject.out_of_scope"
    assert (await api.record("plan-pub"))["fields"]["title"] == "Kế hoạch CĐS 2024"


async def test_an_office_cannot_write_outside_its_subtree(api: Api) -> None:
    await api.edit("bg", "bg-1", "t-bg", task())
    for record_id, scope in (("t-bg", BG), ("new", BG), ("new2", "vn"), ("t-bg", HN)):
        result = await api.edit("hn", "hn-1", record_id, {"title": "Hà Nội ghi đè"}, scope=scope)
        assert result["status"] == "rejected" and result["reason"] == "sync.reject.out_of_scope"
        assert "record" not in result  # nothing about the other office's record leaks
    moved_out = await api.edit("yt", "yt-1", "t-bg", {"title": "x"}, scope=YT)
    assert moved_out["status"] == "rejected"
    records, _removed, _cursor = await api.pull_all("hq")
    assert set(records) == {"t-bg"} and records["t-bg"]["fields"]["title"] != "Hà Nội ghi đè"


async def test_record_moved_out_of_scope_arrives_as_remove(api: Api) -> None:
    await api.edit("yt", "yt-1", "t1", task(), scope=YT)
    records, _removed, cursor = await api.pull_all("yt")
    assert "t1" in records
    await api.edit("bg", "bg-1", "t1", {}, scope=BG, base_seq=records["t1"]["seq"])
    page = await api.sync("yt", "yt-1", [], since=cursor)
    assert page["records"] == [] and page["remove"] == ["t1"]
    _records, removed, _cursor = await api.pull_all("hn")
    assert removed == set()  # Hà Nội never held it: no remove for it


async def test_unpublished_record_arrives_as_remove(api: Api) -> None:
    made = await api.edit(
        "hq", "hq-1", "p1", {"title": "KH", "pub:vn/bac-giang": True}, kind="plan", scope="vn"
    )
    records, _removed, cursor = await api.pull_all("yt")
    assert "p1" in records
    await api.edit(
        "hq",
        "hq-1",
        "p1",
        {"pub:vn/bac-giang": change(None, made["seq"])},
        kind="plan",
        scope="vn",
        base_seq=made["seq"],
    )
    page = await api.sync("yt", "yt-1", [], since=cursor)
    assert page["remove"] == ["p1"] and page["records"] == []


async def test_an_edit_made_before_a_move_away_is_kept_for_the_office(api: Api) -> None:
    made = await api.edit("bg", "bg-1", "t1", task())
    await api.edit("hq", "hq-1", "t1", {}, scope=HN, base_seq=made["seq"])
    late = await api.edit("bg", "bg-1", "t1", {"progress": change(70, 0)}, base_seq=made["seq"])
    assert late["status"] == "conflict" and "record" not in late
    records, removed, _cursor = await api.pull_all("bg")
    assert "t1" in removed
    conflict = records[late["conflicts"][0]]
    assert conflict["scope"] == BG and conflict["fields"]["other_fields"] == {"progress": 70}
    assert (await api.record("t1"))["fields"].get("progress") is None


# ---------------------------------------------------------------------------
# Paging
# ---------------------------------------------------------------------------
async def test_pull_pages_by_count_and_resumes_from_the_cursor(api: Api) -> None:
    await api.push("bg", "a", [make_op(n, f"t{n:03}", task(f"Nhiệm vụ {n}")) for n in range(1, 26)])
    page = (
        await api.client.get("/v1/pull", params={"limit": 10}, headers=api.headers("bg"))
    ).json()
    PullResponse.model_validate(page)
    assert len(page["records"]) == 10 and page["has_more"] and page["cursor"] == 10
    records, _removed, cursor = await api.pull_all("bg", limit=7)
    assert len(records) == 25 and cursor == 25


async def test_pull_pages_by_bytes(server: Server) -> None:
    import httpx

    app = server.app(pull_max_bytes=4096)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        api = Api(client, server.tokens)
        big = "x" * 900
        await api.push("bg", "a", [make_op(n, f"t{n}", task(notes=big)) for n in range(1, 21)])
        response = await client.get("/v1/pull", headers=api.headers("bg"))
        page = response.json()
        assert 1 <= len(page["records"]) <= 4 and page["has_more"]
        assert len(response.content) < 4096 + 1024
        records, _removed, _cursor = await api.pull_all("bg")
        assert len(records) == 20


async def test_scan_limit_pages_and_publications_to_another_office_cost_no_pages(
    server: Server,
) -> None:
    import httpx

    app = server.app(pull_scan_limit=4)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        api = Api(client, server.tokens)
        # plans published to Bắc Giang: its pull pages through them by the scan limit; Hà
        # Nội's feed never files them, so they cost it nothing
        await api.push(
            "hq",
            "q",
            [
                make_op(
                    n, f"p{n}", {"title": "KH", "pub:vn/bac-giang": True}, kind="plan", scope="vn"
                )
                for n in range(1, 11)
            ],
        )
        await api.push("hn", "h", [make_op(1, "h1", task(), scope=HN)])

        async def pages(who: str) -> list[tuple[list[str], int, bool]]:
            out: list[tuple[list[str], int, bool]] = []
            since = 0
            while True:
                page = (
                    await client.get("/v1/pull", params={"since": since}, headers=api.headers(who))
                ).json()
                out.append(([r["id"] for r in page["records"]], page["cursor"], page["has_more"]))
                since = page["cursor"]
                if not page["has_more"]:
                    return out

        assert await pages("bg") == [
            (["p1", "p2", "p3", "p4"], 4, True),
            (["p5", "p6", "p7", "p8"], 8, True),
            (["p9", "p10"], 11, False),
        ]
        assert await pages("hn") == [(["h1"], 11, False)]


async def test_sibling_offices_records_cost_no_scan_pages(server: Server) -> None:
    import httpx

    app = server.app(pull_scan_limit=4)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        api = Api(client, server.tokens)
        await api.push("bg", "a", [make_op(n, f"t{n}", task()) for n in range(1, 11)])
        await api.push("hn", "h", [make_op(1, "h1", task(), scope=HN)])
        page = (await client.get("/v1/pull", headers=api.headers("hn"))).json()
        assert [r["id"] for r in page["records"]] == ["h1"]
        assert page["cursor"] == 11 and not page["has_more"]


async def test_cursor_moves_past_records_the_office_cannot_read(api: Api) -> None:
    await api.push("bg", "a", [make_op(n, f"t{n}", task()) for n in range(1, 11)])
    page = (await api.client.get("/v1/pull", headers=api.headers("hn"))).json()
    assert page == {
        **page,
        "records": [],
        "remove": [],
        "cursor": 10,
        "has_more": False,
        "head": 10,
    }
    idle = await api.client.get("/v1/pull", params={"since": 10}, headers=api.headers("hn"))
    assert len(idle.content) < 1024


# ---------------------------------------------------------------------------
# Protocol errors
# ---------------------------------------------------------------------------
async def test_schema_version_mismatch_asks_for_an_upgrade(api: Api) -> None:
    for body in (
        {"schema_version": 2, "replica_id": "a", "ops": []},
        {"schema_version": 0, "replica_id": "a", "ops": "garbage", "extra": 1},
    ):
        response = await api.client.post("/v1/sync", json=body, headers=api.headers("bg"))
        assert response.status_code == 426
        error = response.json()
        assert error["error"] == "server.upgrade"
        assert "cập nhật Sổ tay" in error["message"] and "upgrade Sổ tay" in error["message_en"]


async def test_malformed_json_is_a_400_error_body(api: Api) -> None:
    response = await api.client.post(
        "/v1/sync",
        content=b'{"schema_version": 1,',
        headers={**api.headers("bg"), "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "server.bad_json"
    assert response.json()["message_en"] == "The request body is not valid JSON."


async def test_invalid_body_is_a_422_error_body_with_detail(api: Api) -> None:
    response = await api.client.post(
        "/v1/push",
        json={"schema_version": 1, "replica_id": "a", "ops": [{"op_seq": 0}], "surprise": True},
        headers=api.headers("bg"),
    )
    assert response.status_code == 422
    error = response.json()
    assert error["error"] == "server.validation" and error["message"] and error["message_en"]
    locations = {tuple(d["loc"]) for d in error["detail"]}
    assert ("surprise",) in locations and ("ops", "0", "op_seq") in locations


async def test_unknown_path_and_method_are_error_bodies(api: Api) -> None:
    missing = await api.client.get("/v1/nothing")
    assert missing.status_code == 404 and missing.json()["error"] == "server.not_found"
    wrong = await api.client.put("/v1/sync", headers=api.headers("bg"))
    assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
    assert wrong.json()["message_en"] == "The method PUT is not allowed here."


# ---------------------------------------------------------------------------
# History, offices, health, export
# ---------------------------------------------------------------------------
async def test_history_is_hidden_outside_the_tokens_reach(api: Api) -> None:
    await api.edit("bg", "a", "t1", task())
    for who, expected in (("bg", 200), ("yt", 404), ("hn", 404), ("hq", 200)):
        response = await api.client.get("/v1/records/t1/history", headers=api.headers(who))
        assert response.status_code == expected
    unknown = await api.client.get("/v1/records/nope/history", headers=api.headers("hq"))
    assert unknown.status_code == 404 and unknown.json()["error"] == "server.record_not_found"


async def test_offices_status_for_headquarters(api: Api) -> None:
    await api.edit("bg", "laptop-1", "t1", task())
    await api.edit("bg2", "laptop-2", "t2", task())
    await api.client.get("/v1/pull", params={"replica_id": "yt-1"}, headers=api.headers("yt"))
    body = (await api.client.get("/v1/offices", headers=api.headers("hq"))).json()
    status = {o["scope"]: o for o in body}
    assert set(status) == {"vn", BG, YT, HN}
    assert status[BG]["replicas"] == 2 and status[BG]["last_sync_at"]
    assert status[YT]["replicas"] == 1 and status[YT]["last_sync_at"]
    assert status[HN]["replicas"] == 0 and status[HN]["last_sync_at"] is None
    assert status[BG]["name"] == "Bắc Giang"


async def test_openapi_and_docs_are_served(api: Api) -> None:
    spec = (await api.client.get("/openapi.json")).json()
    assert {
        "/v1/sync",
        "/v1/push",
        "/v1/pull",
        "/v1/records/{record_id}/history",
        "/v1/offices",
        "/v1/health",
    } <= set(spec["paths"])
    assert spec["components"]["schemas"]["SyncRequest"]["additionalProperties"] is False
    docs = await api.client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


async def test_health_needs_no_token(api: Api, server: Server) -> None:
    body = (await api.client.get("/v1/health")).json()
    assert body["status"] == "ok" and body["server_id"] == server.db.server_id
    assert body["schema_version"] == 1 and body["server_time"]


async def test_export_is_sorted_logical_json_lines(api: Api, server: Server) -> None:
    await api.edit("bg", "a", "t2", task(**{"coord:u2": True, "coord:u1": True}))
    await api.edit("bg", "a", "t1", task())
    lines = [orjson.loads(line) for line in Service(server.db, server.settings).export_lines()]
    assert [line["id"] for line in lines] == ["t1", "t2"]
    assert lines[1] == {
        "id": "t2",
        "kind": "task",
        "scope": BG,
        "deleted": False,
        "fields": {**task(), "coordinators": ["u1", "u2"]},
    }


# ---------------------------------------------------------------------------
# Replaying batches through the service (no HTTP)
# ---------------------------------------------------------------------------
def test_replaying_any_earlier_batch_changes_nothing(server: Server) -> None:
    service = Service(server.db, ServerSettings(db=server.location))
    bg = Principal("tk", BG, "office", "u")
    ops: list[dict[str, Any]] = [make_op(1, "t1", task())]
    ops += [make_op(n, "t1", {"progress": change(n * 10, 1)}, base_seq=1) for n in range(2, 6)]
    ops += [make_op(6, "t1", {"deleted": change(True, 0)}, base_seq=1)]
    batches = [ops[0:2], ops[2:4], ops[4:6]]
    for batch in batches:
        service.push(bg, "r", [OpIn.from_model(Op.model_validate(o)) for o in batch])

    def snapshot() -> tuple[Any, ...]:
        with server.db.read() as r:
            return (r.meta(), r.history("t1"), r.records(["t1"]))

    before = snapshot()
    for batch in (*batches, ops, ops[3:], [ops[0]]):
        result = service.push(bg, "r", [OpIn.from_model(Op.model_validate(o)) for o in batch])
        assert {r["status"] for r in result.results} == {"duplicate"}
        assert result.last_op_seq == 6
    assert snapshot() == before

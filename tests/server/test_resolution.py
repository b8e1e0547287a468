"""Conflict records are the server's alone, and how an office resolves one (issue 13, F1).

Rules (brief of issue 13): a client op of kind ``conflict``, or on a conflict record, is
refused revealing nothing; a resolution op names an open conflict about its own record that
the office may read and write; a pure dismissal never writes the record; the server closes the
conflict in the same transaction, as the server.  Also the results' ``removed`` / ``record``
(rule 3), scope conflicts' ``record_fields`` (rule 4) and existence hiding (F4).
"""

from __future__ import annotations

from typing import Any

import pytest

from server_stub.merge import SERVER_WRITER
from tests.helpers.server import BG, HN, YT, Api, change, make_op, task


async def _field_conflict(api: Api) -> tuple[str, str, int]:
    """A task of Yên Thế whose title Bắc Giang and Yên Thế changed concurrently:
    (task id, conflict id, the task's seq)."""
    made = await api.edit("yt", "yt-1", "t1", task("Gốc"), scope=YT)
    await api.edit(
        "bg",
        "bg-1",
        "t1",
        {"title": change("Bắc Giang sửa", made["seq"])},
        scope=YT,
        base_seq=made["seq"],
        author="Trần Bắc",
    )
    late = await api.edit(
        "yt",
        "yt-1",
        "t1",
        {"title": change("Yên Thế sửa", made["seq"])},
        scope=YT,
        base_seq=made["seq"],
        author="Lê Thế",
    )
    assert late["status"] == "conflict"
    return "t1", late["conflicts"][0], int(late["record"]["seq"])


async def _scope_conflict(api: Api) -> tuple[str, str, dict[str, Any]]:
    """A task of Bắc Giang that HQ moved to Hà Nội while Bắc Giang edited it:
    (task id, conflict id, the conflict's fields)."""
    made = await api.edit("bg", "bg-1", "t2", task("Sẽ chuyển", progress=10, notes="Ghi chú"))
    await api.edit("hq", "hq-1", "t2", {"deliverable": change("Bàn giao", 0)}, base_seq=made["seq"])
    await api.edit("hq", "hq-1", "t2", {}, scope=HN, base_seq=made["seq"] + 1)
    await api.edit(
        "hq",
        "hq-1",
        "t2",
        {"progress": change(90, made["seq"])},
        scope=HN,
        base_seq=made["seq"] + 2,
    )
    late = await api.edit(
        "bg",
        "bg-1",
        "t2",
        {"title": change("Bắc Giang sửa", made["seq"]), "notes": change(None, made["seq"])},
        base_seq=made["seq"],
    )
    assert late["status"] == "conflict" and late["removed"] is True and "record" not in late
    records, _removed, _cursor = await api.pull_all("bg")
    return "t2", late["conflicts"][0], records[late["conflicts"][0]]["fields"]


# ---------------------------------------------------------------------------
# F1: no client writes a conflict record
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["bg", "hq"])
async def test_a_client_written_conflict_is_refused_revealing_nothing(api: Api, who: str) -> None:
    await api.edit("hq", "hq-1", "p1", {"title": "Kế hoạch của HQ"}, kind="plan", scope="vn")
    forged = {
        "record_id": "p1",
        "record_kind": "plan",
        "field": "title",
        "current_value": "Kế hoạch của HQ",
        "other_value": "Tiêu đề giả mạo",
        "status": "open",
    }
    result = await api.edit(
        who, "x-1", "fake-conflict", forged, kind="conflict", scope=BG if who == "bg" else "vn"
    )
    assert result["status"] == "rejected" and result["reason"] == "sync.reject.server_owned"
    assert "record" not in result and "seq" not in result and result["removed"] is True
    records, _removed, _cursor = await api.pull_all("hq")
    assert "fake-conflict" not in records


async def test_edits_of_a_servers_conflict_record_are_refused(api: Api) -> None:
    _rid, cid, _seq = await _field_conflict(api)
    before = await api.record(cid)
    for kind in ("conflict", "task"):
        result = await api.edit(
            "bg",
            "bg-1",
            cid,
            {"status": change("resolved", before["seq"])},
            kind=kind,
            scope=YT,
            base_seq=before["seq"],
        )
        assert result["reason"] == "sync.reject.server_owned"
        assert "record" not in result and "removed" not in result  # it still may read it
    assert await api.record(cid) == before


async def test_the_conflict_of_another_office_answers_like_a_missing_id(api: Api) -> None:
    _rid, cid, _seq = await _field_conflict(api)
    answers = []
    for rid in (cid, "never-existed"):
        result = await api.edit(
            "hn", "hn-1", rid, {"status": "resolved"}, kind="conflict", scope=HN
        )
        answers.append({k: v for k, v in result.items() if k != "op_seq"})
    assert answers[0] == answers[1]


# ---------------------------------------------------------------------------
# Rule 2: resolution ops
# ---------------------------------------------------------------------------
async def test_resolving_with_a_value_applies_it_and_closes_the_conflict(api: Api) -> None:
    rid, cid, seq = await _field_conflict(api)
    _records, _removed, cursor = await api.pull_all("bg")
    done = await api.edit(
        "bg",
        "bg-1",
        rid,
        {"title": change("Tên thống nhất", seq)},
        scope=YT,
        base_seq=seq,
        author="Trần Bắc",
        resolves=cid,
        resolution="value",
    )
    assert done["status"] == "applied"
    page = await api.sync("bg", "bg-1", [], since=cursor)
    pulled = {r["id"]: r for r in page["records"]}
    assert cid in pulled, "the closed conflict reaches the resolver's own replica"
    fields = pulled[cid]["fields"]
    assert (fields["status"], fields["resolution"], fields["resolved_by"]) == (
        "resolved",
        "value",
        "Trần Bắc",
    )
    assert pulled[cid]["office"] is None and pulled[cid]["updated_by"] is None
    assert (await api.record(rid))["fields"]["title"] == "Tên thống nhất"
    history = (await api.client.get(f"/v1/records/{cid}/history", headers=api.headers("bg"))).json()
    assert history[-1]["changes"]["status"] == {"old": "open", "new": "resolved"}
    assert history[-1]["author"] == "Trần Bắc" and history[-1]["office"] == BG
    offices = (await api.client.get("/v1/offices", headers=api.headers("hq"))).json()
    assert {o["scope"]: o["open_conflicts"] for o in offices}[YT] == 0


async def test_the_closing_is_written_by_the_server(api: Api, server: Any) -> None:
    rid, cid, seq = await _field_conflict(api)
    await api.edit(
        "yt", "yt-1", rid, {}, scope=YT, base_seq=seq, resolves=cid, resolution="current"
    )
    with server.db.read() as r:
        closed = r.record(cid)
    assert closed is not None
    assert closed.writer("status")[0] == SERVER_WRITER
    assert closed.sole_writer() == SERVER_WRITER


async def test_a_second_resolution_is_refused_with_the_records_state(api: Api) -> None:
    rid, cid, seq = await _field_conflict(api)
    first = await api.edit(
        "yt",
        "yt-1",
        rid,
        {},
        scope=YT,
        base_seq=seq,
        author="Lê Thế",
        resolves=cid,
        resolution="current",
    )
    assert first["status"] == "applied"
    second = await api.edit(
        "bg",
        "bg-1",
        rid,
        {"title": change("Khác", seq)},
        scope=YT,
        base_seq=seq,
        resolves=cid,
        resolution="value",
    )
    assert second["status"] == "rejected" and second["reason"] == "sync.reject.already_resolved"
    assert "Lê Thế" in second["message"]
    assert second["record"]["fields"]["title"] == "Yên Thế sửa", "the replica rebases on it"
    assert (await api.record(rid))["fields"]["title"] == "Yên Thế sửa"


async def test_two_resolutions_in_one_push_the_first_wins(api: Api) -> None:
    rid, cid, seq = await _field_conflict(api)
    body = await api.push(
        "bg",
        "bg-9",
        [
            make_op(1, rid, {}, scope=YT, base_seq=seq, resolves=cid, resolution="current"),
            make_op(
                2,
                rid,
                {"title": change("Muộn", seq)},
                scope=YT,
                base_seq=seq,
                resolves=cid,
                resolution="other",
            ),
        ],
    )
    assert [r["status"] for r in body["results"]] == ["applied", "rejected"]
    assert body["results"][1]["reason"] == "sync.reject.already_resolved"


@pytest.mark.parametrize(
    "case", ["no-such-conflict", "other-record", "not-a-conflict", "unreadable"]
)
async def test_a_resolution_must_name_a_conflict_of_its_record(api: Api, case: str) -> None:
    rid, cid, seq = await _field_conflict(api)
    await api.edit("bg", "bg-1", "t-other", task("Khác"))
    await api.edit("hn", "hn-1", "t-hn", task("Hà Nội"), scope=HN)
    hn_made = await api.edit("hn", "hn-2", "t-hn", {"title": change("HN 2", 0)}, scope=HN)
    (hn_conflict,) = hn_made["conflicts"]
    target, resolves, scope = {
        "no-such-conflict": (rid, "c-none", YT),
        "other-record": ("t-other", cid, BG),
        "not-a-conflict": (rid, "t-other", YT),
        "unreadable": (rid, hn_conflict, YT),
    }[case]
    result = await api.edit(
        "bg", "bg-1", target, {}, scope=scope, base_seq=seq, resolves=resolves, resolution="current"
    )
    assert result["status"] == "rejected" and result["reason"] == "sync.reject.not_a_conflict"
    assert result["record"]["id"] == target, "the readable record comes back to rebase"
    assert (await api.record(cid))["fields"]["status"] == "open"


async def test_resolving_needs_write_access_to_the_conflicts_scope(api: Api) -> None:
    made = await api.edit(
        "hq", "hq-1", "p1", {"title": "KH", "pub:vn/bac-giang": True}, kind="plan", scope="vn"
    )
    await api.edit(
        "hq",
        "hq-2",
        "p1",
        {"title": change("KH 1", made["seq"])},
        kind="plan",
        scope="vn",
        base_seq=made["seq"],
    )
    late = await api.edit(
        "hq",
        "hq-3",
        "p1",
        {"title": change("KH 2", made["seq"])},
        kind="plan",
        scope="vn",
        base_seq=made["seq"],
    )
    cid = late["conflicts"][0]
    result = await api.edit(
        "bg",
        "bg-1",
        "p1",
        {},
        kind="plan",
        scope="vn",
        base_seq=0,
        resolves=cid,
        resolution="current",
    )
    # Bắc Giang reads the plan (published to it) but not the conflict (scope vn).
    assert result["reason"] == "sync.reject.not_a_conflict"
    assert result["record"]["fields"]["title"] == "KH 2"


async def test_a_resolution_without_a_choice_is_refused(api: Api) -> None:
    rid, cid, seq = await _field_conflict(api)
    result = await api.edit("yt", "yt-1", rid, {}, scope=YT, base_seq=seq, resolves=cid)
    assert result["reason"] == "sync.reject.bad_value" and "'resolution'" in result["message"]


# ---------------------------------------------------------------------------
# Scope conflicts: the orphan edit, its record_fields (rule 4), dismissal and copy
# ---------------------------------------------------------------------------
async def test_a_scope_conflict_carries_what_the_office_could_read_plus_its_edits(api: Api) -> None:
    _rid, _cid, fields = await _scope_conflict(api)
    assert fields["field"] == "scope" and fields["current_value"] == HN
    assert fields["other_value"] == BG
    assert fields["other_fields"] == {"title": "Bắc Giang sửa", "notes": None}
    # Before the move: title, lead unit, notes, HQ's deliverable (and progress 10, which HQ
    # changed to 90 after the move: a value Bắc Giang never could read, so not there).
    assert fields["record_fields"] == {
        "title": "Bắc Giang sửa",
        "lead_unit_id": "unit-so-tttt",
        "deliverable": "Bàn giao",
    }


async def test_a_scope_conflict_about_a_record_out_of_reach_can_be_dismissed(api: Api) -> None:
    rid, cid, _fields = await _scope_conflict(api)
    before = await api.record(rid)
    done = await api.edit(
        "bg", "bg-1", rid, {}, scope=HN, base_seq=0, resolves=cid, resolution="current"
    )
    assert done["status"] == "applied" and done["removed"] is True and "record" not in done
    assert await api.record(rid) == before, "a dismissal never writes the record"
    assert (await api.record(cid))["fields"]["status"] == "resolved"


async def test_keeping_a_copy_is_a_create_plus_a_dismissal(api: Api) -> None:
    rid, cid, fields = await _scope_conflict(api)
    body = await api.push(
        "bg",
        "bg-2",
        [
            make_op(1, "t2-copy", fields["record_fields"]),
            make_op(2, rid, {}, scope=HN, resolves=cid, resolution="copy"),
        ],
    )
    assert [r["status"] for r in body["results"]] == ["applied", "applied"]
    records, _removed, _cursor = await api.pull_all("bg")
    assert records["t2-copy"]["fields"]["title"] == "Bắc Giang sửa"
    assert records[cid]["fields"]["resolution"] == "copy"


async def test_a_resolution_that_would_write_out_of_reach_is_refused_not_kept(api: Api) -> None:
    rid, cid, _fields = await _scope_conflict(api)
    result = await api.edit(
        "bg",
        "bg-1",
        rid,
        {"title": change("Ghi đè", 0)},
        base_seq=0,
        resolves=cid,
        resolution="value",
    )
    assert result["status"] == "rejected" and result["reason"] == "sync.reject.out_of_scope"
    assert "conflicts" not in result and result["removed"] is True
    assert (await api.record(cid))["fields"]["status"] == "open"


async def test_headquarters_resolves_a_scope_conflict_by_moving_the_record_back(api: Api) -> None:
    rid, cid, _fields = await _scope_conflict(api)
    state = await api.record(rid)
    done = await api.edit(
        "hq", "hq-1", rid, {}, scope=BG, base_seq=state["seq"], resolves=cid, resolution="other"
    )
    assert done["status"] == "applied"
    assert (await api.record(rid))["scope"] == BG
    assert (await api.record(cid))["fields"]["status"] == "resolved"


# ---------------------------------------------------------------------------
# Rule 3: what a result says about the record
# ---------------------------------------------------------------------------
async def test_a_refused_create_outside_the_office_says_removed(api: Api) -> None:
    result = await api.edit("bg", "bg-1", "t-hn", task(), scope=HN)
    assert result["reason"] == "sync.reject.out_of_scope" and result["removed"] is True
    assert "record" not in result and "seq" not in result


async def test_a_refused_create_of_a_bad_record_says_removed(api: Api) -> None:
    result = await api.edit("bg", "bg-1", "t-bad", {"title": "Thiếu đơn vị chủ trì"})
    assert result["reason"] == "sync.reject.bad_value" and result["removed"] is True


async def test_an_op_without_a_base_on_an_existing_record_gets_the_whole_record(api: Api) -> None:
    await api.edit("bg", "bg-1", "t1", task(progress=10, notes="Ghi chú"))
    created = await api.edit("bg", "bg-2", "t-new", task())
    assert set(created) == {"op_seq", "status", "seq"}, "a create's answer stays compact"
    result = await api.edit("bg", "bg-2", "t1", {"deliverable": change("Sản phẩm", 0)}, base_seq=0)
    assert result["status"] == "applied"
    assert result["record"]["fields"] == {
        **task(),
        "progress": 10,
        "notes": "Ghi chú",
        "deliverable": "Sản phẩm",
    }


async def test_an_op_on_a_record_changed_by_others_since_its_base_gets_the_record(api: Api) -> None:
    made = await api.edit("bg", "bg-1", "t1", task(progress=10))
    await api.edit("bg", "bg-2", "t1", {"notes": change("Của máy 2", 0)}, base_seq=made["seq"])
    mine = await api.edit(
        "bg", "bg-1", "t1", {"progress": change(30, made["seq"])}, base_seq=made["seq"]
    )
    assert mine["status"] == "applied" and mine["record"]["fields"]["notes"] == "Của máy 2"
    again = await api.edit(
        "bg", "bg-1", "t1", {"progress": change(40, mine["seq"])}, base_seq=mine["seq"]
    )
    assert set(again) == {"op_seq", "status", "seq"}, "base + op is the server's state"


async def test_a_duplicate_of_a_record_moved_away_says_removed(api: Api) -> None:
    op = make_op(1, "t1", task())
    await api.push("bg", "bg-1", [op])
    await api.edit("hq", "hq-1", "t1", {}, scope=HN, base_seq=1)
    again = await api.push("bg", "bg-1", [op])
    assert again["results"] == [{"op_seq": 1, "status": "duplicate", "removed": True}]


# ---------------------------------------------------------------------------
# F4: existence does not leak
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "changes",
    [
        {"name": "Sai loại"},
        {"title": "x"},
        {"no_such_field": 1},
        {"title": {"bad": 1}},
        {},
    ],
)
@pytest.mark.parametrize("kind", ["unit", "task", "no-such-kind"])
async def test_another_offices_record_answers_like_a_missing_one(
    api: Api, changes: dict[str, Any], kind: str
) -> None:
    await api.edit("bg", "bg-1", "t-bg", task())
    answers = []
    for rid in ("t-bg", "t-missing"):
        result = await api.edit("hn", "hn-1", rid, changes, kind=kind, scope=BG)
        answers.append({k: v for k, v in result.items() if k != "op_seq"})
    assert answers[0] == answers[1]
    assert answers[0]["status"] == "rejected" and "record" not in answers[0]

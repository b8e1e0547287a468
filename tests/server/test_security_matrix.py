"""Issue 13, acceptance 2 and 3: the attacks of the security review, over real HTTP.

Each case starts a real ``sotay-server serve`` on loopback (tests/sync/server_process.py) with the
limits it needs, makes the attack with a plain HTTP client and checks what the server
answers and what it stored.

==========  =====================================================  ==========================
finding     attack                                                 expected
==========  =====================================================  ==========================
F1          an office pushes a ``conflict`` record naming HQ's task  rejected server_owned,
            (and HQ "resolves" it by editing it)                   nothing stored or shown
F2          one token as ``Bearer``/``bearer``/extra spaces        one bucket: 429 after burst
F2          a new junk token on every request                      the address's bucket: 429
F2          a forged ``X-Forwarded-For`` on every request          ignored: 429 after burst
F2          … from a configured trusted proxy                      honoured: own buckets
F3          pushes faster than the token's op budget               429 + Retry-After, unread
F3          bodies faster than the byte budget                     429 before the body is read
F3          a gzip bomb                                            413, bounded
F3          many requests (or two pushes) of one token at once     429 beyond the caps
F3          a body that takes too long to decompress               413
F4          wrong kind at another office's record id               same answer as a missing id
F5          a removed office's token, while the server runs        401 at once; records stay
F5          an hq token for a lower office                         refused by the CLI
F10         a title that is an object / a number, status "hacked"  rejected bad_value, named
F11         schema_version -1 / 1.5 (and 2 for contrast)           422 / 422 (426)
==========  =====================================================  ==========================
"""

from __future__ import annotations

import asyncio
import gzip
import subprocess
import sys
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from server_stub import auth
from server_stub.db import Database
from tests.helpers import server_process
from tests.helpers.server import BG, HN, Databases, make_op, task

pytestmark = pytest.mark.e2e
MIB = 1024 * 1024


@dataclass
class World:
    """A real server with offices vn (HQ), Bắc Giang and Hà Nội; ``token(office)`` makes a
    fresh token (so each attack starts with full buckets)."""

    server: server_process.Server
    db_path: Path | str

    @property
    def url(self) -> str:
        return self.server.url

    def token(self, office: str = BG, role: str = "office") -> str:
        db = Database(self.db_path)
        try:
            return auth.create_token(db, office, role, f"user {office}").token
        finally:
            db.close()

    def client(self, token: str | None = None, **headers: str) -> httpx.Client:
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


def _world(databases: Databases, monkeypatch: pytest.MonkeyPatch, **env: Any) -> Iterator[World]:
    path = databases.new()
    db = Database(path)
    for scope, name in (("vn", "Trung ương"), (BG, "Bắc Giang"), (HN, "Hà Nội")):
        auth.add_office(db, scope, name)
    db.close()
    monkeypatch.setattr(
        server_process,
        "ENV",
        {**server_process.ENV, **{f"SOTAY_SERVER_{k.upper()}": str(v) for k, v in env.items()}},
    )
    server = server_process.Server(path)
    try:
        yield World(server, path)
    finally:
        server.stop()


def body(ops: list[dict[str, Any]], replica: str = "r1", **more: Any) -> dict[str, Any]:
    """A sync request (``push=True``: a push request, which has no pull part)."""
    if more.pop("push", False):
        return {"schema_version": 1, "replica_id": replica, "ops": ops}
    return {"schema_version": 1, "replica_id": replica, "ops": ops, "since": 0, **more}


def statuses(responses: list[httpx.Response]) -> list[int]:
    return [r.status_code for r in responses]


def hq_records(world: World) -> dict[str, dict[str, Any]]:
    with world.client(world.token("vn", "hq")) as hq:
        page = hq.get("/v1/pull", params={"limit": 5000}).json()
    return {r["id"]: r for r in page["records"]}


# ---------------------------------------------------------------------------
# The attacks
# ---------------------------------------------------------------------------
def forged_conflict(world: World) -> None:
    """F1, acceptance 2."""
    hq_token = world.token("vn", "hq")
    with world.client(hq_token) as hq:
        made = hq.post(
            "/v1/sync", json=body([make_op(1, "t-hq", task("Nhiệm vụ của HQ"), scope="vn")], "hq-1")
        ).json()
        assert made["results"][0]["status"] == "applied"
    forged = {
        "record_id": "t-hq",
        "record_kind": "task",
        "record_title": "Nhiệm vụ của HQ",
        "field": "title",
        "current_value": "Nhiệm vụ của HQ",
        "other_value": "Tiêu đề do kẻ tấn công đặt",
        "status": "open",
        "other_office": "vn",
        "other_author": "Thư ký Ban",
    }
    with world.client(world.token(BG)) as bg:
        answer = bg.post(
            "/v1/sync",
            json=body([make_op(1, str(uuid.uuid4()), forged, kind="conflict", scope=BG)]),
        ).json()
    (result,) = answer["results"]
    assert (result["status"], result["reason"]) == ("rejected", "sync.reject.server_owned")
    assert "record" not in result and result["removed"] is True
    records = hq_records(world)
    assert [r for r in records.values() if r["kind"] == "conflict"] == []
    # Nor can HQ's replica act on a conflict record by writing it.
    with world.client(hq_token) as hq:
        again = hq.post(
            "/v1/sync",
            json=body([make_op(2, str(uuid.uuid4()), forged, kind="conflict", scope="vn")], "hq-1"),
        ).json()
    assert again["results"][0]["reason"] == "sync.reject.server_owned"
    assert hq_records(world)["t-hq"]["fields"]["title"] == "Nhiệm vụ của HQ"


def bearer_variants(world: World) -> None:
    """F2: the bucket is the token's, however the header is spelled."""
    token = world.token(BG)
    spellings = [
        f"Bearer {token}",
        f"bearer {token}",
        f"BEARER  {token}",
        f"Bearer    {token}",
        f"bEaReR {token}",
    ]
    with world.client() as client:
        got = statuses(
            [client.get("/v1/pull", headers={"Authorization": spellings[n % 5]}) for n in range(30)]
        )
    assert 200 in got and got.count(200) <= 5 + 2, got  # burst 5 (+ refill while sending)
    assert got[-1] == 429 and set(got) == {200, 429}


def junk_tokens(world: World) -> None:
    """F2: unknown tokens are the address's requests, not fresh principals."""
    with world.client() as client:
        got = statuses(
            [
                client.get(
                    "/v1/pull",
                    headers={"Authorization": f"Bearer st_{uuid.uuid4().hex}{uuid.uuid4().hex}"},
                )
                for _ in range(30)
            ]
        )
        pushes = statuses(
            [
                client.post(
                    "/v1/sync",
                    json=body([]),
                    headers={"Authorization": f"Bearer st_{uuid.uuid4().hex}"},
                )
                for _ in range(5)
            ]
        )
    assert got.count(401) <= 5 + 2 and got[-1] == 429, got
    assert set(pushes) == {429}


def forged_forwarded_for(world: World) -> None:
    """F2: without a trusted proxy, X-Forwarded-For decides nothing."""
    with world.client() as client:
        got = statuses(
            [
                client.get("/v1/health", headers={"X-Forwarded-For": f"10.0.{n // 250}.{n % 250}"})
                for n in range(30)
            ]
        )
    assert got.count(200) <= 5 + 2 and got[-1] == 429, got


def trusted_proxy(world: World) -> None:
    """F2: a configured proxy's X-Forwarded-For names the client (each its own bucket)."""
    with world.client() as client:
        one = statuses(
            [
                client.get("/v1/health", headers={"X-Forwarded-For": "203.0.113.7"})
                for _ in range(12)
            ]
        )
        other = client.get("/v1/health", headers={"X-Forwarded-For": "198.51.100.9, 203.0.113.200"})
    assert one[-1] == 429 and other.status_code == 200


def op_flood(world: World) -> None:
    """F3: 5,000 ops saved up, then 100 ops/s: the push that overdraws the budget is served,
    the next requests are refused before any work until the debt is paid back."""
    with world.client(world.token(BG)) as bg:
        pushes = [
            bg.post(
                "/v1/push",
                json=body(
                    [make_op(n, f"a{n}", task()) for n in range(start, start + 5000)], push=True
                ),
            )
            for start in (1, 5001, 10001)
        ]
        idle = bg.post("/v1/sync", json=body([], since=0, limit=1))
    assert statuses(pushes) == [200, 200, 429], statuses(pushes)
    assert pushes[1].json()["last_op_seq"] == 10000
    refused = pushes[2]
    assert refused.json()["error"] == "server.rate_limited"
    assert int(refused.headers["retry-after"]) >= 40  # ~5,000 ops owed at 100 ops/s
    assert idle.status_code == 429, "a token in debt waits, whatever it asks"
    assert "a10001" not in hq_records(world)
    # Another office is not affected.
    with world.client(world.token(HN)) as hn:
        other = hn.post("/v1/sync", json=body([make_op(1, "h1", task(), scope=HN)]))
    assert other.status_code == 200 and other.json()["results"][0]["status"] == "applied"


def byte_flood(world: World) -> None:
    """F3: decompressed bytes cost (2 MiB saved up, 1 KiB/s): the request that overdraws the
    budget is served, the next one is refused before its body is read."""
    raw = orjson.dumps(body([make_op(1, "b1", task(notes="x" * 900_000))], push=True))
    packed = gzip.compress(raw)
    with world.client(world.token(BG)) as bg:
        got = [
            bg.post(
                "/v1/push",
                content=packed,
                headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
            )
            for _ in range(4)
        ]
    assert statuses(got) == [200, 200, 200, 429], statuses(got)
    assert got[3].json()["error"] == "server.rate_limited"


def gzip_bomb(world: World) -> None:
    """F3: a small body that inflates without end stops at the cap."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = b"".join(compressor.compress(b"\0" * MIB) for _ in range(200)) + compressor.flush()
    with world.client(world.token(BG)) as bg:
        response = bg.post("/v1/sync", content=bomb, headers={"Content-Encoding": "gzip"})
        after = bg.get("/v1/health")
    assert len(bomb) < MIB and response.status_code == 413
    assert after.status_code == 200


def too_many_at_once(world: World) -> None:
    """F3: one token cannot hold more than max_inflight requests open, nor two pushes."""
    token = world.token(BG)
    raw = orjson.dumps(body([make_op(1, "s1", task())], push=True))

    async def slow_body() -> Any:  # ~3 s for the whole body
        step = len(raw) // 30 + 1
        for n in range(0, len(raw), step):
            await asyncio.sleep(0.1)
            yield raw[n : n + step]

    async def attack() -> tuple[list[int], int, int]:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        async with httpx.AsyncClient(base_url=world.url, timeout=60) as client:
            slow = []
            for path in ("/v1/push", "/v1/elsewhere"):  # the push makes the token known
                slow.append(
                    asyncio.create_task(client.post(path, content=slow_body(), headers=headers))
                )
                await asyncio.sleep(0.4)
            second_push = await client.post("/v1/push", content=raw, headers=headers)
            quick = await client.get("/v1/pull", headers=headers)
            done = await asyncio.gather(*slow)
        return statuses(list(done)), second_push.status_code, quick.status_code

    slow, second_push, quick = asyncio.run(attack())
    assert slow == [200, 404] and second_push == 429 and quick == 429


def slow_inflate(world: World) -> None:
    """F3: decompression time is bounded per request."""
    raw = orjson.dumps(
        body([make_op(n, f"z{n}", task(notes="ghi chú " * 100)) for n in range(1, 2001)], push=True)
    )
    with world.client(world.token(BG)) as bg:
        response = bg.post(
            "/v1/push", content=gzip.compress(raw), headers={"Content-Encoding": "gzip"}
        )
    assert response.status_code == 413 and response.json()["error"] == "server.inflate_slow"


def existence_leak(world: World) -> None:
    """F4: another office's record id answers like an id that does not exist."""
    with world.client(world.token(BG)) as bg:
        assert bg.post("/v1/sync", json=body([make_op(1, "t-bg", task())])).status_code == 200
    answers = []
    with world.client(world.token(HN)) as hn:
        for n, rid in enumerate(("t-bg", "t-nowhere"), 1):
            result = hn.post(
                "/v1/sync", json=body([make_op(n, rid, {"name": "Đơn vị?"}, kind="unit", scope=BG)])
            ).json()
            answers.append({k: v for k, v in result["results"][0].items() if k != "op_seq"})
    assert answers[0] == answers[1] and answers[0]["reason"] == "sync.reject.out_of_scope"
    assert "unit" not in str(answers[0]) and "task" not in str(answers[0])


def removed_office(world: World) -> None:
    """F5: `office remove` while the server runs: the office's token stops at once."""
    token = world.token(HN)
    with world.client(token) as hn:
        made = hn.post("/v1/sync", json=body([make_op(1, "h1", task(), scope=HN)]))
        assert made.status_code == 200
        server_process.admin(world.db_path, "office", "remove", HN)
        after = [
            hn.post("/v1/sync", json=body([make_op(2, "h2", task(), scope=HN)])),
            hn.get("/v1/pull"),
        ]
    assert statuses(after) == [401, 401]
    assert after[0].json()["error"] == "server.auth_office_removed"
    assert "h1" in hq_records(world) and "h2" not in hq_records(world)


def hq_role_elsewhere(world: World) -> None:
    """F5: an hq token only for a headquarters office."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "server_stub.cli",
            "--db",
            str(world.db_path),
            "token",
            "create",
            "--office",
            BG,
            "--role",
            "hq",
        ],
        capture_output=True,
        text=True,
        env=server_process.ENV,
        timeout=60,
    )
    assert done.returncode != 0 and "headquarters office" in done.stderr
    assert "st_" not in done.stdout


def bad_values(world: World) -> None:
    """F10: values of the wrong type or outside the domain are refused, field named."""
    ops = [
        make_op(1, "v1", task(title={"html": "<b>x</b>"})),
        make_op(2, "v2", task(title=12345)),
        make_op(3, "v3", task(status="hacked")),
        make_op(4, "v4", task(progress=250)),
        make_op(5, "v5", task()),
    ]
    with world.client(world.token(BG)) as bg:
        results = bg.post("/v1/sync", json=body(ops)).json()["results"]
    expected = ["title", "title", "status", "progress"]
    for result, name in zip(results, expected, strict=False):
        assert (result["status"], result["reason"]) == ("rejected", "sync.reject.bad_value")
        assert f"'{name}'" in result["message"]
    assert results[4]["status"] == "applied"
    assert {r for r in hq_records(world) if r.startswith("v")} == {"v5"}


def schema_versions(world: World) -> None:
    """F11: a negative or fractional version is malformed (422); another one is 426."""
    with world.client(world.token(BG)) as bg:
        got = [
            bg.post("/v1/sync", content=b'{"schema_version": %s, "replica_id": "r", "ops": []}' % v)
            for v in (b"-1", b"1.5", b"2")
        ]
    assert statuses(got) == [422, 422, 426]
    assert got[0].json()["error"] == "server.validation"


@dataclass(frozen=True)
class Attack:
    finding: str
    run: Callable[[World], None]
    env: tuple[tuple[str, Any], ...] = ()


LOW = (("rate", 1), ("burst", 5))
ATTACKS = [
    Attack("F1", forged_conflict),
    Attack("F2", bearer_variants, LOW),
    Attack("F2", junk_tokens, LOW),
    Attack("F2", forged_forwarded_for, LOW),
    Attack("F2", trusted_proxy, (*LOW, ("trusted_proxies", '["127.0.0.1"]'))),
    Attack("F3", op_flood, (("ops_rate", 100), ("ops_burst", 5000))),
    Attack(
        "F3",
        byte_flood,
        (
            ("bytes_rate", 1024),
            ("max_decompressed_bytes", 1 * MIB),
            ("max_body_bytes", 1 * MIB),
            ("bytes_burst", 2 * MIB),
        ),
    ),
    Attack("F3", gzip_bomb),
    Attack("F3", too_many_at_once, (("max_inflight", 2),)),
    Attack("F3", slow_inflate, (("inflate_seconds", 0.001),)),
    Attack("F4", existence_leak),
    Attack("F5", removed_office),
    Attack("F5", hq_role_elsewhere),
    Attack("F10", bad_values),
    Attack("F11", schema_versions),
]


@pytest.mark.parametrize("attack", ATTACKS, ids=[f"{a.finding}-{a.run.__name__}" for a in ATTACKS])
def test_attack(attack: Attack, databases: Databases, monkeypatch: pytest.MonkeyPatch) -> None:
    for world in _world(databases, monkeypatch, **dict(attack.env)):
        attack.run(world)

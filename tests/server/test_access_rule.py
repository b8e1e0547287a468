"""The server's read rule is written three times, and the three agree (a property test).

:mod:`server_stub.access` states it (:func:`can_read`, :func:`may_hold`); the pull applies it
twice for speed: the SQL of :meth:`Reader.scan` leaves out rows an office can neither read
nor hold (it may let more through, never fewer), and :meth:`Service._fill` decides each row
by testing its bytes before it decodes any JSON (it must decide exactly as the rule does).
For any office, scope, publications and audience — possible in real data or not — a row
reaches the page when the office may read it, is a ``remove`` when it may only have held
it, and is left out otherwise.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.schema import flat_key
from server_stub.access import can_read, may_hold
from server_stub.auth import Principal
from server_stub.db import Database
from server_stub.service import PullPage, Service
from server_stub.settings import ServerSettings
from server_stub.state import Stored
from tests.helpers.server import BACKENDS, Databases

#: Offices whose names contain one another ("vn/a" in "vn/ab") and cousins of each other.
SCOPES = ["vn", "vn/a", "vn/a/x", "vn/ab", "vn/ab/y", "vn/b", "hn", "hn/a"]
scopes = st.sampled_from(SCOPES)
publications = scopes.map(lambda s: flat_key("published_to", s))  # audience entries
audiences = st.lists(st.one_of(scopes, publications), unique=True)


@pytest.fixture(scope="module", params=BACKENDS)
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    with Databases.of(request.param, tmp_path_factory.mktemp("access")) as databases:
        location = databases.new()
        db = Database(location, synchronous="NORMAL")
        yield Service(db, ServerSettings(db=location, synchronous="NORMAL"))
        db.close()


_seqs = itertools.count(1)


@settings(max_examples=400, deadline=None)
@given(
    office=scopes,
    scope=scopes,
    published=st.lists(scopes, unique=True).map(sorted),
    audience=audiences,
)
def test_the_sql_the_byte_test_and_the_rule_agree(
    service: Service, office: str, scope: str, published: list[str], audience: list[str]
) -> None:
    seq = next(_seqs)
    record = Stored(
        id=f"r{seq}", kind="plan", scope=scope, seq=seq, audience=audience, published=published
    )
    with service.db.write() as w:
        w.save_records([record])
    readable = can_read(office, False, scope, published)
    removed = may_hold(office, audience) and not readable
    with service.db.read() as r:
        filtered = [row[1] for row in r.scan(seq - 1, 10, office=office)]
        every = list(r.scan(seq - 1, 10))
    if readable or removed:
        assert filtered == [record.id]  # the SQL never leaves out a row the rule lets through

    page = PullPage()
    who = Principal(token_id="t", office=office, role="office", user="u")
    service._fill(page, who, iter(every), limit=10)  # the byte test sees the row in any case
    assert (page.docs != [], page.remove) == (readable, [record.id] if removed else [])

"""F11: only a protocol version gets "please upgrade"; anything else is a malformed body."""

from __future__ import annotations

import json

import pytest

from server_stub.errors import Invalid, UpgradeRequired
from server_stub.wire import parse


@pytest.mark.parametrize(
    ("version", "error"),
    [
        (-1, Invalid),
        (-(2**63), Invalid),
        (-1.0, Invalid),
        (1.5, Invalid),
        ("1", Invalid),
        (True, Invalid),
        (None, Invalid),
        ([1], Invalid),
        (0, UpgradeRequired),
        (2, UpgradeRequired),
        (2.0, UpgradeRequired),
        (2**80, UpgradeRequired),
    ],
)
def test_what_schema_version_gets(version: object, error: type[Exception]) -> None:
    body = b'{"schema_version": %s, "replica_id": "r", "ops": []}' % json.dumps(version).encode()
    with pytest.raises(error) as caught:
        parse(body, sync=True)
    if error is Invalid:
        assert isinstance(caught.value, Invalid) and caught.value.status == 422

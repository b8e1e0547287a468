"""Schemathesis against the app's own OpenAPI: every declared response, schema and status.

The number of generated examples per operation is modest for CI; raise it with
``SOTAY_SCHEMATHESIS_EXAMPLES=500 pytest tests/server/test_server_schemathesis.py``.

One check is tuned, not disabled: a request whose ``schema_version`` is not the server's is
answered with 426 "please upgrade Sổ tay" (the protocol's defined answer, declared in the
OpenAPI), so 426 joins the statuses ``negative_data_rejection`` accepts for invalid input.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from tests.helpers.server import Server

EXAMPLES = int(os.environ.get("SOTAY_SCHEMATHESIS_EXAMPLES", "25"))
NEGATIVE_OK = [
    "400",
    "401",
    "403",
    "404",
    "405",
    "406",
    "409",
    "413",
    "415",
    "422",
    "426",
    "428",
    "429",
]


@pytest.fixture
def hq_token(server: Server) -> tuple[Any, str]:
    return server.app(rate=10_000, burst=10_000), server.tokens["hq"]


@pytest.fixture
def api_schema(hq_token: tuple[Any, str]) -> Any:
    app, token = hq_token
    config = SchemathesisConfig.from_dict(
        {
            "generation": {"max-examples": EXAMPLES},
            "checks": {"negative_data_rejection": {"expected-statuses": NEGATIVE_OK}},
            # The HQ token through the schema's own security scheme (not a forced header), so
            # cases that deliberately leave the Authorization header out still leave it out.
            "auth": {"openapi": {"HTTPBearer": {"bearer": token}}},
        }
    )
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_api_conforms_to_its_openapi(case: Any, hq_token: tuple[Any, str]) -> None:
    response = case.call_and_validate()
    # Guard against a vacuous pass: when the real HQ token was sent, it must have worked.
    if response.request.headers.get("Authorization") == f"Bearer {hq_token[1]}":
        assert response.status_code != 401, response.text

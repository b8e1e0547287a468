"""One sync-client factory for the CLI, the app and the demo: the saved address and token,
or nothing when the profile is not logged in."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sync.credentials import client_for, save_token
from sync.store import Store


def test_client_for_uses_the_saved_token_or_says_not_logged_in(tmp_path: Path) -> None:
    with Store.create(tmp_path / "p", office="vn", name="Ban") as store:
        assert client_for(store, tmp_path / "p") is None
        save_token(tmp_path / "p", "http://hq.example/", "secret")
        client = client_for(store, tmp_path / "p", retries=0)
        assert client is not None
        assert (client.server_url, client.retries) == ("http://hq.example", 0)
        other = client_for(store, tmp_path / "p", server="http://other.example")
        assert other is not None and other.server_url == "http://other.example"
        asyncio.run(client.aclose())
        asyncio.run(other.aclose())

"""The server address and token, kept outside the store in a file only the user can read,
and the one factory of sync clients from them (:func:`client_for`: the CLI, the app and the
demo all use it).

The token never enters the replica's snapshot or journal (those may be copied for backup or
support).  ``credentials.json`` is written atomically with mode 0600.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from domain.errors import SotayError
from sync import fsio

if TYPE_CHECKING:  # httpx is imported only when a client is made
    from sync.client import SyncClient
    from sync.store import Store

FILE = "credentials.json"
#: What ``sotay-server token create`` prints: ``st_`` and URL-safe base64.
TOKEN_FORM = re.compile(r"st_[A-Za-z0-9_-]{16,200}")


def check_token(token: str) -> str:
    """``token`` without surrounding blanks, or a clear error for anything that is not a whole
    token (a placeholder like ``st_…``, a cut paste): it goes into an HTTP header."""
    token = token.strip()
    if not TOKEN_FORM.fullmatch(token):
        raise SotayError("sync.token_form")
    return token


def save_token(data_dir: Path, server_url: str, token: str) -> Path:
    path = Path(data_dir) / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    body = orjson.dumps({"server_url": server_url.rstrip("/"), "token": token})
    fsio.atomic_write(path, body)
    os.chmod(path, 0o600)
    return path


def load_token(data_dir: Path) -> tuple[str, str] | None:
    """(server_url, token) or None when not logged in.  A damaged file is an error."""
    path = Path(data_dir) / FILE
    if not path.exists():
        return None
    try:
        doc = orjson.loads(path.read_bytes())
        return str(doc["server_url"]), str(doc["token"])
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise SotayError("import.unreadable", file=str(path), detail=type(exc).__name__) from None


def forget_token(data_dir: Path) -> bool:
    path = Path(data_dir) / FILE
    if path.exists():
        path.unlink()
        return True
    return False


def client_for(
    store: Store, data_dir: Path, *, server: str | None = None, **options: Any
) -> SyncClient | None:
    """The sync client of the profile at ``data_dir`` (``server`` overrides the saved address
    this once; ``options`` go to :class:`SyncClient`), or None when not logged in."""
    saved = load_token(data_dir)
    if saved is None:
        return None
    from sync.client import SyncClient

    url, token = saved
    return SyncClient(store, server_url=server or url, token=token, **options)

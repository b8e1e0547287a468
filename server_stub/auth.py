"""Access tokens: made by the admin command, stored only as SHA-256, checked on every request.

A token is ``st_`` + 32 random bytes (URL-safe base64).  The server keeps its SHA-256 hex
digest, never the token, so a copied database grants nothing.  A request's office and role
come from the token row, never from the request.  Revocation and expiry take effect on the
next request: every request looks the hash up (one indexed query, ~20 µs), nothing is cached.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from domain.errors import ValidationError
from domain.scopes import check_scope
from server_stub.db import Database, TokenRow, now_iso
from server_stub.errors import AdminError, Unauthorized

Role = Literal["office", "hq"]
ROLES: tuple[Role, ...] = ("office", "hq")
TOKEN_PREFIX = "st_"


@dataclass(frozen=True)
class Principal:
    """Who is calling, as the server decided from the token."""

    token_id: str
    office: str
    role: Role
    user: str

    @property
    def is_hq(self) -> bool:
        return self.role == "hq"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def bearer(header: str | None) -> str | None:
    """The token in an ``Authorization: Bearer …`` header value, or ``None``."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        return None
    return value


def _expired(expires_at: str | None, now: datetime) -> bool:
    return expires_at is not None and datetime.fromisoformat(expires_at) <= now


def authenticate(db: Database, token: str | None, now: datetime | None = None) -> Principal:
    """The principal behind ``token``, or :class:`Unauthorized` saying precisely why not."""
    if not token:
        raise Unauthorized("server.auth_missing")
    digest = hash_token(token)
    with db.read(snapshot=False) as r:
        row = r.token_by_hash(digest)
    if row is None or not hmac.compare_digest(row.hash, digest):
        raise Unauthorized("server.auth_invalid")
    if not row.office_exists:
        raise Unauthorized("server.auth_office_removed", office=row.office)
    if row.revoked_at is not None:
        raise Unauthorized("server.auth_revoked")
    if _expired(row.expires_at, now or datetime.now(UTC)):
        raise Unauthorized("server.auth_expired")
    if row.role == "hq" and not is_hq_office(row.office):
        # made before headquarters tokens were limited to a headquarters office
        raise Unauthorized("server.auth_hq_elsewhere", office=row.office)
    return Principal(row.id, row.office, "hq" if row.role == "hq" else "office", row.user)


# ---------------------------------------------------------------------------
# Admin: offices and tokens
# ---------------------------------------------------------------------------
def is_hq_office(scope: str) -> bool:
    """A headquarters office is a top-level scope (``vn``): the root every office is under.

    Only its tokens may have the ``hq`` role (read and write everything)."""
    return "/" not in scope


def add_office(db: Database, scope: str, name: str) -> str:
    scope = check_scope(scope)
    if not name.strip():
        raise ValidationError.single("name", "validation.required")
    with db.write() as w:
        if not w.add_office(scope, name.strip()):
            raise AdminError("server.office_exists", scope=scope)
    return scope


def remove_office(db: Database, scope: str) -> int:
    """Remove an office: its tokens stop working at once (revoked, and refused while the
    office is gone); its records stay, readable by headquarters and the offices above it.
    Returns how many live tokens were revoked."""
    scope = check_scope(scope)
    with db.write() as w:
        revoked = w.remove_office(scope, now_iso())
    if revoked is None:
        raise AdminError("server.office_unknown", scope=scope)
    return revoked


def token_status(row: TokenRow, now: datetime | None = None) -> str:
    """``active``, ``revoked``, ``expired`` or ``office_removed``, for listings."""
    if not row.office_exists:
        return "office_removed"
    if row.revoked_at is not None:
        return "revoked"
    if _expired(row.expires_at, now or datetime.now(UTC)):
        return "expired"
    return "active"


@dataclass(frozen=True)
class NewToken:
    row: TokenRow
    token: str


def create_token(
    db: Database,
    office: str,
    role: str,
    user: str = "",
    expires_days: int | None = None,
    *,
    now: datetime | None = None,
) -> NewToken:
    """Make a token; the caller shows :attr:`NewToken.token` once, it is not kept anywhere."""
    office = check_scope(office, "office")
    if role not in ROLES:
        raise AdminError("server.bad_role", role=role)
    if role == "hq" and not is_hq_office(office):
        raise AdminError("server.hq_office_only", office=office, root=office.split("/")[0])
    if expires_days is not None and expires_days < 1:
        raise AdminError("server.bad_expiry", value=expires_days)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = now or datetime.now(UTC)
    expires = (
        (now + timedelta(days=expires_days)).isoformat(timespec="seconds") if expires_days else None
    )
    row = TokenRow(
        id="tk_" + secrets.token_hex(6),
        hash=hash_token(token),
        office=office,
        role=role,
        user=user.strip(),
        created_at=now.isoformat(timespec="seconds"),
        expires_at=expires,
        revoked_at=None,
        last_used_at=None,
    )
    with db.write() as w:
        if w.office(office) is None:
            raise AdminError("server.office_unknown", scope=office)
        w.add_token(row)
    return NewToken(row, token)


def revoke_token(db: Database, token_id: str) -> None:
    with db.write() as w:
        row = w.token(token_id)
        if row is None:
            raise AdminError("server.token_unknown", id=token_id)
        if not w.revoke_token(token_id, now_iso()):
            raise AdminError("server.token_already_revoked", id=token_id)

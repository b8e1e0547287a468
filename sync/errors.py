"""Errors of talking to the central service, part of the one hierarchy in domain.errors.

::

    SotayError
    └── SyncError
        ├── Offline            the server could not be reached (after retries)
        ├── ServerUnavailable  it answered 5xx / 429 every time
        ├── AuthFailed         401: no, wrong, revoked or expired token
        ├── Forbidden          403
        ├── UpgradeRequired    426: this app is too old for the server
        ├── ServerMismatch     a different or reset server: refused, nothing deleted
        │   └── ServerForgot   it has forgotten ops it acknowledged (an old backup)
        ├── NotLoggedIn        no server or token configured
        └── ProtocolError      an answer this client cannot read
"""

from __future__ import annotations

from domain.errors import SotayError


class SyncError(SotayError):
    key = "sync.error"
    exit_code = 10


class Offline(SyncError):
    key = "sync.offline"
    exit_code = 11


class ServerUnavailable(SyncError):
    key = "sync.unavailable"
    exit_code = 12


class AuthFailed(SyncError):
    key = "sync.auth"
    exit_code = 13


class Forbidden(SyncError):
    key = "sync.forbidden"
    exit_code = 14


class UpgradeRequired(SyncError):
    key = "sync.upgrade"
    exit_code = 15


class ServerMismatch(SyncError):
    key = "sync.server_mismatch"
    exit_code = 16


class ServerForgot(ServerMismatch):
    key = "sync.server_forgot"


class NotLoggedIn(SyncError):
    key = "sync.not_logged_in"
    exit_code = 18


class ProtocolError(SyncError):
    key = "sync.protocol"
    exit_code = 19

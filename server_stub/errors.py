"""HTTP-facing errors of the central service: :class:`domain.errors.SotayError` with a status.

The app turns every one of them into an :class:`sync.protocol.ErrorBody` (Vietnamese
``message``, English ``message_en``); anything else becomes a 500 without a traceback.
"""

from __future__ import annotations

from typing import Any

from domain.errors import SotayError


class HttpError(SotayError):
    status: int = 500
    key = "server.internal"

    def __init__(
        self,
        key: str | None = None,
        /,
        *,
        detail: Any = None,
        headers: dict[str, str] | None = None,
        retry_after: float | None = None,
        **params: Any,
    ) -> None:
        super().__init__(key, **params)
        self.detail = detail
        self.headers = headers or {}
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        """The :class:`sync.protocol.ErrorBody` of this error, as a plain dict."""
        out = self.to_dict()
        out["detail"] = self.detail
        if self.retry_after is not None:
            out["retry_after"] = self.retry_after
        return out


class BadRequest(HttpError):
    status = 400
    key = "server.bad_json"


class Unauthorized(HttpError):
    """No token, an unknown one, a revoked one or an expired one (each its own key)."""

    status = 401
    key = "server.auth_invalid"


class Forbidden(HttpError):
    status = 403
    key = "server.forbidden_role"


class NotFoundError(HttpError):
    status = 404
    key = "server.not_found"


class TooLarge(HttpError):
    status = 413
    key = "server.too_large"


class FeedChanged(HttpError):
    """The replica's cursor names a feed position this database does not hold as it was."""

    status = 409
    key = "server.feed_changed"


class Invalid(HttpError):
    status = 422
    key = "server.validation"


class UpgradeRequired(HttpError):
    status = 426
    key = "server.upgrade"


class RateLimited(HttpError):
    status = 429
    key = "server.rate_limited"


class AdminError(SotayError):
    """An admin command cannot do what was asked (unknown office, unknown token…)."""

    key = "error.generic"
    exit_code = 2

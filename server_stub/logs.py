"""Structured logs: one JSON object per line, and never a token.

Every request produces one ``request`` line with time, level, event, method, path (without the
query string), status, duration_ms, office, token_id and request_id.  The Authorization header
is never read here and the query string is never logged, so no token can reach a log line;
a test captures the logs of authenticated requests and looks for the raw token.

The access-log middleware is the outermost layer: it also turns an exception that escaped
everything else into a 500 :class:`~sync.protocol.ErrorBody` (no traceback in the response;
the exception type goes to the log, with the request id the person sees).
"""

from __future__ import annotations

import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson

from server_stub.errors import HttpError

LOGGER_NAME = "sotay.server"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "color_message",  # uvicorn's ANSI-coloured copy of the message
}


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON line; ``extra=`` keys become top-level fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            out["error"] = record.exc_info[0].__name__
            out["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return orjson.dumps(out, default=str).decode()


def get_logger() -> logging.Logger:
    return logging.getLogger(LOGGER_NAME)


def configure(level: str = "info", stream: Any = None) -> logging.Logger:
    """Send the server's logs as JSON lines to ``stream`` (stderr by default)."""
    logger = get_logger()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger.handlers[:] = [handler]
    logger.setLevel(level.upper())
    logger.propagate = False
    return logger


def _request_id(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _REQUEST_ID.match(text):
                return text
    return uuid.uuid4().hex


def error_bytes(exc: HttpError) -> bytes:
    return orjson.dumps(exc.body())


async def send_error(
    send: Any, exc: HttpError, extra_headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """Send ``exc`` as a complete JSON :class:`~sync.protocol.ErrorBody` response."""
    body = error_bytes(exc)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in exc.headers.items()]
    headers += extra_headers or []
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class AccessLogMiddleware:
    """Outermost ASGI layer: request ids, one log line per request, last-resort 500s."""

    def __init__(self, app: Any, logger: logging.Logger | None = None) -> None:
        self.app = app
        self.logger = logger or get_logger()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})
        request_id = _request_id(scope.get("headers", []))
        state["request_id"] = request_id
        status = {"code": 500, "started": False}

        async def send_wrapper(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["started"] = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        failed: BaseException | None = None
        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:  # the last resort: never a traceback to the client
            failed = exc
            if not status["started"]:
                await send_error(send_wrapper, HttpError("server.internal", request_id=request_id))
        finally:
            self._log(scope, state, status["code"], started, request_id, failed)

    def _log(
        self,
        scope: dict[str, Any],
        state: dict[str, Any],
        status: Any,
        started: float,
        request_id: str,
        failed: BaseException | None,
    ) -> None:
        fields = {
            "method": scope.get("method"),
            "path": scope.get("path"),
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "office": state.get("office"),
            "token_id": state.get("token_id"),
            "request_id": request_id,
        }
        if failed is not None:
            self.logger.error(
                "request", extra=fields, exc_info=(type(failed), failed, failed.__traceback__)
            )
        elif isinstance(status, int) and status >= 500:
            self.logger.error("request", extra=fields)
        else:
            self.logger.info("request", extra=fields)

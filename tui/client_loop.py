"""The sync client's own event loop, on a thread of its own.

Everything the client does — HTTP, and the store work of applying the server's answer
(journal fsync, the rebase loop, maybe a checkpoint; about 150 ms per 2,000-op page) — runs
there, never on Textual's event loop, so keys and redraws go on during a big sync.  The app's
workers await it (``await app.client_loop.run(client.sync())``): cancelling the worker, as
Textual does at exit, cancels the work.

One loop for the client's whole life, not ``asyncio.run`` per sync in a thread worker: httpx
keeps its connections on the loop that opened them, and the next request on a new loop
fails ("Event loop is closed").
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class ClientLoop:
    """An event loop on a daemon thread, started on first use."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        """``work``'s result, computed on the client's loop; the caller's loop stays free."""
        future = asyncio.run_coroutine_threadsafe(work, self._started())
        return await asyncio.wrap_future(future)

    def _started(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._loop.run_forever, name="sotay-sync", daemon=True
            )
            self._thread.start()
        return self._loop

    def stop(self) -> None:
        """Stop the loop and its thread (what is still running there is dropped)."""
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        if not thread.is_alive():
            loop.close()

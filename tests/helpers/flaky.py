"""A TCP proxy that makes a loopback link behave like a bad mobile one.

Per connection it picks, from a seeded random generator: pass cleanly, cut the request after
some bytes, cut the response after some bytes (the server has usually committed by then),
stall longer than the client's timeout, or trickle the bytes a few at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
from dataclasses import dataclass, field

MODES = ("clean", "cut_request", "cut_response", "stall", "trickle")


@dataclass
class Tally:
    connections: int = 0
    by_mode: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MODES, 0))


class FlakyProxy:
    def __init__(
        self,
        target_port: int,
        seed: int = 7,
        stall_seconds: float = 1.3,
        weights: tuple[int, ...] = (40, 15, 20, 10, 15),
    ) -> None:
        self.target_port = target_port
        self.rng = random.Random(seed)
        self.stall_seconds = stall_seconds
        self.weights = weights
        self.faulty = True
        self.tally = Tally()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.base_events.Server | None = None

    def start(self) -> int:
        self._thread.start()
        self._ready.wait(10)
        return self.port

    def stop(self) -> None:
        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(20)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def boot() -> None:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()

        self._loop.run_until_complete(boot())
        self._loop.run_forever()
        self._loop.close()

    def _pick(self) -> str:
        if not self.faulty:
            return "clean"
        return self.rng.choices(MODES, weights=self.weights)[0]

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        mode = self._pick()
        self.tally.connections += 1
        self.tally.by_mode[mode] += 1
        cut_at = self.rng.randint(1, 3000)
        try:
            up_r, up_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_w.close()
            return
        if mode == "stall":
            await asyncio.sleep(self.stall_seconds)
        up = self._pipe(client_r, up_w, cut_at if mode == "cut_request" else None, False)
        down = self._pipe(
            up_r, client_w, cut_at if mode == "cut_response" else None, mode == "trickle"
        )
        try:
            await asyncio.gather(up, down, return_exceptions=True)
        finally:
            for w in (client_w, up_w):
                w.close()
                with contextlib.suppress(Exception):
                    await w.wait_closed()

    async def _pipe(
        self, src: asyncio.StreamReader, dst: asyncio.StreamWriter, limit: int | None, trickle: bool
    ) -> None:
        sent = 0
        try:
            while data := await src.read(8192):
                if limit is not None and sent + len(data) >= limit:
                    dst.write(data[: limit - sent])
                    await dst.drain()
                    raise ConnectionAbortedError("cut")
                if trickle:
                    for i in range(0, len(data), 512):
                        dst.write(data[i : i + 512])
                        await dst.drain()
                        await asyncio.sleep(0.001)
                else:
                    dst.write(data)
                    await dst.drain()
                sent += len(data)
        finally:
            dst.close()
